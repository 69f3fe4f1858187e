/**
 * The pack's rules as plain functions over plain objects: what a resource policy or a stack policy would report,
 * one message per finding. The policies (policies.ts) only hand the objects over. Where the component already
 * knows a rule, it is imported from components/core rather than written again.
 */
import { INJECT_LABEL, PROXY_SECURITY_CONTEXT, REVISION_LABEL, splitReplicas, TEMPLATES_ANNOTATION, UNPRIVILEGED_PORTS_SYSCTL } from "../components/core";
import {
  containers, DEPLOYMENT, ISTIO_GATEWAY_TYPES, labels, list, looksLikeGateway, matchLabels, NAMESPACE, nameOf,
  namespaceInjects, namespaceOf, Obj, obj, PDB, podInjects, podTemplate, selects, SERVICE, StackObject,
} from "./objects";

/** One finding: the message, and the resource it is about (a stack policy names it by URN). */
export interface Finding {
  message: string;
  urn?: string;
}

const where = (o: Obj) => `Deployment ${namespaceOf(o)}/${nameOf(o)}`;
const ofType = (objects: readonly StackObject[], ...types: string[]) => objects.filter((o) => types.includes(o.type));
const gatewayDeployments = (objects: readonly StackObject[]) => ofType(objects, DEPLOYMENT).filter((d) => looksLikeGateway(d.props));

function namespaceLabels(objects: readonly StackObject[]): Map<string, Record<string, string>> {
  return new Map(ofType(objects, NAMESPACE).map((n) => [nameOf(n.props), labels(obj(n.props.metadata).labels)]));
}

/**
 * ImageAutoWithoutInjection (Istio IST0146/IST0147): `image: auto` is a placeholder that only the injector
 * replaces, with the `gateway` template; without injection the pod pulls an image called "auto" and never runs.
 */
export function imageAutoWithoutInjection(objects: readonly StackObject[]): Finding[] {
  const namespaces = namespaceLabels(objects);
  return gatewayDeployments(objects).filter((d) => containers(d.props).some((c) => c.image === "auto")).flatMap((d) => {
    const pod = podTemplate(d.props);
    const problems: string[] = [];
    if (pod.labels[INJECT_LABEL] === "false") problems.push(`its pods carry ${INJECT_LABEL}: "false", so image: auto is never replaced`);
    else if (!podInjects(pod.labels) && !namespaceInjects(namespaces.get(namespaceOf(d.props)) ?? {})) {
      problems.push(`nothing turns injection on: no ${INJECT_LABEL}: "true" or ${REVISION_LABEL} on its pods, and no injection label on its namespace in this stack`);
    }
    if (!(pod.annotations[TEMPLATES_ANNOTATION] ?? "").split(",").map((t) => t.trim()).includes("gateway")) {
      problems.push(`${TEMPLATES_ANNOTATION} does not name "gateway", so the injector would make its pods sidecars, not a gateway`);
    }
    return problems.map((p) => ({ urn: d.urn, message: `${where(d.props)} runs image: auto, but ${p}` }));
  });
}

/** GatewayRevisionNotPinned: with no revision, the gateway follows whichever control plane is the default one. */
export function revisionNotPinned(objects: readonly StackObject[]): Finding[] {
  const namespaces = namespaceLabels(objects);
  return gatewayDeployments(objects)
    .filter((d) => !(REVISION_LABEL in podTemplate(d.props).labels) && !(REVISION_LABEL in (namespaces.get(namespaceOf(d.props)) ?? {})))
    .map((d) => ({ urn: d.urn, message: `${where(d.props)} names no control-plane revision (${REVISION_LABEL} on its pods or its namespace): it moves to another Istio version whenever the default revision moves` }));
}

