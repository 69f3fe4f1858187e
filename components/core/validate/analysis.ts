/**
 * `canary.analysis`: every key checked at preview, so a typo in a threshold fails before any resource registers,
 * not in the middle of an unattended rollout.
 */
import {
  BUILT_IN_CHECKS, ConfigError, DEFAULT_ANALYSIS, didYouMean, durationSeconds, TEMPLATE_VARIABLES, ValidAnalysis, ValidAnalysisCheck,
  ValidLatency, ValidSuccessRate, Where,
} from "../model";
import { checkKeys, nonEmptyString, objectAt, required, wholeNumber } from "./read";

const KEYS = ["prometheus", "interval", "window", "minRequests", "failureLimit", "inconclusiveLimit", "successRate", "latency", "checks"];
const CHECK_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function checkAnalysis(where: Where, raw: unknown): ValidAnalysis {
  const key = "canary.analysis";
  const a = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, a, KEYS);
  const prometheus = checkAddress(where, `${key}.prometheus`, required(where, `${key}.prometheus`, a.prometheus));
  const interval = duration(where, `${key}.interval`, a.interval ?? DEFAULT_ANALYSIS.interval, 1, 3600, "1m");
  const window = duration(where, `${key}.window`, a.window ?? DEFAULT_ANALYSIS.window, 1, 86400, "1m");
  const named = a.successRate !== undefined || a.latency !== undefined || a.checks !== undefined;
  const successRate = a.successRate === undefined ? (named ? undefined : { ...DEFAULT_ANALYSIS.successRate }) : checkSuccessRate(where, a.successRate);
  const latency = a.latency === undefined ? (named ? undefined : { ...DEFAULT_ANALYSIS.latency }) : checkLatency(where, a.latency);
  const checks = a.checks === undefined ? [] : checkCustom(where, a.checks);
  if (!successRate && !latency && checks.length === 0) {
    throw new ConfigError(where, `${key}.checks`, a.checks, "name at least one check: successRate, latency or a check of your own");
  }
  return {
    prometheus,
    interval: interval.text, intervalSeconds: interval.seconds,
    window: window.text, windowSeconds: window.seconds,
    minRequests: wholeNumber(where, `${key}.minRequests`, a.minRequests ?? DEFAULT_ANALYSIS.minRequests, 1, 1_000_000_000),
    failureLimit: wholeNumber(where, `${key}.failureLimit`, a.failureLimit ?? DEFAULT_ANALYSIS.failureLimit, 1, 1000),
    inconclusiveLimit: wholeNumber(where, `${key}.inconclusiveLimit`, a.inconclusiveLimit ?? DEFAULT_ANALYSIS.inconclusiveLimit, 1, 1000),
    ...(successRate && { successRate }),
    ...(latency && { latency }),
    checks,
  };
}

/** An http(s) address with a host and nothing a base address cannot carry (query, fragment, credentials in clear). */
function checkAddress(where: Where, key: string, raw: unknown): string {
  const text = nonEmptyString(where, key, raw);
  const allowed = 'use the Prometheus HTTP API\'s base address, http:// or https:// with a host, e.g. "http://prometheus.istio-system:9090"';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(where, key, raw, allowed);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "" || url.search !== "" || url.hash !== ""
    || url.username !== "" || url.password !== "" || /\s/.test(text)) {
    throw new ConfigError(where, key, raw, allowed);
  }
  return text.replace(/\/+$/, "");
}

function duration(where: Where, key: string, raw: unknown, minSeconds: number, maxSeconds: number, example: string): { text: string; seconds: number } {
  const seconds = typeof raw === "string" ? durationSeconds(raw) : undefined;
  if (seconds === undefined || seconds < minSeconds || seconds > maxSeconds) {
    throw new ConfigError(where, key, raw,
      `use a Prometheus duration from ${minSeconds}s to ${maxSeconds / 3600}h, units y w d h m s ms largest first, e.g. "${example}" or "1m30s"`);
  }
  return { text: raw as string, seconds };
}

