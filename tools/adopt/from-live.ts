/**
 * A gateway's stack-file entry written from the objects of a running install (`kubectl get … -o yaml`), so that
 * nobody transcribes names, labels, ports and annotations by hand; and every reason the install cannot be taken
 * over, said before anything changes. Pure: objects in, the entry and notes out.
 */
import { DEFAULT_STEPS, gatewayLabels, selects, splitReplicas, STATUS_PORT } from "../../components/core";
import { isDeepStrictEqual } from "util";
import { UserError } from "../engine/errors";

export class AdoptRefused extends UserError {}

/** A Kubernetes object as `kubectl get -o yaml` prints it; only what is read here is typed. */
export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

export interface AdoptRequest {
  /** The gateway's name in the stack file; its Service has this name. */
  gateway: string;
  namespace: string;
  /** The revision the new pods run (the canary that retires the adopted Deployment). */
  revision: string;
  /** The Deployment to retire, when the Service's selector takes several. */
  deployment?: string;
  /** The Istio Gateway to keep, when several select the pods. */
  istioGateway?: string;
}

export interface Adopted {
  /** The gateway's stack-file entry. */
  entry: Record<string, unknown>;
  /** What a reviewer should know (left unmanaged, adjusted). */
  notes: string[];
}

type Labels = Record<string, string>;

const obj = (v: unknown) => (typeof v === "object" && v !== null ? v as Record<string, unknown> : {});
const show = (l: Labels) => JSON.stringify(l);

// Written by installers about themselves, or by Kubernetes: the stack has no business owning them.
const INSTALLER_ANNOTATIONS = /^(kubectl\.kubernetes\.io\/|meta\.helm\.sh\/|deployment\.kubernetes\.io\/|install\.operator\.istio\.io\/|operator\.istio\.io\/)/;

function find(objects: readonly LiveObject[], kind: string, name: string): LiveObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function ofKind(objects: readonly LiveObject[], kind: string, apiGroup?: string): LiveObject[] {
  return objects.filter((o) => o.kind === kind && (apiGroup === undefined || o.apiVersion.startsWith(`${apiGroup}/`)));
}

function podLabelsOf(d: LiveObject): Labels {
  return obj(obj(obj(d.spec).template).metadata).labels as Labels ?? {};
}

function matchLabelsOf(d: LiveObject): Labels {
  const selector = obj(obj(d.spec).selector);
  if (selector.matchExpressions !== undefined) {
    throw new AdoptRefused(`${d.kind} ${d.metadata.name} selects with matchExpressions; only matchLabels can be written back as they are`);
  }
  return (selector.matchLabels as Labels) ?? {};
}

/** The Service, which keeps its name, ClusterIP, node ports and load-balancer address. */
function serviceEntry(req: AdoptRequest, objects: readonly LiveObject[]): { service: Record<string, unknown>; selector: Labels } {
  const svc = find(objects, "Service", req.gateway);
  if (!svc) {
    const names = ofKind(objects, "Service").map((s) => s.metadata.name);
    throw new AdoptRefused(`no Service "${req.gateway}" in namespace ${req.namespace} (Services there: ${names.join(", ") || "none"}); the gateway is named after the Service it keeps: --gateway <its name>`);
  }
  const spec = obj(svc.spec);
  const selector = (spec.selector as Labels) ?? {};
  const ours = gatewayLabels(req.gateway);
  if (spec.type === "ExternalName" || spec.clusterIP === "None") {
    throw new AdoptRefused(`Service ${req.gateway} is ${spec.type === "ExternalName" ? "an ExternalName" : "headless"}; a gateway's Service has a ClusterIP that clients reach, so it cannot be adopted`);
  }
  if (!isDeepStrictEqual(selector, ours)) {
    throw new AdoptRefused(`Service ${req.gateway} selects ${show(selector)}, and a gateway named "${req.gateway}" runs pods labelled ${show(ours)}: `
      + "its selector would change and leave the running pods behind. It can only be adopted by a gateway whose labels are its selector (app: <name>, istio: <name without \"istio-\">)");
  }
  const ports = (spec.ports as Array<Record<string, unknown>> ?? []).filter((p) => p.port !== STATUS_PORT.port);
  for (const p of ports) {
    if ((p.protocol ?? "TCP") !== "TCP") throw new AdoptRefused(`Service ${req.gateway} port ${String(p.name)} is ${String(p.protocol)}; gateways serve TCP`);
    if (typeof p.targetPort === "string") throw new AdoptRefused(`Service ${req.gateway} port ${String(p.name)} targets the named port "${p.targetPort}"; write it as a number in the Service first`);
  }
  const annotations = Object.fromEntries(Object.entries(svc.metadata.annotations ?? {}).filter(([k]) => !INSTALLER_ANNOTATIONS.test(k)));
  const copied = ["loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass", "externalIPs"].filter((k) => spec[k] !== undefined);
  return {
    selector,
    service: {
      type: spec.type ?? "ClusterIP",
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port })),
      ...(Object.keys(annotations).length > 0 && { annotations }),
      ...Object.fromEntries(copied.map((k) => [k, spec[k]])),
      // "Cluster" is the default, written only when it is not.
      ...(spec.externalTrafficPolicy === "Local" && { externalTrafficPolicy: "Local" }),
    },
  };
}