/** GatewayPodNotHardened: the hardening the istio/gateway chart gives every gateway pod. */
export function podNotHardened(deployment: Obj): string[] {
  if (!looksLikeGateway(deployment)) return [];
  const problems = containers(deployment).flatMap((c) => {
    const sc = obj(c.securityContext);
    const dropped = obj(sc.capabilities).drop;
    const drop: unknown[] = Array.isArray(dropped) ? dropped : [];
    const name = typeof c.name === "string" ? c.name : "(unnamed)";
    return [
      sc.runAsNonRoot !== PROXY_SECURITY_CONTEXT.runAsNonRoot && `container ${name} does not set runAsNonRoot: true`,
      sc.runAsUser === 0 && `container ${name} runs as root (runAsUser: 0)`,
      sc.allowPrivilegeEscalation !== PROXY_SECURITY_CONTEXT.allowPrivilegeEscalation && `container ${name} does not set allowPrivilegeEscalation: false`,
      sc.privileged === true && `container ${name} is privileged`,
      !drop.includes("ALL") && `container ${name} does not drop ALL capabilities`,
    ].filter((p): p is string => typeof p === "string");
  });
  const sysctls = list(obj(podTemplate(deployment).spec.securityContext).sysctls);
  if (!sysctls.some((s) => s.name === UNPRIVILEGED_PORTS_SYSCTL.name && s.value === UNPRIVILEGED_PORTS_SYSCTL.value)) {
    problems.push(`its pods lack the sysctl ${UNPRIVILEGED_PORTS_SYSCTL.name}=0, so binding ports below 1024 needs root or NET_BIND_SERVICE`);
  }
  return problems.map((p) => `${where(deployment)}: ${p}`);
}

/**
 * OverlappingDeploymentSelectors: two Deployments whose selectors take each other's pods fight over them
 * (Kubernetes forbids overlapping controllers); the classic case is a canary Deployment copied from the stable one.
 */
export function overlappingSelectors(objects: readonly StackObject[]): Finding[] {
  // A Deployment whose selector the stack keeps as the cluster has it is an adopted one (components/core/plan/adopt.ts):
  // istioctl's and the chart's select {app, istio}, which the new revision's pods carry too. The overlap is the old
  // install's, the ReplicaSets' pod-template-hash keeps the pods apart, and promote deletes it.
  const deployments = ofType(objects, DEPLOYMENT).filter((d) => !(d.ignoreChanges ?? []).includes("spec.selector"));
  const findings: Finding[] = [];
  deployments.forEach((a, i) => deployments.slice(i + 1).forEach((b) => {
    if (namespaceOf(a.props) !== namespaceOf(b.props) || !(looksLikeGateway(a.props) || looksLikeGateway(b.props))) return;
    if (selects(matchLabels(a.props), podTemplate(b.props).labels) || selects(matchLabels(b.props), podTemplate(a.props).labels)) {
      findings.push({ urn: b.urn, message: `${where(a.props)} and ${where(b.props)} have overlapping selectors: each can take the other's pods; give each its own label (a revision or track) in its selector` });
    }
  }));
  return findings;
}

/** The pod labels of every Deployment whose pods an Istio Gateway's selector takes. */
function selectedPods(objects: readonly StackObject[], gateway: StackObject): Array<Record<string, string>> {
  const selector = labels(obj(gateway.props.spec).selector);
  return ofType(objects, DEPLOYMENT).map((d) => podTemplate(d.props).labels).filter((l) => selects(selector, l));
}

/** ReferencedResourceNotFound (Istio IST0101): a Gateway whose selector takes no pod configures no proxy. */
export function gatewaySelectsNothing(objects: readonly StackObject[]): Finding[] {
  return ofType(objects, ...ISTIO_GATEWAY_TYPES).filter((g) => selectedPods(objects, g).length === 0).map((g) => ({
    urn: g.urn,
    message: `Gateway ${namespaceOf(g.props)}/${nameOf(g.props)}: its selector ${JSON.stringify(labels(obj(g.props.spec).selector))} matches the pods of no Deployment in this stack, so no proxy serves it`,
  }));
}

/** GatewayPortNotDefinedOnService (Istio IST0162): a server port that no Service in front of the pods forwards to. */
export function portNotOnService(objects: readonly StackObject[]): Finding[] {
  return ofType(objects, ...ISTIO_GATEWAY_TYPES).flatMap((g) => {
    const pods = selectedPods(objects, g);
    if (pods.length === 0) return [];
    const services = ofType(objects, SERVICE).filter((s) => pods.some((p) => selects(labels(obj(s.props.spec).selector), p)));
    // A Service port or its target port, as Istio's IngressGatewayPortAnalyzer accepts (istiod maps one to the other).
    const forwarded = new Set(services.flatMap((s) => list(obj(s.props.spec).ports).flatMap((p) => [p.port, ...(typeof p.targetPort === "number" ? [p.targetPort] : [])])));
    const ports = [...new Set(list(obj(g.props.spec).servers).map((s) => obj(s.port).number).filter((n): n is number => typeof n === "number"))];
    return ports.filter((n) => !forwarded.has(n)).map((n) => ({
      urn: g.urn,
      message: `Gateway ${namespaceOf(g.props)}/${nameOf(g.props)}: port ${n} is not forwarded by any Service in front of its pods (${services.map((s) => nameOf(s.props)).join(", ") || "none"}), so nothing reaches that server`,
    }));
  });
}

