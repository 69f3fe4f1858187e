/**
 * `npm run bench [-- --quick]`: the cost of the stacks program, offline under the same mocks as render, for
 * stacks of N generated gateways (with and without canaries), against a baseline measured in the same process:
 * the same Kubernetes objects declared flat with @pulumi/kubernetes. Prints ratios, never asserts on time.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { detectBench } from "./detect";
import { engineBench } from "./engine";
import { generatedGateways, Variant, workload } from "./workload";
import { fail, parseArgs, UsageError } from "../engine/cli";
import { tuneForOfflineRun } from "../engine/offline";
import { PROJECT_DIR } from "../engine/render-stack";

// From the sources, whether this runs from tools/ or from the compiled .build/tools/ (which holds no .js sources).
const { builtDigest, sourceDigest } = require(path.join(PROJECT_DIR, "components", "build-digest.js")) as { builtDigest(root: string): string | undefined; sourceDigest(root: string): string };

interface Measure { ms: number; resources: number }
interface Memory { resources: number; rssMb: number; heapMb: number }

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => bytes / 1048576;

/** Wall time and resources registered, in this process (memory is measured apart: tools/bench/memory.ts). */
async function measure(run: () => Promise<number>): Promise<Measure> {
  gc(); gc();
  const t0 = performance.now();
  const resources = await run();
  return { ms: performance.now() - t0, resources };
}

