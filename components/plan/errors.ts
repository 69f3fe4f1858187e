/** Where a value came from, so that every message can point at it. */
export interface Where {
  stack: string;
  gateway: string;
}

/**
 * A value the component refuses. The message names the stack, the gateway, the key, the bad value and what is
 * allowed, so an operator can fix the stack file without reading code.
 */
export class ConfigError extends Error {
  readonly key: string;
  constructor(where: Where, key: string, value: unknown, allowed: string) {
    super(`stack "${where.stack}", gateway "${where.gateway}": ${key} is ${show(value)}; ${allowed}`);
    this.name = "ConfigError";
    this.key = key;
  }
}

/** Values as a reader of the stack file wrote them; `undefined` reads as "missing". */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
