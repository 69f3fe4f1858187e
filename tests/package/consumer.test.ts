/**
 * The package as an app team gets it: `npm pack`, the tarball installed into a fresh consumer project (offline:
 * the tarball is unpacked as npm would, the Pulumi SDKs linked from this repo's node_modules), the README's
 * program type-checked against the shipped declarations, compiled, then run under mocks.
 *
 * The consumer lives at a fixed place (.build/consumer, rebuilt from nothing on every run) so that tsc's
 * incremental cache beside it can be reused: the template checks every declaration file (no skipLibCheck), and
 * @pulumi/kubernetes' declarations alone cost about 11 s of the 15 s. tsc keys its cache on each file's content,
 * so a changed package or program is checked again; the first run in a fresh clone pays in full.
 */
import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { codeBlockAfter } from "../support/readme";
import { ProcessResult, ROOT, startProcess } from "../support/run";

const { builtDigest, distSourceDigest, DIST_DIR } = require("../../components/build-digest.js");
const NODE_MODULES = path.join(ROOT, "node_modules");
const TSC = path.join(NODE_MODULES, "typescript/bin/tsc");
const TS_NODE = path.join(NODE_MODULES, "ts-node/register/transpile-only");
const RUNNER = path.join(ROOT, "tests/support/consumer-run.ts");
const PEERS = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random"];
const CACHE = path.join(ROOT, ".build");

/** The README's "Use it from your own program" example. */
function readmeProgram(): string {
  const block = codeBlockAfter(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), "## Use it from your own program");
  assert.ok(block, "the README has no program under \"Use it from your own program\"");
  return block;
}

/** Compiler settings of Pulumi's TypeScript project template, plus what TypeScript 6 needs to accept them. */
const TEMPLATE_OPTIONS = {
  strict: true, target: "es2020", module: "commonjs", moduleResolution: "node", ignoreDeprecations: "6.0",
  noImplicitReturns: true, noFallthroughCasesInSwitch: true, forceConsistentCasingInFileNames: true,
  types: ["node"], noEmit: true,
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 120000 });
}

/** Type-checks one file with the given compiler options; side by side with the others. */
function typeCheck(dir: string, name: string, files: string[], options: Record<string, unknown>): Promise<ProcessResult> {
  const config = path.join(dir, `tsconfig.${name}.json`);
  const cache = { incremental: true, tsBuildInfoFile: path.join(CACHE, `consumer.${name}.tsbuildinfo`) };
  fs.writeFileSync(config, JSON.stringify({ compilerOptions: { ...options, ...cache }, files }));
  return startProcess(process.execPath, [TSC, "-p", config], { cwd: dir });
}

/**
 * The consumer's build output (bin/index.js) as tsc emits it with the template's settings. tsc's incremental mode
 * does not emit again into a new bin/, so the emit is TypeScript's per-file transform, which is what tsc emits
 * for a one-file CommonJS program; the type-check beside it is the whole-program one.
 */
function emit(dir: string, file: string, options: Record<string, unknown>): void {
  const ts: typeof import("typescript") = require("typescript");
  const { options: compilerOptions } = ts.convertCompilerOptionsFromJson(options, dir);
  const out = ts.transpileModule(fs.readFileSync(path.join(dir, file), "utf8"), { compilerOptions, fileName: file });
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.writeFileSync(path.join(dir, "bin", file.replace(/\.ts$/, ".js")), out.outputText);
}

