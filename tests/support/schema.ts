/**
 * Schema validation of rendered objects with kubernetes-models (the Kubernetes OpenAPI schemas) and
 * @kubernetes-models/istio (Istio's CRD schemas). The Istio package knows v1beta1 Gateways only; v1 has the
 * same schema (Istio promoted it unchanged), so a v1 Gateway is checked as v1beta1. Gateway API objects are
 * checked with @kubernetes-models/gateway-api (0.5: the v1 schemas; its 2.x needs Node 22).
 */
import { Manifest } from "../../tools/engine/manifest";

interface Model { validate(): void }
type ModelClass = new (data: object) => Model;

const MODELS: Record<string, () => ModelClass> = {
  "v1/Namespace": () => require("kubernetes-models/v1/Namespace").Namespace,
  "v1/ServiceAccount": () => require("kubernetes-models/v1/ServiceAccount").ServiceAccount,
  "v1/Service": () => require("kubernetes-models/v1/Service").Service,
  "rbac.authorization.k8s.io/v1/Role": () => require("kubernetes-models/rbac.authorization.k8s.io/v1/Role").Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": () => require("kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding").RoleBinding,
  "apps/v1/Deployment": () => require("kubernetes-models/apps/v1/Deployment").Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": () => require("kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler").HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": () => require("kubernetes-models/policy/v1/PodDisruptionBudget").PodDisruptionBudget,
  "networking.istio.io/v1/Gateway": () => require("@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway").Gateway,
  "gateway.networking.k8s.io/v1/Gateway": () => require("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway").Gateway,
  "gateway.networking.k8s.io/v1/HTTPRoute": () => require("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute").HTTPRoute,
};

/** Schema errors of each object, as "Kind ns/name: message"; an object of a kind with no schema is an error too. */
export function schemaErrors(manifests: readonly Manifest[]): string[] {
  const out: string[] = [];
  for (const m of manifests) {
    const key = `${m.apiVersion}/${m.kind}`;
    const where = `${m.kind} ${m.metadata.namespace ?? ""}/${m.metadata.name}`;
    const model = MODELS[key];
    if (!model) { out.push(`${where}: no schema known for ${key}`); continue; }
    const data = m.apiVersion === "networking.istio.io/v1" ? { ...m, apiVersion: "networking.istio.io/v1beta1" } : m;
    try {
      new (model())(structuredClone(data)).validate();
    } catch (e) {
      out.push(`${where}: ${(e as Error).message}`);
    }
  }
  return out;
}
