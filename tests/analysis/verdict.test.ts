/**
 * The analysis' rules (tools/analysis/verdict.ts), as tables: which series are a revision's, and what each sample
 * makes of a check. No Prometheus: the samples are given.
 */
import * as assert from "assert";
import { prepareGateway } from "../../components/core";
import { AnalyzedGateway, judge, overall, probesOf, Sample, tracksOf, Verdict } from "../../tools/analysis";

function gateway(analysis: Record<string, unknown>, extra: Record<string, unknown> = {}): AnalyzedGateway {
  const { gateway: gw } = prepareGateway({ stack: "t", gateway: "edge" }, {
    namespace: "ingress", replicas: 4, revision: "1-25-1",
    canary: { revision: "1-26-0", weight: 25, steps: [25, 50, 100], analysis: { prometheus: "http://127.0.0.1:9090", ...analysis } }, ...extra,
  });
  return gw as AnalyzedGateway;
}

const v = (value: number): Sample => ({ kind: "value", value });
const EMPTY: Sample = { kind: "empty" };
const ERR: Sample = { kind: "error", message: "Prometheus at http://127.0.0.1:9090 cannot be reached (ECONNREFUSED)" };

/** Samples by check/role; anything not named is a healthy figure. */
function samples(over: Record<string, Sample>): Map<string, Sample> {
  const healthy: Record<string, Sample> = {
    "requests/canary": v(500), "requests/stable": v(1500),
    "success-rate/canary": v(99.9), "success-rate/stable": v(99.9),
    "success-rate-drop/canary": v(99.9), "success-rate-drop/stable": v(99.9),
    "latency-p99/canary": v(40), "latency-p99/stable": v(40),
    "latency-p99-increase/canary": v(40), "latency-p99-increase/stable": v(40),
    "resets/canary": v(0), "resets/stable": v(0),
  };
  return new Map(Object.entries({ ...healthy, ...over }));
}

describe("canary analysis: which series are a revision's", () => {
  it("takes a revision's requests by the gateway as their source and the revision's canonical labels", () => {
    const { stable, canary } = tracksOf(gateway({}));
    assert.strictEqual(canary.selector, 'reporter="source",source_workload_namespace="ingress",source_canonical_service="edge",source_canonical_revision="1-26-0"');
    assert.strictEqual(stable.selector, 'reporter="source",source_workload_namespace="ingress",source_canonical_service="edge",source_canonical_revision="1-25-1"');
  });

  it("names the default revision's pods by the track the component labels them with: default", () => {
    const { stable } = tracksOf(gateway({}, { revision: undefined }));
    assert.match(stable.selector, /source_canonical_revision="default"/);
  });

  it("takes an adopted Deployment's requests by its workload name: its pods keep their installer's labels", () => {
    const gw = gateway({}, { revision: undefined, adopt: { deployment: { name: "istio-ingressgateway", selector: { app: "edge", istio: "edge" } } } });
    const { stable } = tracksOf(gw);
    assert.strictEqual(stable.selector, 'reporter="source",source_workload_namespace="ingress",source_workload="istio-ingressgateway"');
  });

  it("asks each query once per revision, both revisions at the same instant", () => {
    const ids = probesOf(gateway({ successRate: { min: 99, maxDrop: 1 } })).map((p) => p.id).sort();
    assert.deepStrictEqual(ids, ["requests/canary", "requests/stable", "success-rate-drop/canary", "success-rate-drop/stable", "success-rate/canary", "success-rate/stable"]);
  });

  it("fills a check's template per revision: gateway, namespace, revision, workload and window", () => {
    const gw = gateway({ window: "30s", checks: [{ name: "resets", query: 'sum(rate(x{a="{{gateway}}",n="{{ namespace }}",r="{{revision}}",w="{{workload}}"}[{{window}}]))', max: 1 }] });
    const q = probesOf(gw).find((p) => p.id === "resets/canary")?.query;
    assert.strictEqual(q, 'sum(rate(x{a="edge",n="ingress",r="1-26-0",w="edge-1-26-0"}[30s]))');
  });
});

