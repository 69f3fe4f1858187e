/**
 * Validation of a gateway's arguments, whether they come from a stack file (plain JSON) or from a TypeScript
 * program. Every check throws a ConfigError naming the stack, the gateway, the key, the bad value and what is
 * allowed; nothing is registered before all of them pass.
 */
import { GatewayServerTls, ServerProtocol, ServiceType, TlsMode, Topology, TrafficShifting } from "../args";
import { AutoscalingSettings } from "./autoscaling";
import { canSplit } from "./canary";
import { DisruptionSettings } from "./disruption";
import { DrainSettings } from "./drain";
import { ConfigError, Where } from "./errors";
import { trackName } from "./labels";
import { bool, checkKeys, dnsLabel, dnsSubdomain, nonEmptyString, objectAt, oneOf, required, stringList, wholeNumber } from "./read";
import { DNS1035_LABEL, ISTIO_RESERVED_PORTS, isGatewayHost, isLabelValue } from "./rules";
import { ServicePort, ValidServer } from "./types";

export { ValidServer };
import { checkGatewaySelector, INJECTION_NAMESPACE_LABELS, labelMap, MANAGED_POD_LABELS } from "./validate-labels";
import { Mode, modePreset } from "./modes";
import { checkPod, POD_KEYS, ValidPod } from "./validate-pods";
import { checkServiceSettings, ValidService } from "./validate-service";
import {
  budgetedCounts, checkAutoscaledCanary, checkAutoscaling, checkDisruption, checkDrain, checkTrafficShifting,
} from "./validate-capacity";

/** A gateway's arguments once validated, every default applied. */
export interface ValidGateway {
  name: string;
  namespace: string;
  createNamespace: boolean;
  namespaceLabels: Record<string, string>;
  topology: Topology;
  /** Fixed pod count; with autoscaling, the HPAs' minimum. */
  replicas: number;
  autoscaling?: AutoscalingSettings;
  disruption: DisruptionSettings;
  drain: DrainSettings;
  trafficShifting: TrafficShifting;
  revision?: string;
  canary?: ValidCanary;
  servers: ValidServer[];
  routeNamespaces: string[];
  service: ValidService;
  /** ingress, egress or east-west (modes.ts). */
  mode: Mode;
  /** east-west: the network this gateway serves. */
  network?: string;
  /** Pod settings every revision shares. */
  pod: ValidPod;
  restartGeneration: number;
  /** The Istio Gateway's selector, when overridden. */
  gatewaySelector?: Record<string, string>;
  /** Extra labels on every pod. */
  podLabels: Record<string, string>;
  /** Read the existing namespace at preview and refuse injection labels that override the pods'. */
  verifyNamespace: boolean;
}

export interface ValidCanary {
  revision: string;
  weight: number;
  steps: number[];
  /** The weight the cluster runs before this update, written by the rollout command; orders the move. */
  previousWeight?: number;
}

export const DEFAULT_REPLICAS = 2;
export const DEFAULT_STEPS: readonly number[] = [10, 25, 50, 100];
export const DEFAULT_SERVERS: readonly ValidServer[] = [
  { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] },
];

/** Keys a gateway accepts; anything else is most likely a typo and is refused rather than ignored. */
export const GATEWAY_KEYS = [
  "namespace", "createNamespace", "namespaceLabels", "topology", "replicas", "revision", "canary", "servers",
  "routeNamespaces", "service", "restartGeneration", "autoscaling", "podDisruptionBudget", "drain", "trafficShifting",
  "gatewaySelector", "podLabels", "verifyNamespace", "mode", "network", ...POD_KEYS,
] as const;

/** Options a caller may set: defaults that differ between the stack file and the component. */
export interface Defaults {
  createNamespace: (topology: Topology) => boolean;
}

const COMPONENT_DEFAULTS: Defaults = { createNamespace: () => false };