/** GatewayWithoutDisruptionBudget: a node drain may take every pod of a gateway at once without a PodDisruptionBudget. */
export function withoutDisruptionBudget(objects: readonly StackObject[]): Finding[] {
  const budgets = ofType(objects, PDB);
  return gatewayDeployments(objects).filter((d) => {
    const replicas = obj(d.props.spec).replicas;
    if (typeof replicas !== "number" || replicas <= 1) return false;
    const pod = podTemplate(d.props).labels;
    return !budgets.some((b) => namespaceOf(b.props) === namespaceOf(d.props) && selects(matchLabels(b.props), pod));
  }).map((d) => ({ urn: d.urn, message: `${where(d.props)} runs ${String(obj(d.props.spec).replicas)} pods and no PodDisruptionBudget in this stack covers them: a node drain may evict them all at once` }));
}

/** Annotations that keep a cloud load balancer off the internet. */
const INTERNAL = [
  ["service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"],
  ["service.beta.kubernetes.io/aws-load-balancer-internal", "true"],
  ["networking.gke.io/load-balancer-type", "Internal"],
  ["cloud.google.com/load-balancer-type", "Internal"],
  ["service.beta.kubernetes.io/azure-load-balancer-internal", "true"],
];

/**
 * LoadBalancerOpenToTheWorld: a gateway's LoadBalancer Service (its selector has Istio's `istio` key) that neither
 * states who may reach it (loadBalancerSourceRanges, even 0.0.0.0/0 on purpose) nor is internal.
 */
export function openLoadBalancer(service: Obj): string[] {
  const spec = obj(service.spec);
  if (spec.type !== "LoadBalancer" || !("istio" in labels(spec.selector))) return [];
  const annotations = labels(obj(service.metadata).annotations);
  if (Array.isArray(spec.loadBalancerSourceRanges) && spec.loadBalancerSourceRanges.length > 0) return [];
  if (INTERNAL.some(([k, v]) => annotations[k]?.toLowerCase() === v.toLowerCase())) return [];
  return [`Service ${namespaceOf(service)}/${nameOf(service)} is a LoadBalancer open to the internet: state loadBalancerSourceRanges (0.0.0.0/0 if that is the intent) or make it internal`];
}

const COMPONENT = "istio-gateway:index:IstioGateway";

/**
 * CanarySplitMismatch: an IstioGateway's Deployments must run the pods its split output says, and that split must
 * be the one the canary arithmetic gives for the requested weight (components/core/model/canary.ts).
 */
export function canarySplitMismatch(objects: readonly StackObject[]): Finding[] {
  return ofType(objects, COMPONENT).flatMap((component) => {
    const split = list(component.props.split);
    if (split.length === 0) return [];
    const total = split.reduce((n, t) => n + (typeof t.pods === "number" ? t.pods : 0), 0);
    const canary = split.find((t) => t.role === "canary");
    const findings: string[] = [];
    if (canary && typeof canary.requestedPercent === "number" && total >= 1 && !split.some((t) => typeof t.maxPods === "number")) {
      const want = splitReplicas(total, canary.requestedPercent);
      if (canary.pods !== want.canary) findings.push(`its split puts ${String(canary.pods)} of ${total} pods on the canary at ${canary.requestedPercent}%, where the plan gives ${want.canary}`);
    }
    const children = ofType(objects, DEPLOYMENT).filter((d) => d.parent === component.urn);
    for (const track of split) {
      const deployment = children.find((d) => nameOf(d.props) === `${component.name}-${String(track.revision)}`);
      const replicas = deployment ? obj(deployment.props.spec).replicas : undefined;
      if (deployment && typeof replicas === "number" && replicas !== track.pods) {
        findings.push(`Deployment ${nameOf(deployment.props)} runs ${replicas} pods where the split says ${String(track.pods)}`);
      }
    }
    return findings.map((message) => ({ urn: component.urn, message: `IstioGateway ${component.name}: ${message}` }));
  });
}
