/**
 * The rollout command's analysis verbs, offline: `analyze` and the gate on `next` in-process against a stand-in
 * for Prometheus's query API (tests/support/fake-prometheus.ts), and `run`'s decisions with the engine, the clock
 * and Prometheus given by the test. The real engine and the real Prometheus: tests/e2e/analysis.e2e.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { readStackConfig } from "../../stacks/config";
import { Sample } from "../../tools/analysis";
import { AnalysisStopped, RunDeps, runVerb } from "../../tools/rollout/analysis";
import { renderRollout } from "../../tools/rollout/command";
import { fakePrometheus, FakePrometheus, Figures } from "../support/fake-prometheus";
import { runInProcess } from "../support/in-process";
import { ROOT } from "../support/run";
import { tempStackFile } from "../support/stack-files";

const DEV = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
const HEALTHY: Figures = { requests: 1000, successRate: 99.9, p99: 30 };
const BAD: Figures = { requests: 1000, successRate: 90, p99: 30 };

/** The dev stack with an analysis under its canary, at `weight` (a step of [25, 50, 100]). */
function devWithAnalysis(prometheus: string, weight = 25, extra = ""): string {
  const text = DEV.replace(/^(\s+)previousWeight: 0\n/m, (_m, indent: string) => `${indent}previousWeight: 0\n${indent}analysis:\n${indent}  prometheus: ${prometheus}\n`
    + `${indent}  interval: 5s\n${indent}  window: 10s\n${extra.split("\n").filter(Boolean).map((l) => `${indent}  ${l}\n`).join("")}`)
    .replace(/^(\s+weight:) 25$/m, `$1 ${weight}`);
  assert.ok(text.includes("analysis:"), "the dev stack file's canary moved: update this test's insertion point");
  return text;
}

const weightOf = (text: string) => (parse(text).config["istio-gateways:gateways"]["istio-ingressgateway"].canary ?? {}).weight;

