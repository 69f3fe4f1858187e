/**
 * The Pulumi side of adoption (plan/adopt.ts decides what): the `import` option on each adopted object, the old
 * install's objects registered as they are, and the check of the live objects at preview.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AdoptedKind } from "./args";
import { adoptionProblems, GatewayPlan, K8sObject, LiveAdopted, objectKey, RETIRED_KEPT, ValidGateway } from "./core";
import { previewFailure } from "./preview-failure";

/** `import: <namespace>/<name>` when the plan adopts the object, so the engine reads it instead of creating it. */
export function importOf(plan: GatewayPlan, o: K8sObject): pulumi.CustomResourceOptions {
  return plan.adoption?.imports.includes(objectKey(o)) ? { import: `${o.metadata.namespace}/${o.metadata.name}` } : {};
}

/**
 * A retired object's inputs are its name alone: the engine fills every other field from the imported object
 * (RETIRED_KEPT). The typed classes refuse that (a RoleBinding's roleRef, an HPA's spec are required), so the
 * object goes through CustomResource, whose type token, `kubernetes:<group>/<version>:<Kind>`, is the typed
 * class's own: the provider reads, diffs and deletes it as that kind. Only the core group's token differs
 * (`core/v1`), and a ServiceAccount has no required field: it keeps its class.
 */
function registerOneRetired(name: string, o: K8sObject, opts: pulumi.CustomResourceOptions): void {
  if (o.kind === "ServiceAccount") new k8s.core.v1.ServiceAccount(name, { metadata: o.metadata }, opts);
  else new k8s.apiextensions.CustomResource(name, o, opts);
}

/**
 * The old install's other objects, imported and kept as they are (RETIRED_KEPT); when promote drops them from the
 * stack file, the engine deletes them, after the adopted Deployment's last pod has gone. `opts` carries the
 * component's checks: nothing is imported before the live objects have been found adoptable.
 */
export function registerRetired(name: string, plan: GatewayPlan, opts: pulumi.CustomResourceOptions): void {
  for (const o of plan.adoption?.retired ?? []) {
    registerOneRetired(`${name}-retired-${o.kind.toLowerCase()}-${o.metadata.name}`, o, { ...opts, ...importOf(plan, o), ignoreChanges: [...RETIRED_KEPT] });
  }
}

/**
 * Reads the adopted Service and Deployment at preview and fails on what the plan cannot keep (plan/adopt.ts
 * adoptionProblems); resolves to a resource for the children to wait for. Render's offline stand-ins have no uid
 * and are not checked.
 */
export function verifyAdoption(name: string, gw: ValidGateway, plan: GatewayPlan, parent: pulumi.Resource): pulumi.Output<pulumi.Resource[]> | undefined {
  const a = gw.adoption;
  const adoptsService = a?.existing.includes(AdoptedKind.Service) ?? false;
  if (!a || (!adoptsService && !a.deployment)) return undefined;
  const opts = { parent };
  const service = adoptsService ? k8s.core.v1.Service.get(`${name}-adopted-service`, `${gw.namespace}/${plan.service.metadata.name}`, opts) : undefined;
  const deployment = a.deployment ? k8s.apps.v1.Deployment.get(`${name}-adopted-deployment`, `${gw.namespace}/${a.deployment.name}`, opts) : undefined;
  const read = pulumi.all([service?.metadata, service?.spec, deployment?.metadata, deployment?.spec]);
  return read.apply(([sm, ss, dm, ds]) => {
    if ((service && sm?.uid === undefined) || (deployment && dm?.uid === undefined)) return [];
    const live: LiveAdopted = {
      ...(service && { service: { type: ss?.type, selector: ss?.selector } }),
      ...(deployment && { deployment: { selector: ds?.selector?.matchLabels } }),
    };
    const problem = adoptionProblems({ stack: pulumi.getStack(), gateway: name }, gw, plan, live)[0];
    if (problem) throw previewFailure(problem.message);
    return [service, deployment].filter((r): r is NonNullable<typeof r> => r !== undefined) as pulumi.Resource[];
  });
}