describe("canary analysis: the verdict of a measurement", () => {
  const cases: Array<{ rule: string; analysis: Record<string, unknown>; over: Record<string, Sample>; verdict: Verdict; row?: [string, Verdict] }> = [
    { rule: "healthy figures pass", analysis: {}, over: {}, verdict: "pass" },
    { rule: "a success rate below min fails", analysis: {}, over: { "success-rate/canary": v(98.9) }, verdict: "fail", row: ["success-rate", "fail"] },
    { rule: "a success rate at min passes", analysis: {}, over: { "success-rate/canary": v(99) }, verdict: "pass" },
    { rule: "a p99 above p99Max fails", analysis: {}, over: { "latency-p99/canary": v(500.1) }, verdict: "fail", row: ["latency-p99", "fail"] },
    { rule: "fewer canary requests than minRequests is inconclusive, though every figure passes", analysis: {}, over: { "requests/canary": v(99) }, verdict: "inconclusive", row: ["success-rate", "inconclusive"] },
    { rule: "fewer canary requests than minRequests is inconclusive, though a figure fails", analysis: {}, over: { "requests/canary": v(5), "success-rate/canary": v(20) }, verdict: "inconclusive", row: ["success-rate", "inconclusive"] },
    { rule: "no series at all is inconclusive, never a pass", analysis: {}, over: { "requests/canary": EMPTY, "success-rate/canary": EMPTY, "latency-p99/canary": EMPTY }, verdict: "inconclusive" },
    { rule: "NaN (a ratio over no requests) is inconclusive", analysis: {}, over: { "success-rate/canary": v(NaN) }, verdict: "inconclusive", row: ["success-rate", "inconclusive"] },
    { rule: "a NaN request count reads as none", analysis: {}, over: { "requests/canary": v(NaN) }, verdict: "inconclusive", row: ["requests", "inconclusive"] },
    { rule: "an unreachable Prometheus is an error, never a pass", analysis: {}, over: Object.fromEntries(["requests", "success-rate", "latency-p99"].flatMap((c) => [[`${c}/canary`, ERR], [`${c}/stable`, ERR]])), verdict: "error" },
    { rule: "an error outranks a failure", analysis: {}, over: { "success-rate/canary": v(10), "latency-p99/canary": ERR }, verdict: "error" },
    { rule: "a failure outranks an inconclusive check", analysis: { checks: [{ name: "resets", query: "sum(x)", max: 1 }], successRate: { min: 99 } }, over: { "success-rate/canary": v(90), "resets/canary": EMPTY }, verdict: "fail" },
    { rule: "the stable's figures do not decide: a bad baseline under an absolute check passes the canary", analysis: {}, over: { "success-rate/stable": v(50) }, verdict: "pass" },
    { rule: "relative: both revisions at 97 % pass a 1-point drop", analysis: { successRate: { maxDrop: 1 } }, over: { "success-rate-drop/canary": v(97), "success-rate-drop/stable": v(97) }, verdict: "pass" },
    { rule: "relative: 95 % against a 97 % stable fails a 1-point drop", analysis: { successRate: { maxDrop: 1 } }, over: { "success-rate-drop/canary": v(95), "success-rate-drop/stable": v(97) }, verdict: "fail", row: ["success-rate-drop", "fail"] },
    { rule: "relative: a stable with too few requests gives no baseline: inconclusive", analysis: { successRate: { maxDrop: 1 } }, over: { "requests/stable": v(10) }, verdict: "inconclusive" },
    { rule: "relative: a stable whose query failed is an error", analysis: { successRate: { maxDrop: 1 } }, over: { "success-rate-drop/stable": ERR }, verdict: "error" },
    { rule: "relative latency: 20 % over the stable's p99 passes a 20 % allowance", analysis: { latency: { maxIncrease: 20 } }, over: { "latency-p99-increase/canary": v(48), "latency-p99-increase/stable": v(40) }, verdict: "pass" },
    { rule: "relative latency: more than 20 % over fails it", analysis: { latency: { maxIncrease: 20 } }, over: { "latency-p99-increase/canary": v(48.1), "latency-p99-increase/stable": v(40) }, verdict: "fail" },
    { rule: "relative latency: a stable with no data gives no baseline", analysis: { latency: { maxIncrease: 20 } }, over: { "latency-p99-increase/stable": v(NaN) }, verdict: "inconclusive" },
    { rule: "a check of your own fails above its max", analysis: { checks: [{ name: "resets", query: "sum(x)", max: 1 }] }, over: { "resets/canary": v(1.5) }, verdict: "fail", row: ["resets", "fail"] },
    { rule: "a check of your own fails below its min", analysis: { checks: [{ name: "resets", query: "sum(x)", min: 1 }] }, over: { "resets/canary": v(0.5) }, verdict: "fail" },
    { rule: "a check of your own passes at its bounds", analysis: { checks: [{ name: "resets", query: "sum(x)", min: 0, max: 0 }] }, over: {}, verdict: "pass" },
    { rule: "a check of your own with no series is inconclusive", analysis: { checks: [{ name: "resets", query: "sum(x)", max: 1 }] }, over: { "resets/canary": EMPTY }, verdict: "inconclusive" },
  ];
  for (const c of cases) {
    it(c.rule, () => {
      const gw = gateway(c.analysis);
      const { rows, verdict } = judge(gw, samples(c.over));
      assert.strictEqual(verdict, c.verdict, JSON.stringify(rows.map((r) => [r.check, r.track.role, r.value, r.verdict, r.reason])));
      if (c.row) assert.strictEqual(rows.find((r) => r.check === c.row?.[0] && r.decides)?.verdict, c.row[1]);
    });
  }

  it("says why a check is inconclusive: the count and minRequests", () => {
    const { rows } = judge(gateway({}), samples({ "requests/canary": v(42) }));
    assert.strictEqual(rows.find((r) => r.check === "success-rate" && r.decides)?.reason, "1-26-0 served 42 requests in 1m, fewer than minRequests (100)");
  });

  it("prints the canary's rows first, then the stable's baseline rows, which never decide", () => {
    const { rows } = judge(gateway({}), samples({}));
    const firstBaseline = rows.findIndex((r) => !r.decides);
    assert.ok(firstBaseline > 0 && rows.slice(firstBaseline).every((r) => !r.decides && r.track.role === "stable"));
  });
});

describe("canary analysis: one verdict from many", () => {
  const all: Verdict[] = ["pass", "fail", "inconclusive", "error"];
  it("is the worst present, for every combination of up to three checks: error, then fail, then inconclusive, else pass", () => {
    const rank = (x: Verdict) => ["pass", "inconclusive", "fail", "error"].indexOf(x);
    for (const a of all) for (const b of all) for (const c of all) {
      const expected = [a, b, c].reduce((w, x) => (rank(x) > rank(w) ? x : w), "pass" as Verdict);
      assert.strictEqual(overall([a, b, c]), expected, `${a}, ${b}, ${c}`);
    }
    assert.strictEqual(overall([]), "pass");
  });
});
