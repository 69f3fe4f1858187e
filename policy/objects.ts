/**
 * Kubernetes objects as a policy sees them: plain values of any shape (a hand-written program, a Helm chart's
 * render, this component), read defensively. Which Deployments are Istio gateways, what their pods carry, and
 * which objects select which pods.
 */
import { INJECT_LABEL, REVISION_LABEL, TEMPLATES_ANNOTATION } from "../components/core";

export type Obj = Record<string, unknown>;
export type Labels = Record<string, string>;

/** A resource of the stack, as a stack policy gets it: its Pulumi type, name, URN, parent and properties. */
export interface StackObject {
  type: string;
  name: string;
  urn: string;
  parent?: string;
  props: Obj;
  /** The resource's ignoreChanges: paths the stack keeps as the cluster has them (an adopted Deployment's). */
  ignoreChanges?: string[];
}

export function obj(value: unknown): Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

export function list(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

export function labels(value: unknown): Labels {
  return Object.fromEntries(Object.entries(obj(value)).filter(([, v]) => typeof v === "string")) as Labels;
}

export function nameOf(o: Obj): string {
  const name = obj(o.metadata).name;
  return typeof name === "string" ? name : "(unnamed)";
}

/** The provider's default namespace is "default" unless the provider says otherwise; "default" is the usual case. */
export function namespaceOf(o: Obj): string {
  const ns = obj(o.metadata).namespace;
  return typeof ns === "string" && ns !== "" ? ns : "default";
}

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const SERVICE = "kubernetes:core/v1:Service";
export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
/** The Istio Gateway under each API version a program may use. */
export const ISTIO_GATEWAY_TYPES = ["v1", "v1beta1", "v1alpha3"].map((v) => `kubernetes:networking.istio.io/${v}:Gateway`);

export function podTemplate(deployment: Obj): { labels: Labels; annotations: Labels; spec: Obj } {
  const template = obj(obj(deployment.spec).template);
  const meta = obj(template.metadata);
  return { labels: labels(meta.labels), annotations: labels(meta.annotations), spec: obj(template.spec) };
}

export function containers(deployment: Obj): Obj[] {
  return list(podTemplate(deployment).spec.containers);
}

/**
 * An Istio gateway Deployment by what Istio itself keys on: the `gateway` injection template, an `istio: …` pod
 * label (the chart's and istioctl's selector), or a container with `image: auto` (the injector's placeholder).
 */
export function looksLikeGateway(deployment: Obj): boolean {
  const pod = podTemplate(deployment);
  return (pod.annotations[TEMPLATES_ANNOTATION] ?? "").split(",").map((t) => t.trim()).includes("gateway")
    || "istio" in pod.labels
    || containers(deployment).some((c) => c.image === "auto");
}

/** Whether `selector` (matchLabels-style) selects pods with `podLabels`; an empty selector selects nothing here. */
export function selects(selector: Labels, podLabels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => podLabels[k] === v);
}

/** A Deployment's `spec.selector.matchLabels` (the only form the checks compare; expressions are left alone). */
export function matchLabels(o: Obj): Labels {
  return labels(obj(obj(o.spec).selector).matchLabels);
}

/** A namespace label that turns injection on for every pod in it. */
export function namespaceInjects(nsLabels: Labels): boolean {
  return nsLabels["istio-injection"] === "enabled" || REVISION_LABEL in nsLabels;
}

/** Pod labels that turn injection on for the pod itself. */
export function podInjects(podLabels: Labels): boolean {
  return podLabels[INJECT_LABEL] === "true" || REVISION_LABEL in podLabels;
}
