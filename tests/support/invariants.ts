/**
 * The invariants every rendered stack must hold, checked on plain manifests (as render prints them). Returns
 * the violations, so a failing test shows all of them at once.
 */
import { Manifest } from "../../tools/engine/manifest";
import { bestCanaryPodsBySearch } from "./oracle";

type Labels = Record<string, string>;
// Rendered objects are checked as untyped JSON, the way a cluster receives them.
type Obj = any;

/** What the stack file asked of one gateway, to check the split against. */
export interface Expected {
  namespace: string;
  /** Fixed pods, or with autoscaling the HPAs' minimum. */
  replicas: number;
  /** With autoscaling, the HPAs' maximum. */
  maxReplicas?: number;
  trafficShifting?: string;
  /** istio (the default), gateway-api or both. */
  routingApi?: string;
  revision?: string;
  canary?: { revision: string; weight: number };
}

const TRACK = "pulumi-istio-gateway/track";

function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function of(objs: Obj[], kind: string, namespace?: string): Obj[] {
  return objs.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
}

export function violations(manifests: Manifest[], expected: Record<string, Expected>): string[] {
  const objs = manifests as Obj[];
  const out: string[] = [];
  for (const ns of of(objs, "Namespace")) {
    const labels: Labels = ns.metadata.labels ?? {};
    if ("istio-injection" in labels || "istio.io/rev" in labels) out.push(`namespace ${ns.metadata.name} carries an injection label`);
  }
  for (const [name, exp] of Object.entries(expected)) out.push(...gatewayViolations(objs, name, exp));
  out.push(...overlappingSelectors(objs));
  return out;
}

function gatewayViolations(objs: Obj[], name: string, exp: Expected): string[] {
  const out: string[] = [];
  const ns = exp.namespace;
  const deployments = of(objs, "Deployment", ns).filter((d) => d.metadata.labels?.["app.kubernetes.io/name"] === name);
  const gateways = of(objs, "Gateway", ns).filter((g) => g.metadata.name === name);
  const gateway = gateways.find((g) => g.apiVersion.startsWith("networking.istio.io/"));
  const kubernetesGateway = gateways.find((g) => g.apiVersion.startsWith("gateway.networking.k8s.io/"));
  for (const h of of(objs, "HorizontalPodAutoscaler", ns).filter((x) => x.metadata.labels?.["app.kubernetes.io/name"] === name)) {
    if (!deployments.some((d) => d.metadata.name === h.spec.scaleTargetRef.name)) out.push(`${h.metadata.name}: scales no Deployment of ${name}`);
  }
  const service = of(objs, "Service", ns).find((s) => s.metadata.name === name);
  const routing = exp.routingApi ?? "istio";
  if (!service || deployments.length === 0) return [`${name}: missing Service or Deployments`];
  if ((gateway !== undefined) !== (routing !== "gateway-api")) return [`${name}: Istio Gateway ${gateway ? "present" : "missing"} with routingApi ${routing}`];
  if ((kubernetesGateway !== undefined) !== (routing !== "istio")) return [`${name}: Gateway API Gateway ${kubernetesGateway ? "present" : "missing"} with routingApi ${routing}`];
  if (gateway && gateway.apiVersion !== "networking.istio.io/v1") out.push(`${name}: Gateway apiVersion ${gateway.apiVersion}`);
  if (kubernetesGateway) out.push(...kubernetesGatewayViolations(kubernetesGateway, service));
  for (const d of deployments) {
    const pod = d.spec.template;
    const labels: Labels = pod.metadata.labels;
    const track = d.spec.selector.matchLabels[TRACK];
    if (gateway && !selects(gateway.spec.selector, labels)) out.push(`${name}: Gateway does not select ${d.metadata.name}`);
    if (!selects(service.spec.selector, labels)) out.push(`${name}: Service does not select ${d.metadata.name}`);
    if (!selects(d.spec.selector.matchLabels, labels)) out.push(`${d.metadata.name}: selector does not match its own pods`);
    if (pod.metadata.annotations?.["inject.istio.io/templates"] !== "gateway") out.push(`${d.metadata.name}: no gateway injection template`);
    const proxy = pod.spec.containers.find((c: Obj) => c.name === "istio-proxy");
    if (proxy?.image !== "auto") out.push(`${d.metadata.name}: istio-proxy is not image: auto`);
    const rev = labels["istio.io/rev"];
    if (track === "default" ? rev !== undefined || labels["sidecar.istio.io/inject"] !== "true" : rev !== track) {
      out.push(`${d.metadata.name}: revision label ${rev} does not match track ${track}`);
    }
    out.push(...rbacViolations(objs, ns, pod.spec.serviceAccountName, d.metadata.name));
  }
  const targetPorts = new Set(service.spec.ports.map((p: Obj) => p.targetPort));
  if (!targetPorts.has(15021)) out.push(`${name}: Service has no status port 15021`);
  for (const s of gateway?.spec.servers ?? []) {
    if (!targetPorts.has(s.port.number)) out.push(`${name}: Gateway port ${s.port.number} is not a Service target port`);
  }
  out.push(...splitViolations(name, deployments, hpasOf(objs, ns, deployments), exp));
  out.push(...budgetViolations(objs, ns, deployments, hpasOf(objs, ns, deployments)));
  if (exp.trafficShifting === "external") out.push(...trackServiceViolations(objs, ns, name, deployments));
  return out;
}

