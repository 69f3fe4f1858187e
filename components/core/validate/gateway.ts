/**
 * Validation of a gateway's arguments, whether they come from a stack file (plain JSON) or from a TypeScript
 * program. Every check throws a ConfigError naming the stack, the gateway, the key, the bad value and what is
 * allowed; nothing is registered before all of them pass.
 */
import { Mode, RoutingApi, Topology } from "../../args";
import { ADOPTED_TRACK, canSplit, ConfigError, DEFAULT_REPLICAS, DEFAULT_STEPS, DEFAULTS, DEFAULT_TRACK, DEFAULT_UPDATE_TIMEOUT_SECONDS, deploymentName, servesGatewayApi, servesIstioApi, ServicePort, trackName, ValidAdoption, ValidCanary, ValidGateway, ValidService, Where } from "../model";
import { checkAdoption } from "./adopt";
import { bool, checkKeys, dnsLabel, objectAt, oneOf, required, stringList, wholeNumber } from "./read";
import { DNS1035_LABEL, DNS1123_LABEL, isLabelValue } from "./rules";

import { checkGatewaySelector, INJECTION_NAMESPACE_LABELS, labelMap, MANAGED_POD_LABELS } from "./labels";
import { modePreset } from "./modes";
import { checkPod, POD_KEYS } from "./pods";
import { checkServers } from "./servers";
import { checkGatewayApiServers, checkRouting } from "./routing";
import { checkServiceSettings } from "./service";
import { checkAnalysis } from "./analysis";
import { budgetedCounts, checkAutoscaledCanary, checkAutoscaling, checkDisruption, checkDrain, checkTrafficShifting } from "./capacity";

/** Keys a gateway accepts; anything else is most likely a typo and is refused rather than ignored. */
export const GATEWAY_KEYS = [
  "namespace", "createNamespace", "retainNamespace", "namespaceLabels", "topology", "replicas", "revision", "canary", "servers",
  "routeNamespaces", "service", "restartGeneration", "updateTimeoutSeconds", "autoscaling", "podDisruptionBudget", "drain", "trafficShifting",
  "gatewaySelector", "podLabels", "verifyNamespace", "mode", "network", "routingApi", "gatewayClassName", "istioGatewayName", "adopt", "strict", ...POD_KEYS,
] as const;

/**
 * Namespaces other workloads live in (Kubernetes' own, and istiod's): a stack that created one would own it, and
 * delete it with everything in it on `pulumi destroy`; on a real cluster it already exists (AlreadyExists).
 */
export const SYSTEM_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease", "istio-system"];

