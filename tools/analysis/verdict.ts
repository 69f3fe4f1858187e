/**
 * From the numbers Prometheus gave to a verdict per check and per revision, and one for the analysis. Pure.
 *
 * Rules, each the answer to a bug users of Flagger and Argo Rollouts reported (an empty result or NaN read as a
 * pass, or crashing the analysis):
 * - a query that failed, or Prometheus out of reach, is an error, never a pass;
 * - fewer canary requests than `minRequests` in the window make every canary check inconclusive, never a pass;
 * - no series, or NaN (a ratio over no requests, a quantile over an empty histogram), is inconclusive;
 * - a relative check needs the stable revision measured too, over the same window and with as many requests.
 * Only the canary's rows decide; the stable's are printed beside them as the baseline.
 */
import { AnalyzedGateway, customQuery, latencyQuery, requestsQuery, Role, successRateQuery, Track, tracksOf } from "./queries";

export type Sample = { kind: "value"; value: number } | { kind: "empty" } | { kind: "error"; message: string };

export const Verdict = { Pass: "pass", Fail: "fail", Inconclusive: "inconclusive", Error: "error" } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** A query to run: `id` names it among the samples. */
export interface Probe {
  id: string;
  query: string;
}

export interface Row {
  check: string;
  track: Track;
  query: string;
  value?: number;
  unit: string;
  threshold: string;
  verdict: Verdict;
  /** Why a row is not a plain pass or fail. */
  reason?: string;
  /** Whether the row takes part in the analysis' verdict (the canary's), or is the stable's baseline. */
  decides: boolean;
}

/** Whether a revision served enough requests in the window for its measures to count. */
type Enough = { ok: true } | { ok: false; verdict: Verdict; reason: string };

interface CheckSpec {
  check: string;
  unit: string;
  query: (t: Track) => string;
  /** The bound a value must keep, given the stable's sample (relative checks); undefined: nothing to hold to. */
  bound?: { min?: number; max?: number };
  relative?: (stable: number) => { min?: number; max?: number; text: string };
  baseline: boolean;
}

function specs(gw: AnalyzedGateway): CheckSpec[] {
  const a = gw.canary.analysis;
  const w = a.window;
  const out: CheckSpec[] = [];
  if (a.successRate?.min !== undefined) out.push({ check: "success-rate", unit: "%", query: (t) => successRateQuery(t, w), bound: { min: a.successRate.min }, baseline: true });
  if (a.successRate?.maxDrop !== undefined) {
    const drop = a.successRate.maxDrop;
    out.push({ check: "success-rate-drop", unit: "%", query: (t) => successRateQuery(t, w), baseline: false,
      relative: (s) => ({ min: s - drop, text: `≥ ${fmt(s - drop)} % (stable ${fmt(s)} % − ${fmt(drop)})` }) });
  }
  if (a.latency?.p99Max !== undefined) out.push({ check: "latency-p99", unit: "ms", query: (t) => latencyQuery(t, w), bound: { max: a.latency.p99Max }, baseline: true });
  if (a.latency?.maxIncrease !== undefined) {
    const inc = a.latency.maxIncrease;
    out.push({ check: "latency-p99-increase", unit: "ms", query: (t) => latencyQuery(t, w), baseline: false,
      relative: (s) => ({ max: s * (1 + inc / 100), text: `≤ ${fmt(s * (1 + inc / 100))} ms (stable ${fmt(s)} ms + ${fmt(inc)} %)` }) });
  }
  for (const c of a.checks) {
    out.push({ check: c.name, unit: "", query: (t) => customQuery(c.query, gw, t, w), bound: { min: c.min, max: c.max }, baseline: true });
  }
  return out;
}

const id = (check: string, role: Role) => `${check}/${role}`;

/** Every query a measurement runs, each once (a relative check reuses the absolute one's query where they agree). */
export function probesOf(gw: AnalyzedGateway): Probe[] {
  const { stable, canary } = tracksOf(gw);
  const w = gw.canary.analysis.window;
  const probes = new Map<string, Probe>();
  for (const t of [canary, stable]) probes.set(id("requests", t.role), { id: id("requests", t.role), query: requestsQuery(t, w) });
  for (const s of specs(gw)) {
    for (const t of s.baseline || s.relative ? [canary, stable] : [canary]) probes.set(id(s.check, t.role), { id: id(s.check, t.role), query: s.query(t) });
  }
  return [...probes.values()];
}

