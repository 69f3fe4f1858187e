import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument } from "yaml";
import { diffMarkdown } from "../../tools/diff/report";
import { entriesOf } from "../../tools/engine/manifest";
import { renderCommand } from "../../tools/diff/base-render";
import { diffEntries } from "../../tools/diff/object-diff";
import { runStack } from "../../tools/engine/render-stack";
import { isBuildScratch } from "../../tools/cluster/project";
import { ROOT } from "../support/run";
import { afterVerb, tempStackFile } from "../support/stack-files";

const PROD = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
/** A stack file's rendered objects; the same text renders to the same objects (render is deterministic), once. */
const rendered = new Map<string, ReturnType<typeof entriesOf>>();
const entries = async (text: string) => {
  if (!rendered.has(text)) rendered.set(text, entriesOf(await runStack({ stackFile: tempStackFile("prod", text) })));
  return rendered.get(text)!;
};

describe("offline diff", () => {
  it("shows exactly the replica changes between two adjacent canary steps", async () => {
    const at25 = afterVerb(PROD, "next");
    const at50 = afterVerb(at25, "next");
    const changes = diffEntries(await entries(at25), await entries(at50));
    assert.deepStrictEqual(changes.map((c) => [c.change, c.name, c.fields.map((f) => `${f.path}: ${f.before} → ${f.after}`)]), [
      ["changed", "istio-ingressgateway-1-25-1", ["spec.replicas: 7 → 5"]],
      ["changed", "istio-ingressgateway-1-26-0", ["spec.replicas: 3 → 5"]],
    ]);
  });

  it("summarises the split of the gateway that moved, before → after, and no other", async () => {
    const { markdown } = diffMarkdown({ stack: "prod", baseLabel: "main", before: await entries(PROD), after: await entries(afterVerb(PROD, "next")) });
    assert.match(markdown, /\| istio-ingressgateway \| 1-25-1 \| 9 pods \(90%\) \| 7 pods \(70%\) \|/);
    assert.match(markdown, /\| istio-ingressgateway \| 1-26-0 \| 1 pod \(10%\) \| 3 pods \(30%\) \|/);
    assert.ok(!markdown.includes("payments-gateway"));
    assert.ok(!markdown.includes("Replacement"));
  });

  it("says no changes for an unchanged stack", async () => {
    const { markdown, changes } = diffMarkdown({ stack: "prod", baseLabel: "main", before: await entries(PROD), after: await entries(PROD) });
    assert.deepStrictEqual(changes, []);
    assert.match(markdown, /No changes\./);
  });

  it("flags a renamed gateway as a replacement", async () => {
    const doc = parseDocument(PROD);
    const gateways = doc.getIn(["config", "istio-gateways:gateways"]) as { items: Array<{ key: { value: string } }> };
    gateways.items.find((i) => i.key.value === "payments-gateway")!.key.value = "pay-gateway";
    const { markdown } = diffMarkdown({ stack: "prod", baseLabel: "main", before: await entries(PROD), after: await entries(doc.toString()) });
    assert.match(markdown, /Replacement\*\*: Service payments\/payments-gateway is removed and payments\/pay-gateway created/);
    assert.match(markdown, /Replacement\*\*: Gateway payments\/payments-gateway is removed and payments\/pay-gateway created/);
  });

  it("flags a namespace that leaves the stack as a deletion, first, in bold", async () => {
    const doc = parseDocument(PROD);
    doc.deleteIn(["config", "istio-gateways:gateways", "istio-ingressgateway", "createNamespace"]);
    doc.deleteIn(["config", "istio-gateways:gateways", "istio-ingressgateway", "namespaceLabels"]);
    const { markdown } = diffMarkdown({ stack: "prod", baseLabel: "main", before: await entries(PROD), after: await entries(doc.toString()) });
    const warnings = markdown.split("\n").filter((l) => l.startsWith("> "));
    assert.match(warnings[0] ?? "", /^> 🛑 \*\*Namespace deletion\*\*: Namespace istio-ingress leaves the stack/);
  });

  it("flags no namespace deletion when every namespace stays", async () => {
    const { markdown } = diffMarkdown({ stack: "prod", baseLabel: "main", before: await entries(PROD), after: await entries(afterVerb(PROD, "next")) });
    assert.ok(!markdown.includes("Namespace deletion"));
  });

  it("flags a changed Deployment selector or Service type as a replacement", () => {
    const obj = (kind: string, spec: object) => ({ urn: kind, manifest: { apiVersion: "v1", kind, metadata: { name: "x", namespace: "n" }, spec } });
    const changes = diffEntries(
      [obj("Deployment", { selector: { matchLabels: { a: "1" } } }), obj("Service", { type: "LoadBalancer" })],
      [obj("Deployment", { selector: { matchLabels: { a: "2" } } }), obj("Service", { type: "ClusterIP" })]);
    assert.deepStrictEqual(changes.map((c) => [c.kind, c.replaces]), [["Deployment", ["spec.selector"]], ["Service", ["spec.type"]]]);
  });

  it("prints the changed fields as a compact diff", async () => {
    const { markdown } = diffMarkdown({ stack: "prod", baseLabel: "main", before: await entries(PROD), after: await entries(afterVerb(PROD, "next")) });
    assert.match(markdown, /```diff\n- spec.replicas: 9\n\+ spec.replicas: 7\n```/);
  });
});