/** Validates one gateway's raw arguments and applies every default. */
export function validateGateway(where: Where, raw: unknown): ValidGateway {
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
  const adoption = checkAdoptionOf(where, args, autoscaling !== undefined);
  const stableTrack = adoption?.deployment ? ADOPTED_TRACK : trackName(revision);
  const canary = args.canary === undefined ? undefined : checkCanary(where, args.canary, stableTrack, replicas, autoscaling !== undefined);
  if (autoscaling && canary) checkAutoscaledCanary(where, autoscaling, canary.steps);
  checkTrackNames(where, name, revision, canary);
  if (canary && adoption?.deployment?.name === deploymentName(name, canary.revision)) {
    throw new ConfigError(where, "adopt.deployment.name", adoption.deployment.name,
      `it is the name the canary's Deployment gets (${deploymentName(name, canary.revision)}); a canary on another revision retires it`);
  }
  const weights = canary ? [0, ...canary.steps] : [0];
  const mode = oneOf(where, "mode", args.mode ?? Mode.Ingress, Object.values(Mode));
  const network = checkNetwork(where, mode, args.network);
  const preset = modePreset(mode, network);
  const routing = checkRouting(where, args, mode);
  const servers = args.servers === undefined && preset.servers ? preset.servers : checkServers(where, args.servers);
  if (servesGatewayApi(routing.routingApi)) checkGatewayApiServers(where, servers);
  const drain = checkDrain(where, args.drain);
  const pod = checkPod(where, args, drain);
  const ownership = checkNamespaceOwnership(where, namespace, args);
  return {
    name,
    namespace,
    ...ownership,
    namespaceLabels: checkNamespaceLabels(where, args.namespaceLabels ?? {}),
    topology,
    replicas,
    ...(autoscaling && { autoscaling }),
    disruption: checkDisruption(where, args.podDisruptionBudget, budgetedCounts(replicas, autoscaling, weights)),
    drain,
    trafficShifting: checkTrafficShifting(where, args.trafficShifting),
    revision,
    canary,
    servers,
    routeNamespaces: checkRouteNamespaces(where, args.routeNamespaces, topology),
    service: withPreset(checkServiceSettings(where, args.service ?? {}, preset.serviceType), preset.extraPorts, preset.labels),
    mode,
    ...(network !== undefined && { network }),
    pod: { ...pod, env: { ...preset.env, ...pod.env } },
    restartGeneration: wholeNumber(where, "restartGeneration", args.restartGeneration ?? DEFAULTS.restartGeneration, 0, 1_000_000_000),
    // Below 10 s a pod cannot even be scheduled and pulled; above 6 h nobody is watching the update any more.
    updateTimeoutSeconds: wholeNumber(where, "updateTimeoutSeconds", args.updateTimeoutSeconds ?? DEFAULT_UPDATE_TIMEOUT_SECONDS, 10, 21600),
    ...routing,
    ...(args.gatewaySelector !== undefined && { gatewaySelector: checkGatewaySelector(where, args.gatewaySelector) }),
    podLabels: { ...preset.labels, ...labelMap(where, "podLabels", args.podLabels ?? {}, MANAGED_POD_LABELS) },
    verifyNamespace: checkVerifyNamespace(where, args, ownership.createNamespace),
    istioGatewayName: checkIstioGatewayName(where, args.istioGatewayName, name, routing.routingApi),
    ...(adoption && { adoption }),
    strict: bool(where, "strict", args.strict ?? DEFAULTS.strict),
  };
}

function checkAdoptionOf(where: Where, args: Record<string, unknown>, autoscaled: boolean): ValidAdoption | undefined {
  if (args.adopt === undefined) return undefined;
  return checkAdoption(where, args.adopt, {
    gateway: where.gateway, revision: args.revision, createNamespace: args.createNamespace === true, autoscaled,
    trafficShifting: checkTrafficShifting(where, args.trafficShifting), routingApi: checkRouting(where, args, oneOf(where, "mode", args.mode ?? Mode.Ingress, Object.values(Mode))).routingApi,
  });
}

function checkIstioGatewayName(where: Where, raw: unknown, gateway: string, routingApi: RoutingApi): string {
  if (raw === undefined) return gateway;
  if (!servesIstioApi(routingApi)) {
    throw new ConfigError(where, "istioGatewayName", raw, `routingApi "${routingApi}" makes no Istio Gateway to name; remove it`);
  }
  if (typeof raw !== "string" || !DNS1123_LABEL.test(raw)) {
    throw new ConfigError(where, "istioGatewayName", raw, 'use a Gateway name: lowercase letters, digits and "-", at most 63 characters, e.g. "bookinfo-gateway"');
  }
  return raw;
}

function checkGatewayName(where: Where): string {
  // The name becomes the Service's name (a DNS-1035 label) and the `app` label value.
  if (!DNS1035_LABEL.test(where.gateway)) {
    throw new ConfigError(where, "the gateway name", where.gateway,
      'use a DNS-1035 label: lowercase letters, digits and "-", starting with a letter, at most 63 characters');
  }
  return where.gateway;
}