/** The Deployment the Service sends traffic to now: the one the canary retires. */
function pickDeployment(req: AdoptRequest, objects: readonly LiveObject[], selector: Labels): LiveObject {
  const deployments = ofKind(objects, "Deployment");
  if (req.deployment !== undefined) {
    const named = find(objects, "Deployment", req.deployment);
    if (!named) throw new AdoptRefused(`no Deployment "${req.deployment}" in namespace ${req.namespace} (Deployments there: ${deployments.map((d) => d.metadata.name).join(", ") || "none"})`);
    if (!selects(selector, podLabelsOf(named))) throw new AdoptRefused(`Deployment ${req.deployment}'s pods are not behind Service ${req.gateway} (it selects ${show(selector)}); adopt the Deployment that serves`);
    return named;
  }
  const serving = deployments.filter((d) => selects(selector, podLabelsOf(d)));
  if (serving.length === 1) return serving[0];
  if (serving.length === 0) throw new AdoptRefused(`no Deployment in ${req.namespace} runs pods that Service ${req.gateway} selects (${show(selector)}); there is nothing to carry the traffic while the canary grows`);
  throw new AdoptRefused(`Deployments ${serving.map((d) => d.metadata.name).join(", ")} all serve behind Service ${req.gateway}; name the one to retire with --deployment (the others stay as they are)`);
}

/** Pod count: the Deployment's, or its HPA's bounds, which then stay the HPA's (adopted with it). */
function sizing(objects: readonly LiveObject[], deployment: LiveObject): { size: Record<string, unknown>; hpa?: string; pods: number } {
  const hpa = ofKind(objects, "HorizontalPodAutoscaler").find((h) => {
    const target = obj(obj(h.spec).scaleTargetRef);
    return target.kind === "Deployment" && target.name === deployment.metadata.name;
  });
  if (!hpa) {
    const replicas = (obj(deployment.spec).replicas as number | undefined) ?? 1;
    return { size: { replicas }, pods: replicas };
  }
  const spec = obj(hpa.spec);
  const metrics = (spec.metrics as Array<Record<string, unknown>> | undefined) ?? [];
  const target = (name: string) => {
    const m = metrics.find((x) => x.type === "Resource" && obj(x.resource).name === name);
    return obj(obj(obj(m).resource).target).averageUtilization as number | undefined;
  };
  const cpu = target("cpu");
  if (cpu === undefined) throw new AdoptRefused(`HPA ${hpa.metadata.name} scales ${deployment.metadata.name} on no CPU utilization target; the gateway's autoscaling needs one`);
  const memory = target("memory");
  const min = (spec.minReplicas as number | undefined) ?? 1;
  return {
    size: { autoscaling: { minReplicas: min, maxReplicas: spec.maxReplicas, targetCPUUtilizationPercentage: cpu, ...(memory !== undefined && { targetMemoryUtilizationPercentage: memory }) } },
    hpa: hpa.metadata.name,
    pods: min,
  };
}

/** The Istio Gateway that selects the pods, kept under its own name with its selector and servers as they are. */
function gatewayEntry(req: AdoptRequest, objects: readonly LiveObject[], pods: Labels): { entry: Record<string, unknown>; name?: string; notes: string[] } {
  const gateways = ofKind(objects, "Gateway", "networking.istio.io");
  const list = req.istioGateway !== undefined ? gateways.filter((g) => g.metadata.name === req.istioGateway)
    : gateways.filter((g) => selects((obj(g.spec).selector as Labels) ?? {}, pods));
  if (req.istioGateway !== undefined && list.length === 0) throw new AdoptRefused(`no Istio Gateway "${req.istioGateway}" in namespace ${req.namespace} (there: ${gateways.map((g) => g.metadata.name).join(", ") || "none"})`);
  if (list.length > 1) throw new AdoptRefused(`Istio Gateways ${list.map((g) => g.metadata.name).join(", ")} all select these pods; name the one the gateway keeps with --istio-gateway (the others stay as they are)`);
  if (list.length === 0) {
    return { entry: {}, notes: [`no Istio Gateway in ${req.namespace} selects these pods: the gateway creates ${req.namespace}/${req.gateway} with the default server (port 80, every host); Gateways elsewhere keep selecting the new pods, which carry ${show(gatewayLabels(req.gateway))}`] };
  }
  const g = list[0];
  const spec = obj(g.spec);
  const selector = (spec.selector as Labels) ?? {};
  const servers = ((spec.servers as Array<Record<string, unknown>>) ?? []).map((s) => ({
    ...s,
    // A bare host means any namespace to Istio; written as "*/host" the planner keeps it exactly as it is.
    hosts: ((s.hosts as string[]) ?? []).map((h) => (h.includes("/") ? h : `*/${h}`)),
  }));
  const sameSelector = isDeepStrictEqual(selector, gatewayLabels(req.gateway));
  return {
    name: g.metadata.name,
    entry: {
      ...(g.metadata.name !== req.gateway && { istioGatewayName: g.metadata.name }),
      ...(!sameSelector && { gatewaySelector: selector }),
      servers,
    },
    notes: [],
  };
}