describe("rollout analyze and the gate on next (a stand-in for Prometheus's query API)", () => {
  let prom: FakePrometheus;
  beforeEach(async () => { prom = await fakePrometheus({ "1-26-0": HEALTHY, "1-25-1": HEALTHY }); });
  afterEach(() => prom.close());

  async function rollout(text: string, ...args: string[]) {
    const file = tempStackFile("dev", text);
    const r = await runInProcess("rollout", ["--stack-file", file, ...args]);
    return { ...r, text: fs.readFileSync(file, "utf8") };
  }

  it("analyze prints every check of each revision with its query, value, threshold and verdict, and exits 0 on a pass", async () => {
    const r = await rollout(devWithAnalysis(prom.url), "analyze");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /success-rate\s+1-26-0 \(canary\)\s+99\.9 %\s+≥ 99 %\s+pass/);
    assert.match(r.stdout, /latency-p99\s+1-25-1 \(stable\)\s+30 ms\s+≤ 500 ms\s+pass \(baseline\)/);
    assert.match(r.stdout, /histogram_quantile\(0\.99, sum by \(le\) \(rate\(istio_request_duration_milliseconds_bucket\{reporter="source",source_workload_namespace="istio-ingress",source_canonical_service="istio-ingressgateway",source_canonical_revision="1-26-0"\}\[10s\]\)\)\)/);
    assert.match(r.stdout, /^verdict: pass/m);
  });

  const exits: Array<[string, (p: FakePrometheus) => void, number, RegExp]> = [
    ["a failing canary exits 2", (p) => { p.figures["1-26-0"] = BAD; }, 2, /analysis of gateway "istio-ingressgateway": fail \(success-rate\)/],
    ["a canary without traffic exits 3", (p) => { delete p.figures["1-26-0"]; }, 3, /inconclusive/],
    ["a Prometheus that refuses the queries exits 4", (p) => { p.failWith = 503; }, 4, /error \(requests, success-rate, latency-p99\)/],
  ];
  for (const [rule, set, code, message] of exits) {
    it(`analyze: ${rule}`, async () => {
      set(prom);
      const r = await rollout(devWithAnalysis(prom.url), "analyze");
      assert.strictEqual(r.status, code, r.stdout + r.stderr);
      assert.match(r.stderr, message);
    });
  }

  it("analyze at 0% measures nothing (the canary has no pods) and exits 3", async () => {
    const r = await rollout(devWithAnalysis(prom.url, 0), "analyze");
    assert.strictEqual(r.status, 3, r.stderr);
    assert.match(r.stdout, /the canary is at 0%: it has no pods/);
    assert.deepStrictEqual(prom.queries, []);
  });

  it("analyze on a stack without canary.analysis says what to add", async () => {
    const r = await rollout(DEV, "analyze");
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /gateway "istio-ingressgateway" has no canary\.analysis; add it under canary in the stack file:\n\s+analysis:\n\s+prometheus: http:\/\/<your prometheus>:9090/);
  });

  it("next takes the step when the analysis passes, and prints the measurement", async () => {
    const r = await rollout(devWithAnalysis(prom.url), "next");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /verdict: pass[\s\S]*canary\.weight 25% → 50%/);
    assert.strictEqual(weightOf(r.text), 50);
  });

  it("next is refused while the analysis fails, and the stack file is left as it was", async () => {
    prom.figures["1-26-0"] = BAD;
    const text = devWithAnalysis(prom.url);
    const r = await rollout(text, "next");
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /next refused: the analysis is fail \(success-rate\); the stack file is unchanged/);
    assert.strictEqual(r.text, text);
  });

  it("next --force takes the step although the analysis fails, and says so", async () => {
    prom.figures["1-26-0"] = BAD;
    const r = await rollout(devWithAnalysis(prom.url), "next", "--force");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /--force: taking the step although the analysis is fail \(success-rate\)/);
    assert.strictEqual(weightOf(r.text), 50);
  });

  it("next from 0% needs no analysis: the canary has no pods to measure", async () => {
    const r = await rollout(devWithAnalysis(prom.url, 0), "next");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(weightOf(r.text), 25);
    assert.deepStrictEqual(prom.queries, []);
  });

  it("back and abort never wait on the analysis", async () => {
    prom.failWith = 503;
    for (const verb of ["back", "abort"]) {
      const r = await rollout(devWithAnalysis(prom.url, 50), verb);
      assert.strictEqual(r.status, 0, `${verb}: ${r.stderr}`);
    }
    assert.deepStrictEqual(prom.queries, []);
  });

  it("run --dry-run measures once, says what a run would do, and changes nothing", async () => {
    const text = devWithAnalysis(prom.url);
    const r = await rollout(text, "run", "--dry-run");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /nothing changed; a run would now advance to 50% \(next, pulumi up\)/);
    assert.strictEqual(r.text, text);
  });
});

/** `run` with the engine, the clock and Prometheus played by the test: each measurement's figures in turn. */
function scripted(file: string, measurements: Array<Record<string, Figures | "error">>) {
  let t = 0;
  let m = -1;
  const log: string[] = [];
  const deps: RunDeps = {
    move: (verb, gateway) => {
      log.push(verb);
      const result = renderRollout({ file, verb, gateway, force: false }, readStackConfig);
      if (result.newText !== undefined) fs.writeFileSync(file, result.newText);
      return result.output;
    },
    up: async () => { log.push(`up@${weightOf(fs.readFileSync(file, "utf8")) ?? "promoted"}`); return { ok: true, seconds: 1 }; },
    sleep: async (s) => { t += s; m += 1; },
    now: () => 1_700_000_000 + t,
    query: async (_base, query): Promise<Sample> => {
      const figures = measurements[Math.min(m, measurements.length - 1)];
      const revision = /source_canonical_revision="([^"]+)"/.exec(query)?.[1] ?? "";
      const f = figures[revision];
      if (f === "error") return { kind: "error", message: "Prometheus at x cannot be reached (ECONNREFUSED)" };
      if (f === undefined) return { kind: "empty" };
      return { kind: "value", value: query.startsWith("histogram_quantile") ? f.p99 : query.startsWith("100 *") ? f.successRate : f.requests };
    },
  };
  return { deps, log, elapsed: () => t };
}

