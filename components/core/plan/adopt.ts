/**
 * Taking over a gateway that runs already (istioctl, the istio/gateway chart, plain YAML): which planned objects
 * are imported instead of created, the adopted Deployment as the stable track, and the old install's other
 * objects carried until promote retires them.
 *
 * Why Pulumi's `import` resource option, not an upsert: since Kubernetes provider 4.29 a create is client-side
 * and fails with AlreadyExists on an object that exists (only `upsertExistingObjects` changes that), while
 * `import` reads the object into the stack in every version. With the engine used here (Pulumi 3.248), an import
 * whose inputs differ from the live object is followed, in the same `pulumi up`, by an update to the program's
 * inputs (step_generator.go, continueStepsFromImport), applied with server-side apply: fields the stack does
 * not set stay with whoever set them (Helm's labels, allocated node ports). Aliases do not apply: they rename
 * resources already in a stack's state, and these objects are in none.
 */
import { isDeepStrictEqual } from "util";
import { TIMEOUT_ANNOTATION } from "./deployment";
import { AdoptedDeploymentObject, ConfigError, K8sObject, RETIRED_KINDS, RetiredObject, Service, ValidAdoptedDeployment, ValidAdoption, ValidGateway, Where } from "../model";
import { AdoptedKind } from "../../args";

/**
 * The adopted Deployment as the plan holds it: only the pod count is the plan's (and, absent an HPA, set); its
 * selector is written as the cluster has it so the diff never touches it (a Deployment's selector is immutable:
 * the provider would replace it, and every pod with it). Its pod template is left as it runs: see
 * adoptedDeploymentKept.
 */
export function planAdoptedDeployment(d: ValidAdoptedDeployment, namespace: string, replicas: number | undefined, timeoutSeconds: number): AdoptedDeploymentObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: d.name, namespace, annotations: { [TIMEOUT_ANNOTATION]: String(timeoutSeconds) } },
    spec: { ...(replicas !== undefined && { replicas }), selector: { matchLabels: { ...d.selector } } },
  };
}

/**
 * Paths of an adopted Deployment the stack keeps as the cluster has them (Pulumi `ignoreChanges`: the engine
 * copies them from the imported object into every update). Its pods keep running what they run, with no restart,
 * until the canary has taken their traffic and promote deletes them. With an adopted HPA `spec.replicas` is the
 * HPA's too: the plan sets none, and the imported count must not be written back over the HPA's.
 */
export function adoptedDeploymentKept(hpaOwned: boolean): string[] {
  return ["metadata.labels", "spec.selector", "spec.template", "spec.strategy", "spec.minReadySeconds", "spec.revisionHistoryLimit",
    "spec.progressDeadlineSeconds", ...(hpaOwned ? ["spec.replicas"] : [])];
}

/** An object of the old install the stack carries as it is, to delete it at promote. */
export function planRetired(r: RetiredObject, namespace: string): K8sObject {
  return { apiVersion: RETIRED_KINDS[r.kind], kind: r.kind, metadata: { name: r.name, namespace } };
}

/**
 * A retired object is imported and never changed: every field it has is kept (its whole body, whatever the kind).
 * Only `apiVersion` and `kind` are compared, and the plan writes them as the cluster serves them.
 */
export const RETIRED_KEPT: readonly string[] = ["metadata", "spec", "rules", "roleRef", "subjects", "secrets", "imagePullSecrets", "automountServiceAccountToken"];

const ISTIO_GATEWAY = { apiVersion: "networking.istio.io/v1", kind: "Gateway" };
const OWN_API_VERSIONS: Record<string, string> = { Service: "v1", ServiceAccount: "v1", Role: RETIRED_KINDS.Role, RoleBinding: RETIRED_KINDS.RoleBinding };

/** `<group> <Kind>/<name>` of each planned object the stack imports rather than creates (objectKey). */
export function importedKeys(a: ValidAdoption, names: { gateway: string; istioGateway: string }): string[] {
  const own = (kind: AdoptedKind) => (kind === AdoptedKind.IstioGateway ? key(ISTIO_GATEWAY.apiVersion, ISTIO_GATEWAY.kind, names.istioGateway)
    : key(OWN_API_VERSIONS[kind], kind, names.gateway));
  return [
    ...a.existing.map(own),
    ...(a.deployment ? [key("apps/v1", "Deployment", a.deployment.name)] : []),
    ...(a.deployment?.horizontalPodAutoscaler ? [key(RETIRED_KINDS.HorizontalPodAutoscaler, "HorizontalPodAutoscaler", a.deployment.horizontalPodAutoscaler)] : []),
    ...a.retire.map((r) => key(RETIRED_KINDS[r.kind], r.kind, r.name)),
  ];
}

function key(apiVersion: string, kind: string, name: string): string {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "core";
  return `${group} ${kind}/${name}`;
}

/** The key of an object in `importedKeys`: Istio's Gateway and the Gateway API's share a kind, not a group. */
export function objectKey(o: K8sObject): string {
  return key(o.apiVersion, o.kind, o.metadata.name);
}

/** What the cluster says of the adopted objects, read at preview (undefined: not found). */
export interface LiveAdopted {
  service?: { type?: string; selector?: Record<string, string> };
  deployment?: { selector?: Record<string, string> };
}

/**
 * What the plan cannot keep of the objects it adopts, as the cluster has them now. The stack file was written from
 * them (the adopt command), but the cluster may have moved since: each mismatch would cost the gateway its
 * address or its pods, so it stops the preview before anything is imported.
 */
export function adoptionProblems(where: Where, gw: ValidGateway, plan: { service: Service }, live: LiveAdopted): ConfigError[] {
  const a = gw.adoption;
  if (!a) return [];
  const problems: ConfigError[] = [];
  if (a.existing.includes(AdoptedKind.Service)) {
    const name = `${gw.namespace}/${plan.service.metadata.name}`;
    if (!live.service) {
      problems.push(new ConfigError(where, "adopt.existing", a.existing, `Service ${name} does not exist; adopt only what runs (npm run adopt writes the list)`));
    } else if (live.service.type !== plan.service.spec.type) {
      // LoadBalancer → anything else releases the load balancer and its address; ExternalName has no ClusterIP.
      problems.push(new ConfigError(where, "service.type", plan.service.spec.type,
        `the adopted Service ${name} is ${live.service.type}; changing its type would give up its address: keep "${live.service.type}"`));
    } else if (!isDeepStrictEqual(live.service.selector ?? {}, plan.service.spec.selector)) {
      problems.push(new ConfigError(where, "adopt.existing", a.existing,
        `the adopted Service ${name} selects ${JSON.stringify(live.service.selector ?? {})}, and this gateway's pods carry ${JSON.stringify(plan.service.spec.selector)}: `
        + "taking it over would leave the running pods behind; name the gateway after the Service's selector (npm run adopt says which), or do not adopt the Service"));
    }
  }
  if (a.deployment) {
    const name = `${gw.namespace}/${a.deployment.name}`;
    if (!live.deployment) {
      problems.push(new ConfigError(where, "adopt.deployment.name", a.deployment.name, `Deployment ${name} does not exist; adopt only what runs`));
    } else if (!isDeepStrictEqual(live.deployment.selector ?? {}, a.deployment.selector)) {
      problems.push(new ConfigError(where, "adopt.deployment.selector", a.deployment.selector,
        `Deployment ${name} selects ${JSON.stringify(live.deployment.selector ?? {})}; a Deployment's selector cannot change, so write it as the cluster has it`));
    }
  }
  return problems;
}