/** ServiceAccount, Role and RoleBinding: under the gateway's own names they are kept; the old pods' others retire. */
function identity(req: AdoptRequest, objects: readonly LiveObject[], deployment: LiveObject): { existing: string[]; retire: string[] } {
  const existing = ["ServiceAccount", "Role", "RoleBinding"].filter((k) => find(objects, k, req.gateway));
  const account = (obj(obj(obj(deployment.spec).template).spec).serviceAccountName as string | undefined) ?? "default";
  const retire: string[] = [];
  // The namespace's default account and what binds it belong to the namespace, not to the old install.
  if (account === req.gateway || account === "default") return { existing, retire };
  if (find(objects, "ServiceAccount", account)) retire.push(`ServiceAccount/${account}`);
  for (const binding of ofKind(objects, "RoleBinding")) {
    if (binding.metadata.name === req.gateway) continue;
    if (!(binding.subjects ?? []).some((s) => s.kind === "ServiceAccount" && s.name === account)) continue;
    retire.push(`RoleBinding/${binding.metadata.name}`);
    const role = binding.roleRef?.kind === "Role" ? binding.roleRef.name : undefined;
    if (role !== undefined && role !== req.gateway && find(objects, "Role", role) && !retire.includes(`Role/${role}`)) retire.push(`Role/${role}`);
  }
  return { existing, retire };
}

/**
 * Canary steps a gateway of `pods` pods can tell apart: the default steps at the share whole pods give, each once.
 * One pod cannot be split: it moves in one step, the new pod ready before the old one goes.
 */
export function adoptionSteps(pods: number): number[] {
  if (pods < 2) return [100];
  const steps = DEFAULT_STEPS.map((w) => Math.round(splitReplicas(pods, w).achievedPercent));
  return steps.filter((s, i) => steps.indexOf(s) === i);
}

export function adoptFromLive(req: AdoptRequest, all: readonly LiveObject[]): Adopted {
  const objects = all.filter((o) => (o.metadata.namespace ?? req.namespace) === req.namespace);
  const { service, selector } = serviceEntry(req, objects);
  const deployment = pickDeployment(req, objects, selector);
  const pods = podLabelsOf(deployment);
  const { size, hpa, pods: count } = sizing(objects, deployment);
  const gateway = gatewayEntry(req, objects, pods);
  const { existing, retire } = identity(req, objects, deployment);
  const budgets = ofKind(objects, "PodDisruptionBudget").filter((b) => selects(matchLabelsOf(b), pods)).map((b) => `PodDisruptionBudget/${b.metadata.name}`);
  const notes = [...gateway.notes];
  if (hpa && selects(matchLabelsOf(deployment), { ...gatewayLabels(req.gateway) })) {
    notes.push(`${deployment.metadata.name}'s selector ${show(matchLabelsOf(deployment))} also takes the new revision's pods: until promote, Kubernetes' HPA controller reports AmbiguousSelector and scales neither Deployment on CPU (it still keeps each within its HPA's bounds)`);
  }
  if (count < 2) notes.push(`${deployment.metadata.name} runs ${count} pod: the canary moves in one step (new pod ready, then the old one goes); raise ${hpa ? "autoscaling.minReplicas" : "replicas"} to 2 first for a gradual move`);
  return {
    entry: {
      namespace: req.namespace,
      ...size,
      service,
      ...gateway.entry,
      // previousWeight 0: what runs is all on the adopted Deployment, so the first move grows the canary.
      canary: { revision: req.revision, weight: 0, steps: adoptionSteps(count), previousWeight: 0 },
      adopt: {
        existing: ["Service", ...existing, ...(gateway.name ? ["IstioGateway"] : [])],
        deployment: { name: deployment.metadata.name, selector: matchLabelsOf(deployment), ...(hpa && { horizontalPodAutoscaler: hpa }) },
        ...([...budgets, ...retire].length > 0 && { retire: [...budgets, ...retire] }),
      },
    },
    notes,
  };
}