/** Validates one gateway's raw arguments and applies every default. */
export function validateGateway(where: Where, raw: unknown, defaults: Defaults = COMPONENT_DEFAULTS): ValidGateway {
  const name = checkGatewayName(where);
  const args = objectAt(where, "gateway", raw);
  checkKeys(where, "", args, GATEWAY_KEYS);
  const topology = oneOf(where, "topology", args.topology ?? Topology.Shared, Object.values(Topology));
  const namespace = dnsLabel(where, "namespace", required(where, "namespace", args.namespace));
  const autoscaling = args.autoscaling === undefined ? undefined : checkAutoscaling(where, args.autoscaling);
  if (autoscaling && args.replicas !== undefined) {
    throw new ConfigError(where, "replicas", args.replicas,
      "with autoscaling the HPAs own the pod count (autoscaling.minReplicas and maxReplicas); remove replicas");
  }
  const replicas = autoscaling?.minReplicas ?? wholeNumber(where, "replicas", args.replicas ?? DEFAULT_REPLICAS, 1, 10000);
  const revision = args.revision === undefined ? undefined : dnsLabel(where, "revision", args.revision, "1-25-1");
  const canary = args.canary === undefined ? undefined : checkCanary(where, args.canary, revision, replicas, autoscaling !== undefined);
  if (autoscaling && canary) checkAutoscaledCanary(where, autoscaling, canary.steps);
  checkTrackNames(where, name, revision, canary);
  const weights = canary ? [0, ...canary.steps] : [0];
  const mode = oneOf(where, "mode", args.mode ?? Mode.Ingress, Object.values(Mode));
  const network = checkNetwork(where, mode, args.network);
  const preset = modePreset(mode, network);
  const pod = checkPod(where, args);
  return {
    name,
    namespace,
    createNamespace: bool(where, "createNamespace", args.createNamespace ?? defaults.createNamespace(topology)),
    namespaceLabels: checkNamespaceLabels(where, args.namespaceLabels ?? {}),
    topology,
    replicas,
    ...(autoscaling && { autoscaling }),
    disruption: checkDisruption(where, args.podDisruptionBudget, budgetedCounts(replicas, autoscaling, weights)),
    drain: checkDrain(where, args.drain),
    trafficShifting: checkTrafficShifting(where, args.trafficShifting),
    revision,
    canary,
    servers: args.servers === undefined && preset.servers ? preset.servers : checkServers(where, args.servers),
    routeNamespaces: checkRouteNamespaces(where, args.routeNamespaces, topology),
    service: withPreset(checkServiceSettings(where, args.service ?? {}, preset.serviceType), preset.extraPorts, preset.labels),
    mode,
    ...(network !== undefined && { network }),
    pod: { ...pod, env: { ...preset.env, ...pod.env } },
    restartGeneration: wholeNumber(where, "restartGeneration", args.restartGeneration ?? 0, 0, 1_000_000_000),
    ...(args.gatewaySelector !== undefined && { gatewaySelector: checkGatewaySelector(where, args.gatewaySelector) }),
    podLabels: { ...preset.labels, ...labelMap(where, "podLabels", args.podLabels ?? {}, MANAGED_POD_LABELS) },
    verifyNamespace: bool(where, "verifyNamespace", args.verifyNamespace ?? !(args.createNamespace ?? defaults.createNamespace(topology))),
  };
}

function checkGatewayName(where: Where): string {
  // The name becomes the Service's name (a DNS-1035 label) and the `app` label value.
  if (!DNS1035_LABEL.test(where.gateway)) {
    throw new ConfigError(where, "the gateway name", where.gateway,
      'use a DNS-1035 label: lowercase letters, digits and "-", starting with a letter, at most 63 characters');
  }
  return where.gateway;
}