/** Peak memory of one run, in a fresh process: see tools/bench/memory.ts for why. */
function memory(variant: Variant, n: number, canary: boolean): Memory {
  const r = spawnSync(process.execPath, ["--expose-gc", "-r", "./tools/engine/register-ts.js", "tools/bench/memory.ts", variant, String(n), ...(canary ? ["canary"] : [])],
    { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench-memory ${variant} ${n} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Memory;
}

const component = (n: number, canary: boolean) => measure(workload("component", n, canary));
const baseline = (n: number, canary: boolean) => measure(workload("flat", n, canary));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number, d = 1) => x.toFixed(d);
/** A ratio, unless the baseline is too small to divide by (memory of tiny runs is under a megabyte). */
const ratio = (a: number, b: number) => (b < 1 ? "n/a" : fmt(a / b, 2));

function wall(args: string[], cwd = PROJECT_DIR): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  tuneForOfflineRun(); // the same settings for the component and the baseline
  const { flags } = parseArgs(process.argv.slice(2), "bench");
  const quick = flags.quick === "true";
  if (flags.detect === "true") {
    const failureLimit = Number(flags["failure-limit"] ?? "5");
    if (!Number.isInteger(failureLimit) || failureLimit < 1) throw new UsageError("bench: --failure-limit takes a whole number ≥ 1");
    return detectBench(flags.interval ?? "1m", failureLimit, (line = "") => process.stdout.write(`${line}\n`));
  }
  if (flags.engine === "true") {
    const engineSizes = (flags.sizes ?? "1,30,100").split(",").map(Number);
    const rounds = Number(flags.rounds ?? "3");
    if (engineSizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(rounds) || rounds < 1) throw new UsageError("bench: --engine takes --sizes (whole numbers, commas) and --rounds (a whole number)");
    return engineBench(engineSizes, rounds, (line = "") => process.stdout.write(`${line}\n`), flags["previews-only"] !== "true");
  }
  const sizes = flags.sizes ? flags.sizes.split(",").map(Number) : quick ? [1, 10, 100] : [1, 10, 100, 1000];
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !sizes.includes(10)) throw new UsageError("bench: --sizes takes whole numbers separated by commas, including 10 (the growth baseline)");
  // Runs of a second or less move by ±30 % here (GC timing, a shared machine): more of them, for a steadier median.
  const repsFor = (n: number) => (quick ? 1 : n <= 100 ? 7 : 3);
  const out = (line = "") => process.stdout.write(`${line}\n`);
  out(`# bench (${quick ? "quick" : "full"}): node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${fmt(mb(os.totalmem()) / 1024, 0)} GiB`);
  await component(1, false); await baseline(1, false); // warm the module cache and the JIT before measuring
  const perGateway: Record<string, number> = {};
  for (const canary of [false, true]) {
    out();
    out(`## ${canary ? "with" : "without"} canaries (time: median of ${quick ? 1 : "7 (N ≤ 100) or 3"} in this process; memory: one fresh process each)`);
    out("| N | resources (component / flat) | component ms | ms per gateway | flat ms | time ratio | component peak RSS / heap MB | flat peak RSS / heap MB | RSS ratio | heap ratio |");
    out("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const n of sizes) {
      const c: Measure[] = [];
      const b: Measure[] = [];
      for (let i = 0; i < repsFor(n); i++) {
        // Alternate which goes first: each run starts on a heap the one before it grew.
        if (i % 2 === 0) { b.push(await baseline(n, canary)); c.push(await component(n, canary)); }
        else { c.push(await component(n, canary)); b.push(await baseline(n, canary)); }
      }
      const [cm, bm] = [median(c.map((x) => x.ms)), median(b.map((x) => x.ms))];
      const [cMem, bMem] = [memory("component", n, canary), memory("flat", n, canary)];
      perGateway[`${canary}-${n}`] = cm / n;
      out(`| ${n} | ${c[0].resources} / ${b[0].resources} | ${fmt(cm)} | ${fmt(cm / n, 2)} | ${fmt(bm)} | ${fmt(cm / bm, 2)} | ${fmt(cMem.rssMb)} / ${fmt(cMem.heapMb)} | ${fmt(bMem.rssMb)} / ${fmt(bMem.heapMb)} | ${ratio(cMem.rssMb, bMem.rssMb)} | ${ratio(cMem.heapMb, bMem.heapMb)} |`);
    }
  }
  const top = sizes[sizes.length - 1];
  out();
  out("## growth (time per gateway, largest N / N = 10)");
  for (const canary of [false, true]) out(`- ${canary ? "with" : "without"} canaries: ${fmt(perGateway[`${canary}-${top}`] / perGateway[`${canary}-10`], 2)} (N = ${top})`);

  const tsNode = ["-r", "./tools/engine/register-ts.js"];
  // `npm run render` starts through tools/engine/launch.js: compiled when the build is current (npm ci builds it).
  const launched = ["tools/engine/launch.js", "render"];
  const compiled = builtDigest(PROJECT_DIR) === sourceDigest(PROJECT_DIR);
  const bare = median([0, 1, 2].map(() => wall(["-e", "require('@pulumi/pulumi')"])));
  const render = median([0, 1, 2].map(() => wall([...launched, "--stack", "dev"])));
  const renderTsNode = median([0, 1, 2].map(() => wall([...tsNode, "tools/render/main.ts", "--stack", "dev"])));
  out();
  out("## cold start (median of 3 processes)");
  out(`- bare require("@pulumi/pulumi"): ${fmt(bare, 0)} ms; npm run render --stack dev (${compiled ? "compiled build" : "no current build: ts-node"}): ${fmt(render, 0)} ms; ratio ${fmt(render / bare, 2)}`);
  out(`- the same through ts-node (sources changed since the build): ${fmt(renderTsNode, 0)} ms; ratio ${fmt(renderTsNode / bare, 2)}`);
  if (!quick) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    const gateways = generatedGateways(300, true);
    fs.writeFileSync(path.join(dir, "gateways.json"), JSON.stringify(gateways));
    fs.writeFileSync(path.join(dir, "Pulumi.bench300.yaml"), `config:\n  ${JSON.stringify("istio-gateways:gateways")}: ${JSON.stringify(gateways)}\n`);
    const e2eRender = wall([...launched, "--stack-file", path.join(dir, "Pulumi.bench300.yaml")]);
    const e2eRenderTsNode = wall([...tsNode, "tools/render/main.ts", "--stack-file", path.join(dir, "Pulumi.bench300.yaml")]);
    const e2eFlat = wall([...tsNode, "tools/bench/flat.ts", path.join(dir, "gateways.json")]);
    out();
    out("## end to end, N = 300 with canaries (one process each)");
    out(`- naive flat program with default settings (ts-node): ${fmt(e2eFlat, 0)} ms`);
    out(`- npm run render: ${fmt(e2eRender, 0)} ms; ratio ${fmt(e2eRender / e2eFlat, 2)}`);
    out(`- render through ts-node, like the flat program: ${fmt(e2eRenderTsNode, 0)} ms; ratio ${fmt(e2eRenderTsNode / e2eFlat, 2)}`);
  }
}

main().catch(fail);