function checkCanary(where: Where, raw: unknown, stableTrack: string, replicas: number, autoscaled: boolean): ValidCanary {
  const canary = objectAt(where, "canary", raw);
  checkKeys(where, "canary.", canary, ["revision", "weight", "steps", "previousWeight", "analysis"]);
  const revision = dnsLabel(where, "canary.revision", required(where, "canary.revision", canary.revision), "1-26-0");
  if (trackName(revision) === stableTrack) {
    throw new ConfigError(where, "canary.revision", revision,
      `it must differ from the stable track (${stableTrack === DEFAULT_TRACK ? "the default revision" : JSON.stringify(stableTrack)})`);
  }
  const steps = checkSteps(where, canary.steps ?? [...DEFAULT_STEPS]);
  const weight = wholeNumber(where, "canary.weight", canary.weight ?? DEFAULTS["canary.weight"], 0, 100);
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
  const analysis = canary.analysis === undefined ? undefined : checkAnalysis(where, canary.analysis);
  return { revision, weight, steps, ...(previousWeight !== undefined && { previousWeight }), ...(analysis && { analysis }) };
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
  checkTrackName(where, name, "revision", stable);
  if (canary) checkTrackName(where, name, "canary.revision", canary.revision);
}

function checkTrackName(where: Where, name: string, key: string, revision: string | undefined): void {
  // Deployments are named <gateway>-<track>; keep them within a DNS label so pod names stay readable and valid.
  const deployment = `${name}-${trackName(revision)}`;
  if (deployment.length > 63) {
    throw new ConfigError(where, key, revision ?? "the default revision",
      `[NameTooLong] the Deployment name "${deployment}" is ${deployment.length} characters; shorten the gateway name or revision to fit 63`);
  }
}

/**
 * A namespace is created only when asked (`createNamespace: true`), never a system one, and kept in the cluster
 * when the stack stops managing it unless `retainNamespace: false` (Pulumi retainOnDelete): deleting a namespace
 * deletes every object in it, the TLS Secrets the gateway serves included.
 */
function checkNamespaceOwnership(where: Where, namespace: string, args: Record<string, unknown>): { createNamespace: boolean; retainNamespace: boolean } {
  const createNamespace = bool(where, "createNamespace", args.createNamespace ?? DEFAULTS.createNamespace);
  if (createNamespace && SYSTEM_NAMESPACES.includes(namespace)) {
    throw new ConfigError(where, "createNamespace", true,
      `namespace "${namespace}" is a system namespace other workloads live in (${SYSTEM_NAMESPACES.join(", ")}); the stack must not create or delete it: remove createNamespace`);
  }
  if (args.retainNamespace !== undefined && !createNamespace) {
    throw new ConfigError(where, "retainNamespace", args.retainNamespace, "it only applies to a namespace the gateway creates (createNamespace: true)");
  }
  return { createNamespace, retainNamespace: bool(where, "retainNamespace", args.retainNamespace ?? DEFAULTS.retainNamespace) };
}

/**
 * Reading the namespace at preview needs it to exist: one the gateway creates does not yet, and its labels are
 * the gateway's own (namespaceLabels), checked without the cluster. Asking for both is refused here, at the first
 * check, rather than failing the preview with the provider's "does not exist".
 */
function checkVerifyNamespace(where: Where, args: Record<string, unknown>, createNamespace: boolean): boolean {
  if (args.verifyNamespace === undefined) return !createNamespace;
  const verify = bool(where, "verifyNamespace", args.verifyNamespace);
  if (verify && createNamespace) {
    throw new ConfigError(where, "verifyNamespace", true,
      "it reads an existing namespace at preview, and createNamespace: true creates it (its labels, namespaceLabels, are checked without the cluster); leave verifyNamespace out");
  }
  return verify;
}

function checkNamespaceLabels(where: Where, raw: unknown): Record<string, string> {
  return labelMap(where, "namespaceLabels", raw, INJECTION_NAMESPACE_LABELS);
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
