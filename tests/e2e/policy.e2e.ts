/**
 * The policy pack (policy/) through the real `pulumi preview --policy-pack`: this repository's dev and prod stacks
 * pass it without a single violation; a program that declares a gateway by hand with the classic mistakes
 * (tests/e2e/fixtures/policy-mistakes) gets each expected violation by name, and its mandatory ones fail the preview.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { POLICIES } from "../../policy/policies";
import { ROOT } from "../support/run";
import { createExpectedNamespaces, useCluster } from "./support/cluster";
import { CommandResult, Workspace } from "./support/workspace";

const PACK = path.join(ROOT, "policy");

/** The violations the engine printed under "Policies:", as "[level] Name" lines, one per finding. */
function violations(r: CommandResult): Array<{ level: string; policy: string }> {
  return [...(r.stdout + r.stderr).matchAll(/^\s+- \[(mandatory|advisory|remediate)\]\s+(\w+)\s/gm)].map((m) => ({ level: m[1], policy: m[2] }));
}

describe("the policy pack, through pulumi preview --policy-pack", function () {
  // Nothing here creates a pod: no istiod to start.
  const cluster = useCluster({ istiod: false });
  const workspaces: Workspace[] = [];
  after(() => workspaces.forEach((w) => w.remove()));

  for (const stack of ["dev", "prod"]) {
    it(`finds no violation in the ${stack} stack`, async () => {
      const ws = new Workspace(cluster().state, path.join(ROOT, `Pulumi.${stack}.yaml`));
      workspaces.push(ws);
      await ws.init();
      await createExpectedNamespaces(cluster().api, ws);
      const r = await ws.pulumi(["preview", "--policy-pack", PACK]);
      process.stdout.write(`      ${stack}: pulumi preview --policy-pack exit ${r.code} in ${r.seconds.toFixed(1)} s, ${violations(r).length} violations\n`);
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /✅ istio-gateway@v[0-9.]+ \(local: /);
      assert.deepStrictEqual(violations(r), []);
    });
  }

  let mistakes: Workspace | undefined;
  /** The program with the classic mistakes, initialised once for both packs. */
  async function mistakesWorkspace(): Promise<Workspace> {
    if (mistakes) return mistakes;
    const fixture = path.join(__dirname, "fixtures", "policy-mistakes");
    mistakes = new Workspace(cluster().state, path.join(fixture, "Pulumi.mistakes.yaml"), fixture);
    workspaces.push(mistakes);
    await mistakes.init();
    return mistakes;
  }

  async function expectEveryMistake(pack: string, label: string): Promise<void> {
    const ws = await mistakesWorkspace();
    const r = await ws.pulumi(["preview", "--policy-pack", pack]);
    const found = violations(r);
    const byPolicy = Object.fromEntries(POLICIES.map((p) => [p.name, found.filter((v) => v.policy === p.name).length]));
    process.stdout.write(`      mistakes, ${label}: pulumi preview --policy-pack exit ${r.code} in ${r.seconds.toFixed(1)} s; ${JSON.stringify(byPolicy)}\n`);
    assert.notStrictEqual(r.code, 0, "mandatory violations did not fail the preview");
    assert.match(r.stdout + r.stderr, /❌ istio-gateway@v[0-9.]+/);
    // Two hand-written revisions: each misses injection twice (no label, no template), four hardening settings
    // and the sysctl, its revision and its budget; one overlap between them; the Helm chart's Deployment turns
    // injection off; one of everything else.
    assert.deepStrictEqual(byPolicy, {
      ImageAutoWithoutInjection: 5, GatewayRevisionNotPinned: 2, GatewayPodNotHardened: 10, OverlappingDeploymentSelectors: 1,
      ReferencedResourceNotFound: 1, GatewayPortNotDefinedOnService: 1, GatewayWithoutDisruptionBudget: 2, LoadBalancerOpenToTheWorld: 1,
      CanarySplitMismatch: 1,
    });
    assert.match(r.stdout, /\[mandatory\]\s+ImageAutoWithoutInjection\s+\(kubernetes:apps\/v1:Deployment: default\/helm-gateway\)/, "the Helm-rendered Deployment was not checked");
    for (const v of found) assert.strictEqual(v.level, POLICIES.find((p) => p.name === v.policy)?.enforcementLevel, `${v.policy} at ${v.level}`);
  }

  it("reports every classic mistake of a gateway declared by hand, by name, and fails the preview on the mandatory ones", async () => {
    await expectEveryMistake(PACK, "policy/");
  });

  it("takes each policy's level from --policy-pack-config: all mandatory ones lowered, hardening disabled, the preview passes", async () => {
    const ws = await mistakesWorkspace();
    const levels = Object.fromEntries(POLICIES.map((p) => [p.name, p.name === "GatewayPodNotHardened" ? "disabled" : "advisory"]));
    const config = path.join(ws.dir, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify(levels));
    const r = await ws.pulumi(["preview", "--policy-pack", PACK, "--policy-pack-config", config]);
    const found = violations(r);
    process.stdout.write(`      mistakes, levels lowered: exit ${r.code}; ${found.length} violations, levels ${[...new Set(found.map((v) => v.level))].join(", ")}\n`);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.ok(found.length > 0 && found.every((v) => v.level === "advisory" && v.policy !== "GatewayPodNotHardened"), JSON.stringify(found));
  });

  it("bundles for publishing into a folder that needs nothing outside it, and reports the same", async () => {
    const bundle = spawnSync(process.execPath, [path.join(ROOT, "tools/policy/bundle.js")], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(bundle.status, 0, bundle.stdout + bundle.stderr);
    const dir = path.join(ROOT, ".build", "policy-pack");
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".js"));
    for (const file of files) {
      for (const [, spec] of fs.readFileSync(path.join(dir, file), "utf8").matchAll(/require\("([^"]+)"\)/g)) {
        if (spec.startsWith(".")) assert.ok(fs.existsSync(path.join(dir, path.dirname(file), `${spec}.js`)) || fs.existsSync(path.join(dir, path.dirname(file), spec, "index.js")), `${file}: ${spec} is not in the bundle`);
        else if (!builtinModules.includes(spec.replace(/^node:/, ""))) assert.ok(spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/") in manifest.dependencies, `${file}: ${spec} is not a dependency`);
      }
    }
    await expectEveryMistake(dir, "the bundle");
  });
});
