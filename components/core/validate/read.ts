/**
 * Small readers for validation: each checks one type and names the key when it fails.
 */
import { ConfigError, didYouMean, Where } from "../model";
import { DNS1123_LABEL } from "./rules";


export function required(where: Where, key: string, value: unknown): unknown {
  if (value === undefined || value === null) throw new ConfigError(where, key, undefined, "it is required");
  return value;
}

export function objectAt(where: Where, key: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(where, key, value, "use a map of keys to values");
  }
  return value as Record<string, unknown>;
}

export function checkKeys(where: Where, prefix: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(where, `${prefix}${key}`, value[key], `"${key}" is not a known key here; ${didYouMean(key, allowed)}known keys: ${allowed.join(", ")}`);
    }
  }
}

export function oneOf<T extends string>(where: Where, key: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new ConfigError(where, key, value, `use one of ${allowed.join(", ")}`);
  return value as T;
}

export function wholeNumber(where: Where, key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(where, key, value, `use a whole number from ${min} to ${max}`);
  }
  return value;
}

export function bool(where: Where, key: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConfigError(where, key, value, "use true or false");
  return value;
}

export function nonEmptyString(where: Where, key: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw new ConfigError(where, key, value, "use a non-empty string");
  return value;
}

export function stringList(where: Where, key: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new ConfigError(where, key, value, "use a list of strings");
  }
  return value as string[];
}

export function dnsLabel(where: Where, key: string, value: unknown, example = "istio-ingress"): string {
  if (typeof value !== "string" || !DNS1123_LABEL.test(value)) {
    throw new ConfigError(where, key, value,
      `use a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters, e.g. "${example}"`);
  }
  return value;
}