describe("diff command (as a process, in a throwaway repository)", function () {
  this.timeout(120000);
  let repo: string;
  // As `npm run diff` starts it: the launcher, compiled when the repository's build is current (copied below).
  const run = (...args: string[]) => spawnSync(process.execPath, ["tools/engine/launch.js", "diff", ...args], { cwd: repo, encoding: "utf8" });
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo, encoding: "utf8" });

  before(() => {
    // This checkout's files as they are now, committed on main, then a branch that moves prod's canary one step.
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "istio-gateways-repo-"));
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
    for (const f of files) {
      if (!fs.existsSync(path.join(ROOT, f))) continue;
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"), "dir");
    if (fs.existsSync(path.join(ROOT, ".build"))) {
      fs.cpSync(path.join(ROOT, ".build"), path.join(repo, ".build"), { recursive: true, filter: (from) => !isBuildScratch(ROOT, from) });
    }
    fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n.build\n");
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    git("checkout", "-qb", "step");
    fs.writeFileSync(path.join(repo, "Pulumi.prod.yaml"), afterVerb(PROD, "next"));
  });

  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("prints the before → after split of the gateway that moved, and nothing else changed", () => {
    const r = run("--stack", "prod", "--base", "main");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /\| istio-ingressgateway \| 1-25-1 \| 9 pods \(90%\) \| 7 pods \(70%\) \|/);
    assert.match(r.stdout, /\| changed \| Deployment \| istio-ingress \| istio-ingressgateway-1-25-1 \|/);
    const rows = r.stdout.split("\n").filter((l) => /^\| (added|changed|removed) \|/.test(l));
    assert.deepStrictEqual(rows.map((l) => l.split("|")[4].trim()), ["istio-ingressgateway-1-25-1", "istio-ingressgateway-1-26-0", "istio-ingressgateway-1-26-0"]);
  });

  it("defaults the base to the merge base with main", () => {
    const r = run("--stack", "prod");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /merge base with main/);
    assert.match(r.stdout, /7 pods \(70%\)/);
  });

  it("reports a stack that does not render in the working tree, with the message, and exits 1", () => {
    const file = path.join(repo, "Pulumi.dev.yaml");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace("replicas: 4", "replicas: 0"));
    try {
      const r = run("--stack", "dev", "--base", "main");
      assert.strictEqual(r.status, 1);
      assert.match(r.stdout, /does not render/);
      assert.match(r.stderr, /does not render in the working tree: stack "dev", gateway "istio-ingressgateway": replicas is 0/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it("reports a base that does not render", () => {
    git("stash", "-q", "--include-untracked");
    try {
      fs.writeFileSync(path.join(repo, "Pulumi.dev.yaml"), fs.readFileSync(path.join(repo, "Pulumi.dev.yaml"), "utf8").replace("replicas: 4", "replicas: 0"));
      git("commit", "-qam", "broken dev");
      const r = run("--stack", "dev", "--base", "HEAD");
      assert.strictEqual(r.status, 1);
      assert.match(r.stderr, /does not render at HEAD \([0-9a-f]{7}\): stack "dev", gateway "istio-ingressgateway": replicas is 0/);
    } finally {
      git("reset", "-q", "--hard", "HEAD~1");
      git("stash", "pop", "-q");
    }
  });

  it("renders a base whose program differs with that base's own render command, in a process of its own", () => {
    // The working tree's program gains a comment: its sources no longer match the base's, so the base cannot be
    // rendered with this checkout's code.
    const file = path.join(repo, "stacks/index.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `${original}\n// an edit\n`);
    try {
      const r = spawnSync(process.execPath, ["tools/engine/launch.js", "diff", "--stack", "prod", "--base", "main"], { cwd: repo, encoding: "utf8", env: { ...process.env, LAUNCH_TRACE: "1" } });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.stderr, /launch: ts-node/);
      assert.match(r.stderr, /diff: the base renders compiled/);
      assert.match(r.stdout, /\| istio-ingressgateway \| 1-25-1 \| 9 pods \(90%\) \| 7 pods \(70%\) \|/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it("starts a base whose sources the build was not made from through ts-node, copying no build", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-gateways-other-base-"));
    try {
      fs.mkdirSync(path.join(dir, "components"));
      fs.writeFileSync(path.join(dir, "components/index.ts"), "export const other = 1;\n");
      assert.deepStrictEqual(renderCommand(repo, dir, "tools/render/main.ts"), ["-r", "ts-node/register/transpile-only", "tools/render/main.ts"]);
      assert.ok(!fs.existsSync(path.join(dir, ".build")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a base that is not a commit", () => {
    const r = run("--stack", "prod", "--base", "no-such-branch");
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /--base "no-such-branch" is not a commit/);
  });
});