/** A finite number within [min, max]. */
function numberIn(where: Where, key: string, raw: unknown, min: number, max: number, unit: string): number {
  if (typeof raw !== "number" || !Number.isFinite(raw) || raw < min || raw > max) {
    throw new ConfigError(where, key, raw, `use a number from ${min} to ${max}${unit}`);
  }
  return raw;
}

function checkSuccessRate(where: Where, raw: unknown): ValidSuccessRate {
  const key = "canary.analysis.successRate";
  const s = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, s, ["min", "maxDrop"]);
  if (s.min === undefined && s.maxDrop === undefined) throw new ConfigError(where, key, raw, "set min (percent), maxDrop (percentage points), or both");
  return {
    ...(s.min !== undefined && { min: numberIn(where, `${key}.min`, s.min, 0, 100, " (percent)") }),
    ...(s.maxDrop !== undefined && { maxDrop: numberIn(where, `${key}.maxDrop`, s.maxDrop, 0, 100, " (percentage points)") }),
  };
}

function checkLatency(where: Where, raw: unknown): ValidLatency {
  const key = "canary.analysis.latency";
  const l = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, l, ["p99Max", "maxIncrease"]);
  if (l.p99Max === undefined && l.maxIncrease === undefined) throw new ConfigError(where, key, raw, "set p99Max (milliseconds), maxIncrease (percent), or both");
  return {
    ...(l.p99Max !== undefined && { p99Max: numberIn(where, `${key}.p99Max`, l.p99Max, 0.001, 3_600_000, " (milliseconds)") }),
    ...(l.maxIncrease !== undefined && { maxIncrease: numberIn(where, `${key}.maxIncrease`, l.maxIncrease, 0, 100_000, " (percent)") }),
  };
}

function checkCustom(where: Where, raw: unknown): ValidAnalysisCheck[] {
  const key = "canary.analysis.checks";
  if (!Array.isArray(raw)) throw new ConfigError(where, key, raw, "use a list of checks, each { name, query, min and/or max }");
  const seen = new Set<string>();
  return raw.map((item, i) => {
    const at = `${key}[${i}]`;
    const c = objectAt(where, at, item);
    checkKeys(where, `${at}.`, c, ["name", "query", "min", "max"]);
    const name = required(where, `${at}.name`, c.name);
    if (typeof name !== "string" || !CHECK_NAME.test(name)) {
      throw new ConfigError(where, `${at}.name`, name, 'use lowercase letters, digits and "-", at most 63 characters, e.g. "upstream-resets"');
    }
    if ((BUILT_IN_CHECKS as readonly string[]).includes(name)) {
      throw new ConfigError(where, `${at}.name`, name, `it is a built-in check's name; built-in: ${BUILT_IN_CHECKS.join(", ")}`);
    }
    if (seen.has(name)) throw new ConfigError(where, `${at}.name`, name, "another check has this name; names tell the checks apart in reports");
    seen.add(name);
    const query = checkTemplate(where, `${at}.query`, required(where, `${at}.query`, c.query));
    const bound = (b: "min" | "max") => (c[b] === undefined ? undefined : numberIn(where, `${at}.${b}`, c[b], -Number.MAX_VALUE, Number.MAX_VALUE, ""));
    const min = bound("min");
    const max = bound("max");
    if (min === undefined && max === undefined) throw new ConfigError(where, at, item, "set min, max, or both: the range the query's value must stay in");
    if (min !== undefined && max !== undefined && min > max) throw new ConfigError(where, `${at}.min`, min, `it must not exceed max (${max})`);
    return { name, query, ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
  });
}

/** A PromQL template: every `{{…}}` names a known variable, and no `{{` is left unclosed. */
function checkTemplate(where: Where, key: string, raw: unknown): string {
  const text = nonEmptyString(where, key, raw);
  for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(m[1])) {
      throw new ConfigError(where, key, raw, `{{${m[1]}}} is not a template variable; ${didYouMean(m[1], TEMPLATE_VARIABLES)}variables: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(", ")}`);
    }
  }
  if (/\{\{(?![^{}]*\}\})/.test(text)) throw new ConfigError(where, key, raw, "a {{ is not closed by }}");
  return text;
}