function checkCanary(where: Where, raw: unknown, stable: string | undefined, replicas: number, autoscaled: boolean): ValidCanary {
  const canary = objectAt(where, "canary", raw);
  checkKeys(where, "canary.", canary, ["revision", "weight", "steps", "previousWeight"]);
  const revision = dnsLabel(where, "canary.revision", required(where, "canary.revision", canary.revision), "1-26-0");
  if (trackName(revision) === trackName(stable)) {
    throw new ConfigError(where, "canary.revision", revision,
      `it must differ from the stable revision (${stable === undefined ? "the default revision" : JSON.stringify(stable)})`);
  }
  const steps = checkSteps(where, canary.steps ?? [...DEFAULT_STEPS]);
  const weight = wholeNumber(where, "canary.weight", canary.weight ?? 0, 0, 100);
  if (weight !== 0 && !steps.includes(weight)) {
    throw new ConfigError(where, "canary.weight", weight, `use 0 or one of canary.steps: ${steps.join(", ")}`);
  }
  const partial = steps.filter((s) => !canSplit(replicas, s));
  if (partial.length > 0 && !autoscaled) {
    throw new ConfigError(where, "replicas", replicas,
      `[CanaryWithoutPod] a canary at ${partial.join("%, ")}% needs a pod on each revision: set replicas to 2 or more`);
  }
  const previousWeight = canary.previousWeight === undefined ? undefined
    : wholeNumber(where, "canary.previousWeight", canary.previousWeight, 0, 100);
  return { revision, weight, steps, ...(previousWeight !== undefined && { previousWeight }) };
}

function checkSteps(where: Where, raw: unknown): number[] {
  const key = "canary.steps";
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(where, key, raw, "use a list of whole percentages that increase and end at 100, e.g. [10, 25, 50, 100]");
  }
  const steps = raw.map((s, i) => wholeNumber(where, `${key}[${i}]`, s, 1, 100));
  steps.forEach((s, i) => {
    if (i > 0 && s <= steps[i - 1]) {
      throw new ConfigError(where, key, raw, `steps must increase: ${s} follows ${steps[i - 1]}`);
    }
  });
  if (steps[steps.length - 1] !== 100) {
    throw new ConfigError(where, key, raw, "the last step must be 100, where the canary holds every pod");
  }
  return steps;
}

function checkTrackNames(where: Where, name: string, stable: string | undefined, canary: ValidCanary | undefined): void {
  // Deployments are named <gateway>-<track>; keep them within a DNS label so pod names stay readable and valid.
  for (const [key, revision] of [["revision", stable], ["canary.revision", canary?.revision]] as const) {
    const deployment = `${name}-${trackName(revision)}`;
    if (deployment.length > 63) {
      throw new ConfigError(where, key, revision ?? "the default revision",
        `[NameTooLong] the Deployment name "${deployment}" is ${deployment.length} characters; shorten the gateway name or revision to fit 63`);
    }
  }
}

function checkNamespaceLabels(where: Where, raw: unknown): Record<string, string> {
  return labelMap(where, "namespaceLabels", raw, INJECTION_NAMESPACE_LABELS);
}

function checkServers(where: Where, raw: unknown): ValidServer[] {
  if (raw === undefined) return DEFAULT_SERVERS.map((s) => ({ ...s, port: { ...s.port }, hosts: [...s.hosts] }));
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(where, "servers", raw, "use a non-empty list of servers ({ port: { number, protocol }, hosts })");
  }
  return raw.map((s, i) => checkServer(where, `servers[${i}]`, s));
}

function checkServer(where: Where, key: string, raw: unknown): ValidServer {
  const server = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, server, ["port", "hosts", "tls", "name"]);
  const port = objectAt(where, `${key}.port`, required(where, `${key}.port`, server.port));
  checkKeys(where, `${key}.port.`, port, ["number", "name", "protocol", "targetPort"]);
  const number = wholeNumber(where, `${key}.port.number`, required(where, `${key}.port.number`, port.number), 1, 65535);
  if (ISTIO_RESERVED_PORTS.includes(number)) {
    throw new ConfigError(where, `${key}.port.number`, number,
      `Istio's proxy binds ${ISTIO_RESERVED_PORTS.join(", ")} itself; choose another port`);
  }
  if (port.targetPort !== undefined) {
    throw new ConfigError(where, `${key}.port.targetPort`, port.targetPort,
      "Istio ignores it on Gateway servers: port.number is the port the gateway pods listen on");
  }
  const protocol = oneOf(where, `${key}.port.protocol`, required(where, `${key}.port.protocol`, port.protocol), Object.values(ServerProtocol));
  const portName = port.name === undefined ? `${protocol.toLowerCase()}-${number}` : dnsLabel(where, `${key}.port.name`, port.name, "https-443");
  const tls = server.tls === undefined ? undefined : checkTls(where, `${key}.tls`, server.tls);
  if ((protocol === "HTTPS" || protocol === "TLS") && tls?.mode === undefined) {
    throw new ConfigError(where, `${key}.tls.mode`, undefined, `a ${protocol} server needs tls.mode, e.g. SIMPLE with a credentialName`);
  }
  const name = server.name === undefined ? undefined : nonEmptyString(where, `${key}.name`, server.name);
  return { port: { number, name: portName, protocol }, hosts: checkHosts(where, `${key}.hosts`, server.hosts), ...(tls && { tls }), ...(name && { name }) };
}

