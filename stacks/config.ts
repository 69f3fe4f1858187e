/**
 * The stack file, read into validated gateways: `istio-gateways:gateways` is a map from gateway name to its
 * settings (docs/config.md). Every gateway is checked before the program registers anything.
 */
import { IstioGatewayArgs } from "../components/args";
import { analyzeStack, blocking, Code, ConfigError, Finding, nearest, PreparedGateway, preparedFrom, validateGateway, ValidGateway, warningsOf } from "../components/core";

export const CONFIG_KEY = "istio-gateways:gateways";
/** `true` makes every gateway of the stack strict: warnings refuse the preview (IstioGatewayArgs.strict). */
export const STRICT_KEY = "istio-gateways:strict";

/** A namespace the stack creates once, however many gateways run in it. */
export interface StackNamespace {
  name: string;
  labels: Record<string, string>;
  /** Kept in the cluster when the stack stops managing it (Pulumi retainOnDelete). */
  retain: boolean;
  /**
   * Warnings about it (NamespaceDeletedWithStack), which the program logs on the namespace itself: it hands each
   * component `createNamespace: false` (the namespace is the stack's), so no component reports them.
   */
  warnings: Finding[];
}

/** One gateway as the program hands it to its component: the arguments, and the pass already made over them. */
export interface StackComponent {
  name: string;
  /** The settings as written, but for the namespace: the stack creates it (once) and the component does not. */
  args: IstioGatewayArgs;
  prepared: PreparedGateway;
}

export interface StackConfig {
  /** Every gateway as the stack file wrote it, validated. */
  gateways: ValidGateway[];
  /** Every gateway as its component builds it, validated, planned and analyzed once. */
  components: StackComponent[];
  namespaces: StackNamespace[];
}

/** A mistake in the stack file that no single gateway owns. */
export class StackConfigError extends Error {
  constructor(stack: string, message: string) {
    super(`stack "${stack}": ${message}`);
    this.name = "StackConfigError";
  }
}

/**
 * `configKeys`: every key the stack file sets, so that a near miss of CONFIG_KEY is named. `strict`: the value of
 * STRICT_KEY; with `true`, every gateway is strict whatever it says itself.
 */
export function readStackConfig(stack: string, raw: unknown, configKeys: readonly string[] = [], strict: unknown = false): StackConfig {
  if (typeof strict !== "boolean") throw new StackConfigError(stack, `${STRICT_KEY} is ${JSON.stringify(strict)}; use true or false`);
  if (raw === undefined) {
    const near = configKeys.find((k) => nearest(k, [CONFIG_KEY]) !== undefined);
    const hint = near === undefined ? "" : ` (the stack file sets "${near}": did you mean "${CONFIG_KEY}"?)`;
    throw new StackConfigError(stack, `${CONFIG_KEY} is missing${hint}; set it to a map from gateway name to its settings (docs/config.md)`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new StackConfigError(stack, `${CONFIG_KEY} is ${JSON.stringify(raw)}; use a map from gateway name to its settings`);
  }
  const strictly = (value: unknown) => (strict && typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value, strict: true } : value);
  const entries = Object.entries(raw as Record<string, unknown>).map(([name, value]) => [name, strictly(value)] as const);
  const gateways = entries.map(([gateway, value]) => validateGateway({ stack, gateway }, value));
  const namespaces = stackNamespaces(stack, gateways);
  const created = new Set(namespaces.map((ns) => ns.name));
  const ofNamespace = (f: Finding) => f.code === Code.NamespaceDeletedWithStack;
  const components = gateways.map((written, i): StackComponent => {
    // The stack created the namespace (once): the component only waits for it. An adopted one, it verifies.
    const verifyNamespace = created.has(written.namespace) ? false : written.verifyNamespace;
    const { retainNamespace: _retained, ...settings } = entries[i][1] as IstioGatewayArgs;
    const args = { ...settings, createNamespace: false, verifyNamespace };
    const prepared = preparedFrom({ stack, gateway: written.name }, { ...written, createNamespace: false, verifyNamespace }, written);
    // The namespace's warnings are the stack's to log, on the namespace, once: not the component's.
    namespaces.find((ns) => ns.name === written.namespace)?.warnings.push(...warningsOf(prepared.findings).filter(ofNamespace));
    return { name: written.name, args, prepared: { ...prepared, findings: prepared.findings.filter((f) => !ofNamespace(f)) } };
  });
  // Across gateways (ConflictingGateways): the first error stops the program.
  const error = blocking(analyzeStack(stack, components.map((c) => ({ gw: c.prepared.gateway, plan: c.prepared.plan }))), strict)[0];
  if (error) throw error.refusal();
  return { gateways, components, namespaces };
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
  return [...byName.entries()].map(([name, { labels, retain }]) => ({ name, labels, retain, warnings: [] }));
}
