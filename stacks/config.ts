/**
 * The stack file, read into validated gateways: `istio-gateways:gateways` is a map from gateway name to its
 * settings (README "Config reference"). Every gateway is checked before the program registers anything.
 */
import { IstioGatewayArgs } from "../components/args";
import { analyzeGateway, analyzeStack, Code, errorsOf, warningsOf } from "../components/plan/analyze";
import { ConfigError, Finding } from "../components/plan/errors";
import { planGateway } from "../components/plan/plan";
import { nearest } from "../components/plan/suggest";
import { ValidGateway, validateGateway } from "../components/plan/validate";

export const CONFIG_KEY = "istio-gateways:gateways";

/** A namespace the stack creates once, however many gateways run in it. */
export interface StackNamespace {
  name: string;
  labels: Record<string, string>;
  /** Kept in the cluster when the stack stops managing it (Pulumi retainOnDelete). */
  retain: boolean;
}

export interface StackConfig {
  gateways: ValidGateway[];
  /** Each gateway's settings as written, for the component (which validates them the same way). */
  args: Record<string, IstioGatewayArgs>;
  namespaces: StackNamespace[];
  /**
   * Warnings about the namespaces the stack creates, which the program must log itself: it hands each component
   * `createNamespace: false` (the namespace is the stack's), so no component sees them.
   */
  namespaceWarnings: Finding[];
}

/** A mistake in the stack file that no single gateway owns. */
export class StackConfigError extends Error {
  constructor(stack: string, message: string) {
    super(`stack "${stack}": ${message}`);
    this.name = "StackConfigError";
  }
}

/** `configKeys`: every key the stack file sets, so that a near miss of CONFIG_KEY is named. */
export function readStackConfig(stack: string, raw: unknown, configKeys: readonly string[] = []): StackConfig {
  if (raw === undefined) {
    const near = configKeys.find((k) => nearest(k, [CONFIG_KEY]) !== undefined);
    const hint = near === undefined ? "" : ` (the stack file sets "${near}": did you mean "${CONFIG_KEY}"?)`;
    throw new StackConfigError(stack, `${CONFIG_KEY} is missing${hint}; set it to a map from gateway name to its settings (README, "Config reference")`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new StackConfigError(stack, `${CONFIG_KEY} is ${JSON.stringify(raw)}; use a map from gateway name to its settings`);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  const gateways = entries.map(([gateway, value]) => validateGateway({ stack, gateway }, value));
  const args = Object.fromEntries(entries.map(([name, value]) => [name, value as IstioGatewayArgs]));
  const findings = preflight(stack, gateways);
  return {
    gateways, args, namespaces: stackNamespaces(stack, gateways),
    namespaceWarnings: warningsOf(findings).filter((f) => f.code === Code.NamespaceDeletedWithStack),
  };
}

/** Every gateway's findings, then the stack's (ConflictingGateways): the first error stops the program. */
function preflight(stack: string, gateways: ValidGateway[]): Finding[] {
  const planned = gateways.map((gw) => ({ gw, plan: planGateway(gw) }));
  const findings = [...planned.flatMap(({ gw, plan }) => analyzeGateway({ stack, gateway: gw.name }, gw, plan)), ...analyzeStack(stack, planned)];
  const error = errorsOf(findings)[0];
  if (error) throw error;
  return findings;
}

/** One entry per namespace that any of its gateways asks to create, its labels merged; conflicts are refused. */
function stackNamespaces(stack: string, gateways: ValidGateway[]): StackNamespace[] {
  const byName = new Map<string, { labels: Record<string, string>; owner: string; retain: boolean }>();
  for (const gw of gateways.filter((g) => g.createNamespace)) {
    const where = { stack, gateway: gw.name };
    const seen = byName.get(gw.namespace) ?? { labels: {}, owner: gw.name, retain: gw.retainNamespace };
    for (const [key, value] of Object.entries(gw.namespaceLabels)) {
      if (key in seen.labels && seen.labels[key] !== value) {
        throw new ConfigError(where, `namespaceLabels.${key}`, value,
          `gateway "${seen.owner}" sets it to ${JSON.stringify(seen.labels[key])} on the same namespace "${gw.namespace}"; use one value`);
      }
      seen.labels[key] = value;
    }
    if (seen.retain !== gw.retainNamespace) {
      throw new ConfigError(where, "retainNamespace", gw.retainNamespace,
        `gateway "${seen.owner}" creates the same namespace "${gw.namespace}" with retainNamespace ${seen.retain}; use one value`);
    }
    byName.set(gw.namespace, seen);
  }
  return [...byName.entries()].map(([name, { labels, retain }]) => ({ name, labels, retain }));
}
