/**
 * The rollout command's analysis verbs: `analyze` (one measurement, printed, exit code by verdict), the gate on
 * `next`, and `run`, which walks the whole plan unattended through the Automation API: step, `pulumi up`, wait
 * `interval`, measure; promote at the end, or abort on `failureLimit` failures or `inconclusiveLimit`
 * inconclusive measurements in a row. docs/analysis.md is the runbook.
 */
import * as fs from "fs";
import * as path from "path";
import { ValidGateway } from "../../components/core";
import { StackConfig } from "../../stacks/config";
import { AnalyzedGateway, EXIT_CODE, hasAnalysis, measure, Measurement, measurementText, Query, instantQuery, Verdict } from "../analysis";
import { CommandIO } from "../engine/command";
import { UserError } from "../engine/errors";
import { EngineRun, selectStack, up } from "../fleet/engine";
import { MoveRefused, onlyCanary, pickGateway } from "./plan";
import { StackDocument } from "./stack-edit";

/** The analysis did not pass: the exit code says how (report.ts). */
export class AnalysisStopped extends UserError {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export type ReadConfig = (stack: string, raw: unknown) => StackConfig;

/** The gateway a verb applies to, read from the file as it is now (the same choice as the moves'). */
export function gatewayOf(file: string, stack: string, name: string | undefined, readConfig: ReadConfig): ValidGateway {
  const { gateways } = readConfig(stack, new StackDocument(fs.readFileSync(file, "utf8"), file).gateways());
  return name === undefined ? onlyCanary(stack, gateways) : pickGateway(stack, gateways, name);
}

/** A gateway whose analysis can run, or the refusal that says what to add. */
export function analyzed(gw: ValidGateway, stack: string): AnalyzedGateway {
  if (gw.canary === undefined) throw new MoveRefused(`stack "${stack}", gateway "${gw.name}" has no canary to analyze; add canary: { revision: <new revision>, analysis: … } (docs/analysis.md)`);
  if (!hasAnalysis(gw)) {
    throw new MoveRefused(`stack "${stack}", gateway "${gw.name}" has no canary.analysis; add it under canary in the stack file:\n`
      + "      analysis:\n        prometheus: http://<your prometheus>:9090\n"
      + "  (success rate ≥ 99 % and p99 ≤ 500 ms by default; docs/analysis.md has every key)");
  }
  return gw;
}

/** At 0 % the canary has no pods: there is nothing of it to measure. */
function noCanaryPods(gw: AnalyzedGateway): boolean {
  return gw.canary.weight === 0;
}

export async function analyzeVerb(gw: AnalyzedGateway, stack: string, io: CommandIO, query: Query = instantQuery): Promise<void> {
  if (noCanaryPods(gw)) {
    io.out(`${gw.name}: the canary is at 0%: it has no pods, so nothing of it can be measured; run next first\n`);
    throw new AnalysisStopped(`analysis of gateway "${gw.name}": inconclusive (the canary has no pods at 0%)`, EXIT_CODE.inconclusive);
  }
  const m = await measure(gw, Date.now() / 1000, query);
  io.out(measurementText(m, stack, gw.canary.analysis.window));
  if (m.verdict !== Verdict.Pass) throw new AnalysisStopped(`analysis of gateway "${gw.name}": ${m.verdict}${failing(m)}`, EXIT_CODE[m.verdict]);
}

/**
 * `next`'s gate: with an analysis and canary pods to measure, the step is taken only on a pass. `--force` takes it
 * anyway, and says so. Returns what to print before the move.
 */
export async function gateNext(gw: ValidGateway, stack: string, force: boolean, query: Query = instantQuery): Promise<string> {
  if (!hasAnalysis(gw)) return "";
  if (noCanaryPods(gw)) return `${gw.name}: canary at 0%, no pods to measure yet: the first step needs no analysis\n`;
  const m = await measure(gw, Date.now() / 1000, query);
  const text = measurementText(m, stack, gw.canary.analysis.window);
  if (m.verdict === Verdict.Pass) return text;
  if (force) return `${text}--force: taking the step although the analysis is ${m.verdict}${failing(m)}\n`;
  throw new AnalysisStopped(`${text}rollout: next refused: the analysis is ${m.verdict}${failing(m)}; the stack file is unchanged `
    + "(fix the canary, abort, or --force to step anyway)", EXIT_CODE[m.verdict]);
}

function failing(m: Measurement): string {
  const rows = m.rows.filter((r) => r.decides && r.verdict === m.verdict && m.verdict !== Verdict.Pass);
  return rows.length === 0 ? "" : ` (${rows.map((r) => r.check).join(", ")})`;
}

/** What the unattended run needs from outside: the engine, the clock, Prometheus. Tests give their own. */
export interface RunDeps {
  /** The rollout command's edit of the stack file (next, promote, abort); what it prints. */
  move(verb: "next" | "promote" | "abort", gateway: string): string;
  up(): Promise<EngineRun>;
  sleep(seconds: number): Promise<void>;
  query: Query;
  now(): number;
}

/** The real engine on the stack file's project (the folder it sits in), the wall clock and Prometheus. */
export function engineDeps(file: string, stack: string, move: RunDeps["move"]): RunDeps {
  const dir = path.dirname(file);
  let selected: ReturnType<typeof selectStack> | undefined;
  return {
    move,
    up: async () => up(await (selected ??= selectStack(dir, stack))),
    sleep: (s) => new Promise((resolve) => setTimeout(resolve, s * 1000)),
    query: instantQuery,
    now: () => Date.now() / 1000,
  };
}

export interface RunRequest {
  file: string;
  stack: string;
  gateway?: string;
  dryRun: boolean;
}

/**
 * `rollout run`: brings the cluster to the file (`pulumi up`), then steps, measures and decides until the canary is
 * promoted (exit 0) or aborted (exit 2 on failures, 3 on inconclusive measurements); a measurement that errs
 * stops the run where it stands (exit 4), since an unreachable Prometheus is no evidence against the canary.
 */
export async function runVerb(req: RunRequest, io: CommandIO, readConfig: ReadConfig, deps: RunDeps): Promise<void> {
  const read = () => analyzed(gatewayOf(req.file, req.stack, req.gateway, readConfig), req.stack);
  const started = deps.now();
  const clock = () => `[${formatElapsed(deps.now() - started)}]`;
  let gw = read();
  const a = gw.canary.analysis;
  if (req.dryRun) return dryRun(gw, req.stack, io, deps);
  io.out(`${clock()} rollout run: gateway "${gw.name}" (stack ${req.stack}), ${gw.canary.revision} from ${gw.canary.weight}% through ${gw.canary.steps.join(", ")}%, `
    + `measured every ${a.interval} over ${a.window}; aborts after ${a.failureLimit} failed or ${a.inconclusiveLimit} inconclusive measurements in a row\n`);
  await engineUp(deps, io, clock, "the stack file as it is");
  let failures = 0;
  let inconclusive = 0;
  const step = async (verb: "next" | "promote" | "abort", why: string) => {
    // The move's own "next:" hints (render, preview, pulumi up) are what this run does now: left out.
    const output = deps.move(verb, gw.name).split(/^next:$/m)[0].trimEnd();
    io.out(`${clock()} ${verb}: ${why}\n${indent(`${output}\n`)}`);
    await engineUp(deps, io, clock, verb);
    // After promote the gateway has no canary (and so no analysis) left to read.
    if (verb !== "promote") gw = read();
  };
  for (;;) {
    if (noCanaryPods(gw)) {
      await step("next", "the canary has no pods at 0%; its first step needs no analysis");
      continue;
    }
    io.out(`${clock()} waiting ${a.interval} (interval) at ${gw.canary.weight}%\n`);
    await deps.sleep(a.intervalSeconds);
    const m = await measure(gw, deps.now(), deps.query);
    io.out(indent(measurementText(m, req.stack, a.window)));
    if (m.verdict === Verdict.Error) {
      throw new AnalysisStopped(`rollout run stopped at ${gw.canary.weight}%: the analysis could not be made${failing(m)}; no step taken, the canary stays where it is `
        + "(run rollout run again once Prometheus answers, or rollout abort)", EXIT_CODE.error);
    }
    if (m.verdict === Verdict.Pass) {
      inconclusive = 0;
      if (gw.canary.weight === 100) {
        await step("promote", `the analysis passed at 100%`);
        io.out(`${clock()} rollout run: ${gw.canary.revision} promoted (${failures} failed and ${inconclusive} inconclusive measurement(s) on the way)\n`);
        return;
      }
      await step("next", `the analysis passed at ${gw.canary.weight}%`);
      continue;
    }
    if (m.verdict === Verdict.Fail) {
      failures += 1;
      inconclusive = 0;
      if (failures >= a.failureLimit) {
        const at = gw.canary.weight;
        await step("abort", `failure ${failures} of failureLimit ${a.failureLimit}${failing(m)}`);
        throw new AnalysisStopped(`rollout run aborted at ${at}% after ${failures} failed measurements${failing(m)}: every pod is back on the stable revision`, EXIT_CODE.fail);
      }
      io.out(`${clock()} hold at ${gw.canary.weight}%: failure ${failures} of failureLimit ${a.failureLimit}${failing(m)}\n`);
      continue;
    }
    inconclusive += 1;
    if (inconclusive >= a.inconclusiveLimit) {
      const at = gw.canary.weight;
      await step("abort", `inconclusive ${inconclusive} times in a row (inconclusiveLimit ${a.inconclusiveLimit})${failing(m)}`);
      throw new AnalysisStopped(`rollout run aborted at ${at}% after ${inconclusive} inconclusive measurements in a row${failing(m)}: no data is never a pass`, EXIT_CODE.inconclusive);
    }
    io.out(`${clock()} hold at ${gw.canary.weight}%: inconclusive ${inconclusive} of inconclusiveLimit ${a.inconclusiveLimit}${failing(m)}\n`);
  }
}

async function dryRun(gw: AnalyzedGateway, stack: string, io: CommandIO, deps: RunDeps): Promise<void> {
  const a = gw.canary.analysis;
  if (noCanaryPods(gw)) {
    io.out(`rollout run --dry-run: the canary is at 0% and has no pods; a run would take the first step (${gw.canary.steps[0]}%) without analysis, then measure every ${a.interval}\n`);
    return;
  }
  const m = await measure(gw, deps.now(), deps.query);
  io.out(measurementText(m, stack, a.window));
  const next = gw.canary.steps.find((s) => s > gw.canary.weight);
  const would = {
    pass: next === undefined ? "promote the canary" : `advance to ${next}% (next, pulumi up)`,
    fail: `hold (failure 1 of ${a.failureLimit}; the ${a.failureLimit}th aborts)`,
    inconclusive: `hold (inconclusive 1 of ${a.inconclusiveLimit} in a row; the ${a.inconclusiveLimit}th aborts)`,
    error: "stop without a step",
  }[m.verdict];
  io.out(`rollout run --dry-run: nothing changed; a run would now ${would}\n`);
  if (m.verdict !== Verdict.Pass) throw new AnalysisStopped(`analysis of gateway "${gw.name}": ${m.verdict}${failing(m)} (dry run)`, EXIT_CODE[m.verdict]);
}

async function engineUp(deps: RunDeps, io: CommandIO, clock: () => string, what: string): Promise<void> {
  const run = await deps.up();
  if (!run.ok) throw new UserError(`rollout run: pulumi up (${what}) failed after ${run.seconds.toFixed(1)} s: ${run.reason ?? "no reason given"}; the stack file holds the step it tried`);
  const changes = Object.entries(run.changes ?? {}).filter(([op]) => op !== "same").map(([op, n]) => `${op} ${n}`).join(", ");
  io.out(`${clock()} pulumi up (${what}): done in ${run.seconds.toFixed(1)} s${changes ? ` (${changes})` : ", no changes"}\n`);
}

function indent(text: string): string {
  return text.split("\n").map((l) => (l ? `    ${l}` : l)).join("\n");
}

function formatElapsed(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
