/**
 * Prometheus's HTTP API, instant queries only (`GET /api/v1/query`). Every way a query can go wrong comes back as
 * an error sample with Prometheus's own words; nothing here reads as a value that was not returned.
 */
import { Sample } from "./verdict";

/** Long enough for a loaded Prometheus, short enough that `rollout next` does not seem to hang. */
const TIMEOUT_MS = 10_000;

/** One query at `time` (seconds since the epoch): one number, no data, or an error. */
export async function instantQuery(base: string, query: string, time: number): Promise<Sample> {
  const url = `${base}/api/v1/query?${new URLSearchParams({ query, time: time.toFixed(3) }).toString()}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : cause?.code ?? cause?.message ?? (e as Error).message;
    return { kind: "error", message: `Prometheus at ${base} cannot be reached (${why})` };
  }
  const text = await res.text();
  let body: PromResponse;
  try {
    body = JSON.parse(text) as PromResponse;
  } catch {
    return { kind: "error", message: `Prometheus at ${base} answered HTTP ${res.status} with no JSON: ${text.slice(0, 120).trim()}` };
  }
  return sampleOf(body, res.status);
}

interface PromResponse {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** The API's answer read as one sample (exported for tests: Prometheus's documented response shapes). */
export function sampleOf(body: PromResponse, httpStatus = 200): Sample {
  if (body.status !== "success") {
    return { kind: "error", message: `Prometheus refused the query (HTTP ${httpStatus}, ${body.errorType ?? "no errorType"}): ${body.error ?? "no message"}` };
  }
  const { resultType, result } = body.data ?? {};
  if (resultType === "scalar") return numberOf((result as [number, string])[1]);
  if (resultType !== "vector") return { kind: "error", message: `the query gives a ${resultType ?? "missing"} result; a check needs one number (an instant vector of one series, or a scalar)` };
  const series = result as Array<{ metric: Record<string, string>; value: [number, string] }>;
  if (series.length === 0) return { kind: "empty" };
  if (series.length > 1) {
    return { kind: "error", message: `the query gives ${series.length} series (e.g. ${JSON.stringify(series[0].metric)}); a check needs one number: aggregate it, e.g. with sum(…)` };
  }
  return numberOf(series[0].value[1]);
}

/** Prometheus writes sample values as strings, NaN and ±Inf included. */
function numberOf(text: string): Sample {
  const v = Number(text === "+Inf" ? "Infinity" : text === "-Inf" ? "-Infinity" : text);
  if (Number.isNaN(v) && text !== "NaN") return { kind: "error", message: `Prometheus gave ${JSON.stringify(text)}, not a number` };
  return { kind: "value", value: v };
}
