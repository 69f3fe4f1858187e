/**
 * The stack file, read into validated gateways: `istio-gateways:gateways` is a map from gateway name to its
 * settings (README "Config reference"). Every gateway is checked before the program registers anything.
 */
import { IstioGatewayArgs, Topology } from "../components/args";
import { analyzeGateway, analyzeStack, errorsOf } from "../components/plan/analyze";
import { ConfigError } from "../components/plan/errors";
import { planGateway } from "../components/plan/plan";
import { ValidGateway, validateGateway } from "../components/plan/validate";

export const CONFIG_KEY = "istio-gateways:gateways";

/**
 * Stack-file defaults: a shared gateway's ingress namespace belongs to the platform team and is created by the
 * stack; a dedicated gateway lives in an app's namespace, which the app team already owns.
 */
export const STACK_DEFAULTS = { createNamespace: (topology: Topology) => topology === Topology.Shared };

/** A namespace the stack creates once, however many gateways run in it. */
export interface StackNamespace {
  name: string;
  labels: Record<string, string>;
}

export interface StackConfig {
  gateways: ValidGateway[];
  /** Each gateway's settings as written, for the component (which validates them the same way). */
  args: Record<string, IstioGatewayArgs>;
  namespaces: StackNamespace[];
}

/** A mistake in the stack file that no single gateway owns. */
export class StackConfigError extends Error {
  constructor(stack: string, message: string) {
    super(`stack "${stack}": ${message}`);
    this.name = "StackConfigError";
  }
}

export function readStackConfig(stack: string, raw: unknown): StackConfig {
  if (raw === undefined) {
    throw new StackConfigError(stack, `${CONFIG_KEY} is missing; set it to a map from gateway name to its settings (README, "Config reference")`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new StackConfigError(stack, `${CONFIG_KEY} is ${JSON.stringify(raw)}; use a map from gateway name to its settings`);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  const gateways = entries.map(([gateway, value]) => validateGateway({ stack, gateway }, value, STACK_DEFAULTS));
  const args = Object.fromEntries(entries.map(([name, value]) => [name, value as IstioGatewayArgs]));
  preflight(stack, gateways);
  return { gateways, args, namespaces: stackNamespaces(stack, gateways) };
}

/** Every gateway's findings, then the stack's (ConflictingGateways): the first error stops the program. */
function preflight(stack: string, gateways: ValidGateway[]): void {
  const planned = gateways.map((gw) => ({ gw, plan: planGateway(gw) }));
  const findings = [...planned.flatMap(({ gw, plan }) => analyzeGateway({ stack, gateway: gw.name }, gw, plan)), ...analyzeStack(stack, planned)];
  const error = errorsOf(findings)[0];
  if (error) throw error;
}

/** One entry per namespace that any of its gateways asks to create, its labels merged; conflicts are refused. */
function stackNamespaces(stack: string, gateways: ValidGateway[]): StackNamespace[] {
  const byName = new Map<string, { labels: Record<string, string>; owner: string }>();
  for (const gw of gateways.filter((g) => g.createNamespace)) {
    const seen = byName.get(gw.namespace) ?? { labels: {}, owner: gw.name };
    for (const [key, value] of Object.entries(gw.namespaceLabels)) {
      if (key in seen.labels && seen.labels[key] !== value) {
        throw new ConfigError({ stack, gateway: gw.name }, `namespaceLabels.${key}`, value,
          `gateway "${seen.owner}" sets it to ${JSON.stringify(seen.labels[key])} on the same namespace "${gw.namespace}"; use one value`);
      }
      seen.labels[key] = value;
    }
    byName.set(gw.namespace, seen);
  }
  return [...byName.entries()].map(([name, { labels }]) => ({ name, labels }));
}
