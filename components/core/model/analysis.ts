/**
 * Canary analysis settings, once validated (validate/analysis.ts). The component renders nothing from them; the
 * rollout command reads them (tools/analysis/).
 */

/** A built-in check's bounds: an absolute limit, a limit relative to the stable revision, or both. */
export interface ValidSuccessRate {
  /** Least canary success rate, percent. */
  min?: number;
  /** Largest drop below the stable's success rate, percentage points. */
  maxDrop?: number;
}

export interface ValidLatency {
  /** Greatest canary p99, milliseconds. */
  p99Max?: number;
  /** Largest rise above the stable's p99, percent of the stable's. */
  maxIncrease?: number;
}

export interface ValidAnalysisCheck {
  name: string;
  query: string;
  min?: number;
  max?: number;
}

export interface ValidAnalysis {
  /** The Prometheus HTTP API's base address, without a trailing slash. */
  prometheus: string;
  /** As written (a Prometheus duration), and in seconds. */
  interval: string;
  intervalSeconds: number;
  window: string;
  windowSeconds: number;
  minRequests: number;
  failureLimit: number;
  inconclusiveLimit: number;
  successRate?: ValidSuccessRate;
  latency?: ValidLatency;
  checks: ValidAnalysisCheck[];
}

/**
 * Flagger's defaults where Flagger has one: a measurement every minute over a one-minute window, five failed
 * measurements before a rollback (its `threshold` in its examples), success rate ≥ 99 % and p99 ≤ 500 ms (its two
 * built-in checks' documented ranges). Flagger has no floor on the request count; 100 is the fewest requests
 * on which a 99 % success rate differs from a 98 % one by a whole request.
 */
export const DEFAULT_ANALYSIS = {
  interval: "1m",
  window: "1m",
  minRequests: 100,
  failureLimit: 5,
  inconclusiveLimit: 3,
  successRate: { min: 99 },
  latency: { p99Max: 500 },
} as const;

/** The names the built-in checks report under; a check of your own may not take them. */
export const BUILT_IN_CHECKS = ["success-rate", "success-rate-drop", "latency-p99", "latency-p99-increase", "requests"] as const;

/** The variables a check's query template may use. */
export const TEMPLATE_VARIABLES = ["gateway", "namespace", "revision", "workload", "window"] as const;

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in a Prometheus duration (`1h30m`, `90s`, `500ms`), as Prometheus's model.ParseDuration reads it; undefined if it is none. */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (text === "" || !m) return undefined;
  return m.slice(1).reduce((total, part, i) => total + (part === undefined ? 0 : Number(part) * UNIT_SECONDS[i]), 0);
}
