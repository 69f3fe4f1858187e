/**
 * The one pass: a gateway's arguments validated, planned and analyzed once. The stack program prepares every
 * gateway of a stack file (it needs them all at once, for the namespaces they share and the findings across
 * gateways) and hands each prepared gateway to its component with the arguments it passes; the component takes it
 * over instead of doing the pass again. A program that calls the component directly hands nothing over, and the
 * component prepares the gateway itself: the same checks, once.
 */
import { Finding, ValidGateway, Where } from "./model";
import { validateGateway } from "./validate";
import { GatewayPlan, planGateway } from "./plan";
import { analyzeGateway, blocking } from "./analyze";

/** A gateway after the pass: what the component registers, and what the preview reports. */
export interface PreparedGateway {
  /** The gateway as the component builds it. */
  gateway: ValidGateway;
  plan: GatewayPlan;
  /** Every finding on the plan; an error among them (in strict mode, a warning too) has already been thrown. */
  findings: Finding[];
}

/**
 * Plans a validated gateway and analyzes the plan, throwing the first error finding (in strict mode, the first
 * finding). `written` is the gateway as
 * its stack file wrote it, when the component is handed another (the stack program makes the namespaces itself):
 * the namespace findings are about what was written.
 */
export function preparedFrom(where: Where, gateway: ValidGateway, written: ValidGateway = gateway): PreparedGateway {
  const plan = planGateway(gateway);
  const findings = analyzeGateway(where, written, plan);
  const error = blocking(findings, written.strict)[0];
  if (error) throw error.refusal();
  return { gateway, plan, findings };
}

/** Validates raw arguments (a stack file's values, or a program's), then plans and analyzes them. */
export function prepareGateway(where: Where, raw: unknown): PreparedGateway {
  return preparedFrom(where, validateGateway(where, raw));
}

// Keyed by the arguments object itself: only the object that was prepared finds its pass, and a gateway of the
// same arguments under another name or stack is prepared anew.
const handed = new WeakMap<object, { where: Where; prepared: PreparedGateway }>();

/** The stack program's hand-over: these arguments were prepared as `prepared` for `where`. */
export function handOver<T extends object>(args: T, where: Where, prepared: PreparedGateway): T {
  handed.set(args, { where, prepared });
  return args;
}

/** The component's side: the pass handed over with these arguments, or a pass of its own. */
export function takeOver(where: Where, args: object): PreparedGateway {
  const entry = handed.get(args);
  if (entry && entry.where.stack === where.stack && entry.where.gateway === where.gateway) return entry.prepared;
  return prepareGateway(where, args);
}