describe("the npm package, installed into a consumer project", function () {
  this.timeout(180000);
  let work: string;
  let consumer: string;
  let packed: { filename: string; files: Array<{ path: string }> };
  let manifest: { main: string; types: string; exports: Record<string, unknown>; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };

  let node16: ProcessResult, build: ProcessResult;
  /** The build's errors in one file, as tsc prints them (`file(line,col): error …`). */
  const errorsIn = (file: string) => build.stdout.split("\n").filter((l) => l.startsWith(`${file}(`));

  before(async () => {
    work = path.join(CACHE, "consumer");
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    // The package's half of `prepare` (`npm run build`: dist/, rebuilt only when it is not from the sources on disk,
    // as after an edit), then the tarball; the other half (the commands' build) ships nothing, so the scripts are
    // skipped.
    if (builtDigest(ROOT, DIST_DIR) !== distSourceDigest(ROOT)) {
      const dist = run("npm", ["run", "-s", "build"], ROOT);
      assert.strictEqual(dist.status, 0, dist.stdout + dist.stderr);
    }
    const pack = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT);
    assert.strictEqual(pack.status, 0, pack.stderr);
    packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")))[0];
    consumer = path.join(work, "consumer");
    const installed = path.join(consumer, "node_modules/istio-gateway");
    fs.mkdirSync(installed, { recursive: true });
    const untar = run("tar", ["-xzf", path.join(work, packed.filename), "-C", installed, "--strip-components=1"], work);
    assert.strictEqual(untar.status, 0, untar.stderr);
    manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    // The peers, as the consumer's own dependencies: one copy each, shared with the installed package.
    fs.mkdirSync(path.join(consumer, "node_modules/@pulumi"));
    for (const peer of [...PEERS, "@types"]) {
      fs.symlinkSync(path.join(NODE_MODULES, peer), path.join(consumer, "node_modules", peer), "dir");
    }
    // Its own dependencies, where npm would install them (offline: this checkout's copies).
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      fs.symlinkSync(path.join(NODE_MODULES, dep), path.join(consumer, "node_modules", dep), "dir");
    }
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({
      name: "consumer", private: true, dependencies: { "istio-gateway": `file:../${packed.filename}` },
    }));
    fs.writeFileSync(path.join(consumer, "index.ts"), readmeProgram());
    fs.writeFileSync(path.join(consumer, "misuse.ts"), [
      'import { IstioGateway } from "istio-gateway";',
      'new IstioGateway("gw", { namespace: "ns", topology: "sharded" });',
      'new IstioGateway("gw2", { namespace: "ns", canary: { weight: 10 } });',
    ].join("\n"));
    [node16, build] = await Promise.all([
      // What this one adds is resolution through the exports map; the declarations themselves are checked by the
      // build beside it, so it skips checking them again (skipLibCheck).
      typeCheck(consumer, "node16", ["index.ts"], { ...TEMPLATE_OPTIONS, module: "node16", moduleResolution: "node16", skipLibCheck: true }),
      // The README's program and a misuse of the API in one compilation, as the consumer's build would check them
      // (the template's settings): the program must compile clean and the misuse must not.
      typeCheck(consumer, "template", ["index.ts", "misuse.ts"], TEMPLATE_OPTIONS),
    ]);
    const { noEmit: _, ...emitting } = TEMPLATE_OPTIONS;
    emit(consumer, "index.ts", emitting);
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("ships the compiled component only: JavaScript and declarations under dist/, no stacks, tests or tools", () => {
    const files = packed.files.map((f) => f.path);
    const stray = files.filter((f) => !(/^dist\/.+\.(js|d\.ts)$/.test(f) || ["package.json", "README.md", "LICENSE"].includes(f)));
    assert.deepStrictEqual(stray, []);
    assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"), files.join(", "));
  });

  it("points main, types and exports at files the tarball has", () => {
    const files = new Set(packed.files.map((f) => f.path));
    assert.ok(files.has(manifest.main), manifest.main);
    assert.ok(files.has(manifest.types), manifest.types);
    assert.deepStrictEqual(manifest.exports["."], { types: "./dist/index.d.ts", default: "./dist/index.js" });
  });

  it("declares the Pulumi SDKs as peer dependencies, so the consumer's tree holds one @pulumi/pulumi", () => {
    assert.deepStrictEqual(Object.keys(manifest.peerDependencies ?? {}).sort(), [...PEERS].sort());
  });

  it("depends on yaml alone at run time (ProxyConfig annotations are YAML), nothing else", () => {
    assert.deepStrictEqual(Object.keys(manifest.dependencies ?? {}), ["yaml"]);
  });

  it("type-checks the README's program with the settings of Pulumi's TypeScript template", () => {
    assert.deepStrictEqual(errorsIn("index.ts"), [], build.stdout + build.stderr);
    assert.ok(fs.existsSync(path.join(consumer, "bin/index.js")), "no bin/index.js");
  });

  it("type-checks the README's program through the exports map (node16 resolution)", () => {
    assert.strictEqual(node16.status, 0, node16.stdout + node16.stderr);
  });

  it("rejects, at compile time, a program that misuses the public API", () => {
    assert.notStrictEqual(build.status, 0);
    const misuse = errorsIn("misuse.ts").join("\n");
    assert.match(misuse, /misuse\.ts\(2,[0-9]+\).*"sharded"/);
    assert.match(misuse, /misuse\.ts\(3,[0-9]+\).*revision/);
  });

  describe("running the README's program under mocks", () => {
    let result: { objects: Array<{ type: string; name: string; kind?: string; metadata?: { name: string; namespace?: string }; parent?: string }>; exports: Record<string, unknown> };

    before(() => {
      assert.deepStrictEqual(errorsIn("index.ts"), [], build.stdout + build.stderr);
      const node = run(process.execPath, ["-r", TS_NODE, RUNNER, path.join(consumer, "bin/index.js")], consumer,
        { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") });
      assert.strictEqual(node.status, 0, node.stderr);
      result = JSON.parse(node.stdout);
    });

    it("registers both gateways with the package's type, and the app's route", () => {
      assert.deepStrictEqual(result.objects.filter((o) => !o.kind).map((o) => `${o.type} ${o.name}`), [
        "istio-gateway:index:IstioGateway istio-ingressgateway",
        "istio-gateway:index:IstioGateway payments-gateway",
      ]);
      assert.ok(result.objects.some((o) => o.kind === "VirtualService" && o.metadata?.name === "shop"));
    });

    it("registers every object of the shared gateway with its canary, as children of the component", () => {
      const children = result.objects.filter((o) => o.parent === "istio-ingressgateway").map((o) => `${o.kind}/${o.metadata?.name}`);
      assert.deepStrictEqual(children.sort(), [
        "Deployment/istio-ingressgateway-1-25-1", "Deployment/istio-ingressgateway-1-26-0", "Gateway/istio-ingressgateway",
        "Namespace/istio-ingress", "PodDisruptionBudget/istio-ingressgateway-1-25-1", "Role/istio-ingressgateway",
        "RoleBinding/istio-ingressgateway", "Service/istio-ingressgateway", "ServiceAccount/istio-ingressgateway",
      ]);
    });

    it("registers the dedicated gateway in the app's namespace, which it reads rather than creates", () => {
      const children = result.objects.filter((o) => o.parent === "payments-gateway");
      assert.ok(children.length > 0);
      assert.ok(children.every((o) => o.metadata?.namespace === "payments" && o.kind !== "Namespace"), JSON.stringify(children));
    });

    it("exports the outputs the README shows", () => {
      const split = result.exports.ingressSplit as Array<{ revision: string; role: string; pods: number }>;
      assert.deepStrictEqual(split.map((s) => [s.revision, s.role, s.pods]), [["1-25-1", "stable", 9], ["1-26-0", "canary", 1]]);
      assert.strictEqual(result.exports.ingressAddress, "istio-ingressgateway.istio-ingress.svc.cluster.local");
      assert.strictEqual(result.exports.ingressRef, "istio-ingress/istio-ingressgateway");
      assert.strictEqual(result.exports.canaryDeployment, "istio-ingressgateway-1-26-0");
      assert.strictEqual(result.exports.paymentsService, "payments-gateway");
    });
  });
});
