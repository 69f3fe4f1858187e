/**
 * The invariants every rendered stack must hold, checked on plain manifests (as render prints them). Returns
 * the violations, so a failing test shows all of them at once.
 */
import { Manifest } from "../../tools/manifest";
import { bestCanaryPodsBySearch } from "./oracle";

type Labels = Record<string, string>;
// Rendered objects are checked as untyped JSON, the way a cluster receives them.
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the stack file asked of one gateway, to check the split against. */
export interface Expected {
  namespace: string;
  replicas: number;
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
  const gateway = of(objs, "Gateway", ns).find((g) => g.metadata.name === name);
  const service = of(objs, "Service", ns).find((s) => s.metadata.name === name);
  if (!gateway || !service || deployments.length === 0) return [`${name}: missing Gateway, Service or Deployments`];
  if (gateway.apiVersion !== "networking.istio.io/v1") out.push(`${name}: Gateway apiVersion ${gateway.apiVersion}`);
  for (const d of deployments) {
    const pod = d.spec.template;
    const labels: Labels = pod.metadata.labels;
    const track = d.spec.selector.matchLabels[TRACK];
    if (!selects(gateway.spec.selector, labels)) out.push(`${name}: Gateway does not select ${d.metadata.name}`);
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
  for (const s of gateway.spec.servers) {
    if (!targetPorts.has(s.port.number)) out.push(`${name}: Gateway port ${s.port.number} is not a Service target port`);
  }
  out.push(...splitViolations(name, deployments, exp));
  return out;
}

function rbacViolations(objs: Obj[], ns: string, sa: string, who: string): string[] {
  if (!sa || sa === "default") return [`${who}: runs as the default ServiceAccount`];
  const binding = of(objs, "RoleBinding", ns).find((b) => b.subjects.some((s: Obj) => s.kind === "ServiceAccount" && s.name === sa));
  const role = binding && of(objs, "Role", ns).find((r) => r.metadata.name === binding.roleRef.name);
  const canRead = role?.rules.some((r: Obj) => r.resources.includes("secrets") && ["get", "watch", "list"].every((v) => r.verbs.includes(v)));
  return canRead ? [] : [`${who}: ServiceAccount ${sa} is not bound to a Role that reads secrets`];
}

function splitViolations(name: string, deployments: Obj[], exp: Expected): string[] {
  const replicasOf = (rev: string | undefined) =>
    deployments.find((d) => d.spec.selector.matchLabels[TRACK] === (rev ?? "default"))?.spec.replicas;
  const total = deployments.reduce((n, d) => n + d.spec.replicas, 0);
  const out = total === exp.replicas ? [] : [`${name}: replicas sum to ${total}, expected ${exp.replicas}`];
  if (exp.canary) {
    const want = bestCanaryPodsBySearch(exp.replicas, exp.canary.weight);
    if (replicasOf(exp.canary.revision) !== want) out.push(`${name}: canary has ${replicasOf(exp.canary.revision)} pods, optimum ${want}`);
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
export function expectedFrom(gateways: Record<string, Record<string, any>>): Record<string, Expected> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.fromEntries(Object.entries(gateways).map(([name, g]) => [name, {
    namespace: g.namespace,
    replicas: g.replicas ?? 2,
    revision: g.revision,
    canary: g.canary && { revision: g.canary.revision, weight: g.canary.weight ?? 0 },
  }]));
}
