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
  constructor(readonly where: Where, key: string, value: unknown, allowed: string) {
    super(refusalMessage(where, key, value, allowed));
    this.name = "ConfigError";
    this.key = key;
  }
}

function refusalMessage(where: Where, key: string, value: unknown, allowed: string): string {
  return `stack "${where.stack}", gateway "${where.gateway}": ${key} is ${show(value)}; ${allowed}`;
}

/** Values as a reader of the stack file wrote them; `undefined` reads as "missing". */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export const Severity = { Error: "error", Warning: "warning" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/**
 * A preflight finding, named after the `istioctl analyze` analyzer that would report it after apply (or, where
 * Istio has none, after the rule): a stable code, the key and value at fault, what goes wrong, and the fix. A
 * warning is no error, so a Finding is not one; an error finding is thrown as the ConfigError `refusal()` makes.
 */
export class Finding {
  readonly message: string;
  /** What follows "<key> is <value>; " in the message. */
  private readonly detail: string;
  constructor(readonly where: Where, readonly code: string, readonly severity: Severity, readonly key: string, readonly value: unknown,
    readonly problem: string, readonly fix: string) {
    this.detail = `[${code}] ${problem}; fix: ${fix}`;
    this.message = refusalMessage(where, key, value, this.detail);
  }

  /** The error that stops the preview, with the finding's message; a warning says it stops it in strict mode. */
  refusal(): ConfigError {
    const strict = this.severity === Severity.Warning ? "; a warning, refused in strict mode (strict: true, or istio-gateways:strict)" : "";
    return new ConfigError(this.where, this.key, this.value, `${this.detail}${strict}`);
  }
}