/** The rows of one measurement, canary first then its baseline, and the analysis' verdict. */
export function judge(gw: AnalyzedGateway, samples: ReadonlyMap<string, Sample>): { rows: Row[]; verdict: Verdict } {
  const a = gw.canary.analysis;
  const { stable, canary } = tracksOf(gw);
  const sample = (check: string, t: Track): Sample => samples.get(id(check, t.role)) ?? { kind: "error", message: "not measured" };
  const enough = (t: Track): Enough => {
    const s = sample("requests", t);
    if (s.kind === "error") return { ok: false, verdict: Verdict.Inconclusive, reason: `its request count is unknown (${s.message})` };
    const n = s.kind === "value" && !Number.isNaN(s.value) ? s.value : 0;
    return n >= a.minRequests ? { ok: true }
      : { ok: false, verdict: Verdict.Inconclusive, reason: `${t.revision} served ${Math.round(n)} requests in ${a.window}, fewer than minRequests (${a.minRequests})` };
  };
  const rows: Row[] = [];
  for (const t of [canary, stable]) {
    const s = sample("requests", t);
    const r = requestsQuery(t, a.window);
    const decides = t.role === Role.Canary;
    if (s.kind === "error") rows.push({ check: "requests", track: t, query: r, unit: "", threshold: `≥ ${a.minRequests}`, verdict: Verdict.Error, reason: s.message, decides });
    else {
      const n = s.kind === "value" && !Number.isNaN(s.value) ? s.value : 0;
      rows.push({ check: "requests", track: t, query: r, value: n, unit: "", threshold: `≥ ${a.minRequests}`, decides,
        verdict: n >= a.minRequests ? Verdict.Pass : Verdict.Inconclusive, ...(n < a.minRequests && { reason: `fewer than minRequests (${a.minRequests})` }) });
    }
  }
  for (const spec of specs(gw)) {
    for (const t of spec.baseline ? [canary, stable] : [canary]) rows.push(judgeRow(spec, t, sample(spec.check, t), sample(spec.check, stable), enough(t), enough(stable)));
  }
  rows.sort((x, y) => Number(y.decides) - Number(x.decides));
  return { rows, verdict: overall(rows.filter((r) => r.decides).map((r) => r.verdict)) };
}

function judgeRow(spec: CheckSpec, t: Track, own: Sample, stable: Sample, ownEnough: Enough, stableEnough: Enough): Row {
  const base = { check: spec.check, track: t, query: spec.query(t), unit: spec.unit, decides: t.role === Role.Canary };
  const value = own.kind === "value" && !Number.isNaN(own.value) ? own.value : undefined;
  const shown = value === undefined ? {} : { value };
  const fixed = spec.bound ? boundText(spec.bound, spec.unit) : "relative to stable";
  if (own.kind === "error") return { ...base, threshold: fixed, verdict: Verdict.Error, reason: own.message };
  if (!ownEnough.ok) return { ...base, ...shown, threshold: fixed, verdict: ownEnough.verdict, reason: ownEnough.reason };
  if (value === undefined) return { ...base, threshold: fixed, verdict: Verdict.Inconclusive, reason: own.kind === "empty" ? "no series: no data for this revision" : "NaN: nothing to measure in the window" };
  if (spec.bound) return { ...base, value, threshold: fixed, verdict: within(value, spec.bound) ? Verdict.Pass : Verdict.Fail };
  const rel = spec.relative as NonNullable<CheckSpec["relative"]>;
  if (stable.kind === "error") return { ...base, value, threshold: fixed, verdict: Verdict.Error, reason: `the stable's measure failed: ${stable.message}` };
  if (!stableEnough.ok) return { ...base, value, threshold: fixed, verdict: stableEnough.verdict, reason: `no baseline: ${stableEnough.reason}` };
  const s = stable.kind === "value" && !Number.isNaN(stable.value) ? stable.value : undefined;
  if (s === undefined) return { ...base, value, threshold: fixed, verdict: Verdict.Inconclusive, reason: "no baseline: the stable has no data" };
  const bound = rel(s);
  return { ...base, value, threshold: bound.text, verdict: within(value, bound) ? Verdict.Pass : Verdict.Fail };
}

function within(v: number, b: { min?: number; max?: number }): boolean {
  return (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max);
}

function boundText(b: { min?: number; max?: number }, unit: string): string {
  const u = unit ? ` ${unit}` : "";
  if (b.min !== undefined && b.max !== undefined) return `${fmt(b.min)}–${fmt(b.max)}${u}`;
  return b.min !== undefined ? `≥ ${fmt(b.min)}${u}` : `≤ ${fmt(b.max as number)}${u}`;
}

/** Error before fail before inconclusive: a check that could not be made says more than one that could. */
export function overall(verdicts: readonly Verdict[]): Verdict {
  for (const v of [Verdict.Error, Verdict.Fail, Verdict.Inconclusive]) if (verdicts.includes(v)) return v;
  return Verdict.Pass;
}

/** Up to four significant digits, no exponent for the ranges these take. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1000 || Number.isInteger(v)) return String(Math.round(v * 100) / 100);
  return String(Number(v.toPrecision(4)));
}