/**
 * A Gateway API Gateway binds to the Service it names (one Hostname address, Istio's manual deployment), and
 * each listener's port is one of that Service's ports; listener names and port/protocol/hostname are unique.
 */
function kubernetesGatewayViolations(gw: Obj, service: Obj): string[] {
  const out: string[] = [];
  const name = gw.metadata.name;
  const host = `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
  if (JSON.stringify(gw.spec.addresses) !== JSON.stringify([{ type: "Hostname", value: host }])) out.push(`${name}: Gateway API Gateway is not bound to ${host}`);
  const ports = new Set(service.spec.ports.map((p: Obj) => p.port));
  const seen = new Set<string>();
  for (const l of gw.spec.listeners) {
    if (!ports.has(l.port)) out.push(`${name}: listener ${l.name} port ${l.port} is not a Service port`);
    for (const key of [`name ${l.name}`, `${l.port}/${l.protocol}/${l.hostname ?? ""}`]) {
      if (seen.has(key)) out.push(`${name}: two listeners with ${key}`);
      seen.add(key);
    }
  }
  return out;
}

function hpasOf(objs: Obj[], ns: string, deployments: Obj[]): Map<Obj, Obj> {
  const hpas = new Map<Obj, Obj>();
  for (const h of of(objs, "HorizontalPodAutoscaler", ns)) {
    const target = deployments.find((d) => d.metadata.name === h.spec.scaleTargetRef.name && h.spec.scaleTargetRef.kind === "Deployment");
    if (target) hpas.set(target, h);
  }
  return hpas;
}

/** A budget per track that can run more than one pod, selecting exactly that track; none that could block a drain. */
function budgetViolations(objs: Obj[], ns: string, deployments: Obj[], hpas: Map<Obj, Obj>): string[] {
  const out: string[] = [];
  const pdbs = of(objs, "PodDisruptionBudget", ns);
  for (const d of deployments) {
    const most = hpas.get(d)?.spec.maxReplicas ?? d.spec.replicas;
    const mine = pdbs.filter((p) => selects(p.spec.selector.matchLabels, d.spec.template.metadata.labels));
    if (mine.length !== (most > 1 ? 1 : 0)) out.push(`${d.metadata.name}: ${mine.length} disruption budgets for up to ${most} pods`);
    for (const p of mine) {
      if (deployments.some((o) => o !== d && selects(p.spec.selector.matchLabels, o.spec.template.metadata.labels))) out.push(`${p.metadata.name}: budget spans tracks`);
      if (p.spec.maxUnavailable === 0 || p.spec.minAvailable === most || p.spec.minAvailable === "100%") out.push(`${p.metadata.name}: budget blocks drains`);
    }
  }
  return out;
}

/** External traffic shifting: each track has its own Service that selects only its pods. */
function trackServiceViolations(objs: Obj[], ns: string, name: string, deployments: Obj[]): string[] {
  const out: string[] = [];
  for (const d of deployments) {
    const svc = of(objs, "Service", ns).find((s) => s.metadata.name === d.metadata.name);
    if (!svc) { out.push(`${d.metadata.name}: no Service of its own`); continue; }
    for (const o of deployments) {
      if (selects(svc.spec.selector, o.spec.template.metadata.labels) !== (o === d)) out.push(`${svc.metadata.name}: selects the wrong tracks`);
    }
    if (!svc.spec.ports.some((p: Obj) => p.targetPort === 15021)) out.push(`${svc.metadata.name}: no status port`);
  }
  return out;
}

function rbacViolations(objs: Obj[], ns: string, sa: string, who: string): string[] {
  if (!sa || sa === "default") return [`${who}: runs as the default ServiceAccount`];
  const binding = of(objs, "RoleBinding", ns).find((b) => b.subjects.some((s: Obj) => s.kind === "ServiceAccount" && s.name === sa));
  const role = binding && of(objs, "Role", ns).find((r) => r.metadata.name === binding.roleRef.name);
  const canRead = role?.rules.some((r: Obj) => r.resources.includes("secrets") && ["get", "watch", "list"].every((v) => r.verbs.includes(v)));
  return canRead ? [] : [`${who}: ServiceAccount ${sa} is not bound to a Role that reads secrets`];
}

function splitViolations(name: string, deployments: Obj[], hpas: Map<Obj, Obj>, exp: Expected): string[] {
  const out: string[] = [];
  const podsOf = (d: Obj) => {
    const hpa = hpas.get(d);
    if (hpa && d.spec.replicas !== undefined) out.push(`${d.metadata.name}: carries spec.replicas although an HPA scales it`);
    if (!hpa && d.spec.replicas === undefined) out.push(`${d.metadata.name}: no replicas and no HPA`);
    return { min: hpa?.spec.minReplicas ?? d.spec.replicas ?? 0, max: hpa?.spec.maxReplicas ?? d.spec.replicas ?? 0 };
  };
  const track = (rev: string | undefined) => deployments.find((d) => d.spec.selector.matchLabels[TRACK] === (rev ?? "default"));
  const total = deployments.reduce((n, d) => n + podsOf(d).min, 0);
  if (total !== exp.replicas) out.push(`${name}: replicas sum to ${total}, expected ${exp.replicas}`);
  const canary = exp.canary && track(exp.canary.revision);
  if (exp.canary && canary) {
    const want = bestCanaryPodsBySearch(exp.replicas, exp.canary.weight);
    if (podsOf(canary).min !== want) out.push(`${name}: canary has ${podsOf(canary).min} pods, optimum ${want}`);
  } else if (exp.canary) out.push(`${name}: no canary Deployment`);
  if (exp.maxReplicas !== undefined) {
    const maxTotal = deployments.reduce((n, d) => n + podsOf(d).max, 0);
    if (maxTotal !== exp.maxReplicas) out.push(`${name}: maxima sum to ${maxTotal}, expected ${exp.maxReplicas}`);
    if (exp.canary && canary) {
      const cap = bestCanaryPodsBySearch(exp.maxReplicas, exp.canary.weight);
      if (podsOf(canary).max !== cap) out.push(`${name}: canary may scale to ${podsOf(canary).max}, its share is ${cap}`);
    }
  }
  return out;
}

/** No Deployment's selector may select another Deployment's pods (Kubernetes forbids overlapping controllers). */
function overlappingSelectors(objs: Obj[]): string[] {
  const out: string[] = [];
  const deployments = of(objs, "Deployment");
  for (const a of deployments) for (const b of deployments) {
    if (a !== b && a.metadata.namespace === b.metadata.namespace && selects(a.spec.selector.matchLabels, b.spec.template.metadata.labels)) {
      out.push(`${a.metadata.name} selects the pods of ${b.metadata.name}`);
    }
  }
  return out;
}

/** Expected values straight from a stack file's gateways map (defaults as documented). */
export function expectedFrom(gateways: Record<string, Record<string, any>>): Record<string, Expected> {
  return Object.fromEntries(Object.entries(gateways).map(([name, g]) => [name, {
    namespace: g.namespace,
    replicas: g.autoscaling ? g.autoscaling.minReplicas ?? 2 : g.replicas ?? 2,
    ...(g.autoscaling && { maxReplicas: g.autoscaling.maxReplicas ?? Math.max(5, g.autoscaling.minReplicas ?? 2) }),
    trafficShifting: g.trafficShifting,
    routingApi: g.routingApi,
    revision: g.revision,
    canary: g.canary && { revision: g.canary.revision, weight: g.canary.weight ?? 0 },
  }]));
}
