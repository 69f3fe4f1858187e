/**
 * `npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>] [--lanes <n>]`: the suites under tests/e2e/
 * with the real Pulumi engine against local control planes (npm run cluster's). The toolchain is found or built
 * first, with one progress line per part, so that no test waits on a build. With `--stack-file`, only that stack
 * file's walk runs.
 *
 * The suites run in lanes (default 2), each a mocha of its own in a child process with its own clusters: most of a
 * suite's time is spent waiting on the engine and on pod readiness, not on the CPU, so two lanes on two cores take
 * little more than half the time of one (docs/E2E.md). Suites go to lanes longest first (SUITE_MINUTES). Each lane's
 * lines are prefixed with its number; the step table, the xDS summary and the counts are merged at the end.
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
import { intoLanes } from "./lanes";

const USAGE = "usage: npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>] [--lanes <n>]";
const E2E_DIR = path.join(ROOT, "tests", "e2e");

function suites(stackFile: string | undefined): string[] {
  if (stackFile) return [path.join(E2E_DIR, "stack-file.e2e.ts")];
  return fs.readdirSync(E2E_DIR).filter((f) => f.endsWith(".e2e.ts") && f !== "stack-file.e2e.ts").sort().map((f) => path.join(E2E_DIR, f));
}

/** What one lane reports back: its mocha counts and its rows (steps.ts). */
interface LaneResult { passed: number; failed: number; pending: number; report?: unknown }

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), "e2e");
  if (positional.length > 0) throw new UsageError(`e2e: unexpected argument ${JSON.stringify(positional[0])}; ${USAGE}`);
  if (flags["lane-files"]) return runLane(JSON.parse(flags["lane-files"]) as string[], flags.grep, flags["lane-result"] as string);
  const lanes = flags.lanes === undefined ? 2 : Number(flags.lanes);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 4) throw new UsageError(`e2e: --lanes is ${JSON.stringify(flags.lanes)}; use 1 to 4`);
  const stackFile = flags["stack-file"] && path.resolve(flags["stack-file"]);
  if (stackFile && !fs.existsSync(stackFile)) throw new UsageError(`e2e: --stack-file ${stackFile} does not exist`);
  if (stackFile) process.env.E2E_STACK_FILE = stackFile;

  const started = Date.now();
  await ensureToolchain((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`e2e: toolchain ready in ${formatSeconds((Date.now() - started) / 1000)}\n`);
  const plan = intoLanes(suites(stackFile), lanes);
  const results = await Promise.all(plan.map((files, i) => spawnLane(i + 1, plan.length, files, flags.grep)));
  registerTypeScript();
  const steps = require(path.join(E2E_DIR, "support", "steps")) as { writeMergedReport(reports: unknown[], file: string | undefined): void };
  steps.writeMergedReport(results.map((r) => r.report).filter((r) => r !== undefined), process.env.E2E_REPORT);
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const pending = results.reduce((n, r) => n + r.pending, 0);
  process.stdout.write(`e2e: ${failed === 0 ? "passed" : `${failed} failed`} in ${formatSeconds((Date.now() - started) / 1000)} (${plan.length} lanes)\n`);
  process.stdout.write(`e2e: ${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ""}\n`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

/** One lane: this same command in a child process, its lines prefixed, its result read from a file it writes. */
function spawnLane(lane: number, lanes: number, files: string[], grep: string | undefined): Promise<LaneResult> {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "e2e-lane-")), "result.json");
  const prefix = lanes > 1 ? `[${lane}] ` : "";
  process.stdout.write(`e2e: lane ${lane}: ${files.map((f) => path.basename(f, ".e2e.ts")).join(", ")}\n`);
  const args = [path.join(ROOT, "tools", "engine", "launch.js"), "e2e", "--lane-files", JSON.stringify(files), "--lane-result", resultFile, ...(grep ? ["--grep", grep] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
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
      let result: LaneResult = { passed: 0, failed: 1, pending: 0 };
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
  if (!(process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")]) {
    require("ts-node").register({ transpileOnly: true });
  }
}

async function runMocha(files: string[], grep: string | undefined): Promise<{ passed: number; failed: number; pending: number }> {
  // mocha 12 is an ES module: require() gives its namespace, whose Mocha is the class.
  const { Mocha } = require("mocha") as { Mocha: typeof import("mocha") };
  const mocha = new Mocha({ timeout: 20 * 60 * 1000, reporter: "spec", ...(grep && { grep }) });
  for (const f of files) mocha.addFile(f);
  // Each suite's wall time, to keep SUITE_MINUTES honest.
  const suiteStarted = new Map<string, number>();
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
    runner.on("suite", (s) => { if (s.file && s.parent?.root) suiteStarted.set(s.fullTitle(), Date.now()); });
    runner.on("suite end", (s) => {
      const t = suiteStarted.get(s.fullTitle());
      if (t !== undefined && s.file) process.stdout.write(`e2e: suite ${path.basename(s.file)} · "${s.title}" took ${formatSeconds((Date.now() - t) / 1000)}\n`);
    });
  });
}

main().catch(fail);