const TLS_STRING_KEYS = ["credentialName", "caCertificates", "caCertCredentialName", "minProtocolVersion", "maxProtocolVersion"];
const TLS_LIST_KEYS = ["credentialNames", "cipherSuites", "subjectAltNames"];

function checkTls(where: Where, key: string, raw: unknown): GatewayServerTls {
  const tls = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, tls, ["httpsRedirect", "mode", ...TLS_STRING_KEYS, ...TLS_LIST_KEYS]);
  if (tls.mode !== undefined) oneOf(where, `${key}.mode`, tls.mode, Object.values(TlsMode));
  if (tls.httpsRedirect !== undefined) bool(where, `${key}.httpsRedirect`, tls.httpsRedirect);
  for (const k of TLS_STRING_KEYS) if (tls[k] !== undefined) nonEmptyString(where, `${key}.${k}`, tls[k]);
  for (const k of TLS_LIST_KEYS) if (tls[k] !== undefined) stringList(where, `${key}.${k}`, tls[k]);
  // Credentials are Secrets in the gateway's namespace (read through SDS); whether one is needed is a finding (analyze.ts).
  if (tls.credentialName !== undefined) dnsSubdomain(where, `${key}.credentialName`, tls.credentialName);
  (tls.credentialNames as string[] | undefined)?.forEach((n, i) => dnsSubdomain(where, `${key}.credentialNames[${i}]`, n));
  return tls as GatewayServerTls;
}

function checkHosts(where: Where, key: string, raw: unknown): string[] {
  const hosts = stringList(where, key, required(where, key, raw));
  if (hosts.length === 0) throw new ConfigError(where, key, raw, 'list at least one host, e.g. "*" or "shop.example.com"');
  hosts.forEach((h, i) => {
    if (!isGatewayHost(h)) {
      throw new ConfigError(where, `${key}[${i}]`, h, 'use "host" or "namespace/host", where host is "*", a DNS name or "*.domain" and namespace is "*", "." or a namespace name');
    }
  });
  return hosts;
}

function checkRouteNamespaces(where: Where, raw: unknown, topology: Topology): string[] {
  if (raw === undefined) return [];
  const namespaces = stringList(where, "routeNamespaces", raw);
  if (topology === Topology.Dedicated && namespaces.length > 0) {
    throw new ConfigError(where, "routeNamespaces", raw,
      'a dedicated gateway takes routes only from its own namespace; use topology "shared" to delegate');
  }
  namespaces.forEach((ns, i) => dnsLabel(where, `routeNamespaces[${i}]`, ns, "shop"));
  return namespaces;
}

function checkNetwork(where: Where, mode: Mode, raw: unknown): string | undefined {
  if (mode !== Mode.EastWest) {
    if (raw !== undefined) throw new ConfigError(where, "network", raw, 'it only applies to mode "east-west"');
    return undefined;
  }
  // The network name becomes the topology.istio.io/network label value on pods and Service.
  const network = required(where, "network", raw);
  if (typeof network !== "string" || !isLabelValue(network) || network === "") {
    throw new ConfigError(where, "network", network, 'use a network name that is a label value, e.g. "network1"');
  }
  return network;
}

/** The mode's extra Service ports and labels, before the user's own. */
function withPreset(service: ValidService, extraPorts: ServicePort[], labels: Record<string, string>): ValidService {
  const own = new Set(service.extraPorts.map((p) => p.name));
  return { ...service, extraPorts: [...extraPorts.filter((p) => !own.has(p.name)), ...service.extraPorts], labels: { ...labels, ...service.labels } };
}
