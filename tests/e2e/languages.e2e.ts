/**
 * The Python, Go and YAML programs of docs/program.md (docs/program.md), run by the real CLI with its
 * language hosts against a local cluster: the install commands of docs/program.md, `pulumi package add` of this repository's
 * plugin/ folder, `pulumi up` from empty, the outputs and live Deployments, one canary step (`canaryWeight` 50), and
 * `pulumi destroy`. The programs sit beside a folder named as docs/program.md's clone, `pulumi-istio-gateway`, which is
 * this repository, so docs/program.md's relative paths are run as written.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { lockedVersions } from "../../tools/cluster/toolchain";
import { codeBlocksIn, doc } from "../support/readme";
import { ROOT } from "../support/run";
import { LiveCluster, useCluster } from "./support/cluster";
import { readyByDeployment } from "./support/live";
import { CommandResult, Workspace } from "./support/workspace";

const PROGRAMS = doc("program");
const block = (lang: string, nth = 0) => codeBlocksIn(PROGRAMS, "## From Python, Go or YAML", lang)[nth] ?? "";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/payments/deployments";

interface Language {
  name: string;
  files: Record<string, string>;
  /** The install commands of docs/program.md for it (a ```sh block), or none. */
  install?: string;
}

const LANGUAGES: Language[] = [
  {
    name: "python",
    files: {
      "Pulumi.yaml": "name: payments-py\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: venv\n",
      "requirements.txt": block("text"),
      "__main__.py": block("python"),
    },
    install: block("sh", 0),
  },
  {
    name: "go",
    files: { "Pulumi.yaml": "name: payments-go\nruntime: go\n", "go.mod": `module payments\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v${lockedVersions().pulumi}\n`, "main.go": block("go") },
    install: block("sh", 1),
  },
  { name: "yaml", files: { "Pulumi.yaml": block("yaml") } },
];

describe("the Python, Go and YAML programs of docs/program.md, real CLI and language hosts", function () {
  const cluster: () => LiveCluster = useCluster();
  let ws: Workspace;
  let base: string;
  const timings: string[] = [];

  const must = async (what: string, r: Promise<CommandResult>): Promise<CommandResult> => {
    const done = await r;
    assert.strictEqual(done.code, 0, `${what} exited ${done.code}:\n${done.stdout.slice(-3000)}\n${done.stderr.slice(-3000)}`);
    timings.push(`${what}: ${done.seconds.toFixed(1)} s`);
    return done;
  };
  const pulumi = (dir: string, args: string[]) => ws.run(path.join(ws.cluster.bin, "pulumi"), [...args, "--non-interactive"], { cwd: dir, timeoutMs: 15 * 60 * 1000 });
  const bash = (dir: string, script: string) => ws.run("bash", ["-euo", "pipefail", "-c", script], { cwd: dir, timeoutMs: 15 * 60 * 1000 });

  before(async function () {
    this.timeout(10 * 60 * 1000);
    ws = new Workspace(cluster().state, path.join(ROOT, "Pulumi.dev.yaml"));
    base = path.join(ws.dir, "programs");
    fs.mkdirSync(base);
    // docs/program.md's layout: the programs beside a clone named pulumi-istio-gateway (npm ci done: this checkout).
    fs.symlinkSync(ROOT, path.join(base, "pulumi-istio-gateway"));
    // Installed, as the CLI would download them: a plugin package's providers are not taken from PATH.
    const v = lockedVersions();
    for (const [name, version] of [["kubernetes", v.kubernetes], ["random", v.random]]) {
      await must(`plugin install ${name} ${version}`, pulumi(base, ["plugin", "install", "resource", name, version, "--file", path.join(ws.cluster.bin, `pulumi-resource-${name}`)]));
    }
    await cluster().api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "payments" } });
    const schema = await must("pulumi package get-schema (the component provider's start-up)", pulumi(base, ["package", "get-schema", "./pulumi-istio-gateway/plugin"]));
    assert.ok(JSON.parse(schema.stdout).resources["istio-gateway:index:IstioGateway"], "the schema has no IstioGateway");
  });
  after(() => {
    process.stdout.write(`      timings:\n${timings.map((t) => `        ${t}\n`).join("")}`);
    ws?.remove();
  });

  for (const lang of LANGUAGES) {
    it(`${lang.name}: installs as docs/program.md says, comes up, moves one canary step, and is destroyed`, async function () {
      this.timeout(25 * 60 * 1000);
      const { api } = cluster();
      const dir = path.join(base, lang.name);
      fs.mkdirSync(dir);
      for (const [file, text] of Object.entries(lang.files)) {
        assert.ok(text.trim(), `docs/program.md has no ${file} for ${lang.name}`);
        fs.writeFileSync(path.join(dir, file), text);
      }
      if (lang.install) await must(`${lang.name}: the install commands of docs/program.md`, bash(dir, lang.install));
      if (lang.name === "go") {
        // The Go SDK of the Kubernetes provider asks for the provider at its own version (the newest the proxy serves).
        const version = /github\.com\/pulumi\/pulumi-kubernetes\/sdk\/v4 v(\S+)/.exec(fs.readFileSync(path.join(dir, "go.mod"), "utf8"))?.[1];
        assert.ok(version, "go.mod does not require the Kubernetes SDK");
        await must(`go: plugin install kubernetes ${version}`, pulumi(dir, ["plugin", "install", "resource", "kubernetes", version, "--file", path.join(ws.cluster.bin, "pulumi-resource-kubernetes")]));
      }
      await must(`${lang.name}: stack init`, pulumi(dir, ["stack", "init", lang.name]));
      await must(`${lang.name}: pulumi up from empty`, pulumi(dir, ["up", "--yes", "--skip-preview"]));
      let outputs = JSON.parse((await must(`${lang.name}: stack output`, pulumi(dir, ["stack", "output", "--json"]))).stdout) as { gatewayRef: string; split: Array<{ revision: string; pods: number }> };
      assert.strictEqual(outputs.gatewayRef, "payments/payments-gateway");
      assert.deepStrictEqual(outputs.split.map((s) => [s.revision, s.pods]), [["1-25-1", 4], ["1-26-0", 0]]);
      assert.deepStrictEqual(readyByDeployment(await api.list(DEPLOYMENTS)), { "payments-gateway-1-25-1": 4, "payments-gateway-1-26-0": 0 });

      await must(`${lang.name}: config set canaryWeight 50`, pulumi(dir, ["config", "set", "canaryWeight", "50"]));
      await must(`${lang.name}: pulumi up (50%)`, pulumi(dir, ["up", "--yes", "--skip-preview"]));
      outputs = JSON.parse((await pulumi(dir, ["stack", "output", "--json"])).stdout);
      assert.deepStrictEqual(outputs.split.map((s) => [s.revision, s.pods]), [["1-25-1", 2], ["1-26-0", 2]]);
      assert.deepStrictEqual(readyByDeployment(await api.list(DEPLOYMENTS)), { "payments-gateway-1-25-1": 2, "payments-gateway-1-26-0": 2 });
      await must(`${lang.name}: preview --expect-no-changes`, pulumi(dir, ["preview", "--expect-no-changes"]));

      await must(`${lang.name}: pulumi destroy`, pulumi(dir, ["destroy", "--yes", "--skip-preview"]));
      assert.deepStrictEqual(await api.list(DEPLOYMENTS), []);
    });
  }
});