describe("rollout run: step, pulumi up, wait, measure, decide (engine and Prometheus played by the test)", () => {
  const both = (canary: Figures | "error", stable: Figures | "error" = HEALTHY) => ({ "1-26-0": canary, "1-25-1": stable });

  async function run(weight: number, measurements: Array<Record<string, Figures | "error">>, extra = "") {
    const file = tempStackFile("dev", devWithAnalysis("http://prometheus.invalid:9090", weight, extra));
    const s = scripted(file, measurements);
    let out = "";
    let error: unknown;
    try {
      await runVerb({ file, stack: "dev", dryRun: false }, { out: (x) => (out += x), err: () => undefined }, readStackConfig, s.deps);
    } catch (e) {
      error = e;
    }
    return { out, error, log: s.log, text: fs.readFileSync(file, "utf8"), elapsed: s.elapsed() };
  }

  it("walks a healthy canary from 0% through every step to promotion, one pulumi up per step", async () => {
    const r = await run(0, [both(HEALTHY)]);
    assert.strictEqual(r.error, undefined, r.out);
    assert.deepStrictEqual(r.log, ["up@0", "next", "up@25", "next", "up@50", "next", "up@100", "promote", "up@promoted"]);
    assert.match(r.out, /1-26-0 promoted/);
    assert.strictEqual(parse(r.text).config["istio-gateways:gateways"]["istio-ingressgateway"].revision, "1-26-0");
  });

  it("waits interval before each measurement: 3 steps measured, 3 × 5 s", async () => {
    const r = await run(0, [both(HEALTHY)]);
    assert.strictEqual(r.elapsed, 15);
  });

  it("aborts on the failureLimit-th failed measurement, holding the step before it, and exits 2 with the figures", async () => {
    const r = await run(25, [both(HEALTHY), both(BAD)], "failureLimit: 2");
    assert.ok(r.error instanceof AnalysisStopped && r.error.exitCode === 2, String(r.error));
    assert.match((r.error as Error).message, /aborted at 50% after 2 failed measurements \(success-rate\)/);
    assert.deepStrictEqual(r.log, ["up@25", "next", "up@50", "abort", "up@0"]);
    assert.match(r.out, /hold at 50%: failure 1 of failureLimit 2 \(success-rate\)/);
    assert.match(r.out, /success-rate\s+1-26-0 \(canary\)\s+90 %\s+≥ 99 %\s+fail/);
    assert.strictEqual(weightOf(r.text), 0);
  });

  it("holds while inconclusive and aborts after inconclusiveLimit in a row, exit 3: no data is never a pass", async () => {
    const r = await run(25, [{ "1-25-1": HEALTHY }], "inconclusiveLimit: 3");
    assert.ok(r.error instanceof AnalysisStopped && r.error.exitCode === 3, String(r.error));
    assert.deepStrictEqual(r.log, ["up@25", "abort", "up@0"]);
    assert.strictEqual((r.out.match(/hold at 25%: inconclusive/g) ?? []).length, 2);
  });

  it("a pass between inconclusive measurements starts their count again", async () => {
    const none = { "1-25-1": HEALTHY };
    const r = await run(25, [none, none, both(HEALTHY), none, none, both(HEALTHY)], "inconclusiveLimit: 3");
    assert.strictEqual(r.error, undefined, r.out);
    assert.deepStrictEqual(r.log.filter((l) => !l.startsWith("up")), ["next", "next", "promote"]);
  });

  it("stops without a step when a measurement errs (Prometheus out of reach), exit 4, the canary where it was", async () => {
    const r = await run(50, [both("error", "error")]);
    assert.ok(r.error instanceof AnalysisStopped && r.error.exitCode === 4, String(r.error));
    assert.match((r.error as Error).message, /stopped at 50%: the analysis could not be made .*no step taken/);
    assert.deepStrictEqual(r.log, ["up@50"]);
    assert.strictEqual(weightOf(r.text), 50);
  });

  it("a failed pulumi up stops the run and says which step it tried", async () => {
    const file = tempStackFile("dev", devWithAnalysis("http://p:9090", 25));
    const s = scripted(file, [both(HEALTHY)]);
    let calls = 0;
    s.deps.up = async () => (++calls === 2 ? { ok: false, seconds: 3, reason: "error: timed out waiting for the condition" } : { ok: true, seconds: 1 });
    await assert.rejects(runVerb({ file, stack: "dev", dryRun: false }, { out: () => undefined, err: () => undefined }, readStackConfig, s.deps),
      /pulumi up \(next\) failed after 3\.0 s: error: timed out waiting for the condition; the stack file holds the step it tried/);
    assert.strictEqual(weightOf(fs.readFileSync(file, "utf8")), 50);
  });
});
