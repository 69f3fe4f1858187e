/**
 * The benchmark's workload: a stack of N generated gateways (a dedicated gateway per tenant, as platform teams
 * run them), and the same Kubernetes objects declared flat, for the baseline.
 */
import * as k8s from "@pulumi/kubernetes";
import { objectsOf, planGateway, validateGateway } from "../../components/core";
import { CONFIG_KEY } from "../../stacks/config";
import { runOffline } from "../engine/offline";
import { requireProgram } from "../engine/render-stack";

export function generatedGateways(n: number, canary: boolean): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => {
    const id = String(i).padStart(4, "0");
    return [`tenant-${id}-gateway`, {
      namespace: `tenant-${id}`,
      topology: "dedicated",
      createNamespace: true,
      replicas: 4,
      revision: "1-25-1",
      ...(canary && { canary: { revision: "1-26-0", weight: 25, steps: [25, 50, 100], previousWeight: 0 } }),
      servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: [`tenant-${id}.example.com`], tls: { mode: "SIMPLE", credentialName: `tenant-${id}-cert` } }],
    }];
  }));
}

export function stackConfig(gateways: Record<string, unknown>): Record<string, string> {
  return { [CONFIG_KEY]: JSON.stringify(gateways) };
}

/** The objects the component would register, planned ahead (outside any timing): what a flat program writes out. */
export function flatObjects(gateways: Record<string, unknown>): Array<{ name: string; object: Record<string, unknown> }> {
  return Object.entries(gateways).flatMap(([name, raw]) =>
    objectsOf(planGateway(validateGateway({ stack: "bench", gateway: name }, raw)))
      .map((object, i) => ({ name: `${name}-${i}`, object: object as unknown as Record<string, unknown> })));
}

/** Where each kind's class lives in @pulumi/kubernetes: the flat baselines (here and tools/bench/engine.ts) share it. */
export const FLAT_KINDS: Record<string, string> = {
  Namespace: "core.v1.Namespace", ServiceAccount: "core.v1.ServiceAccount", Service: "core.v1.Service",
  Role: "rbac.v1.Role", RoleBinding: "rbac.v1.RoleBinding", Deployment: "apps.v1.Deployment",
  HorizontalPodAutoscaler: "autoscaling.v2.HorizontalPodAutoscaler", PodDisruptionBudget: "policy.v1.PodDisruptionBudget",
  Gateway: "apiextensions.CustomResource",
};

/** The baseline program: each object declared directly with @pulumi/kubernetes, no component, no validation. */
export function declareFlat(objects: ReadonlyArray<{ name: string; object: Record<string, unknown> }>): void {
  const classOf = (kind: string) => FLAT_KINDS[kind].split(".").reduce((o: any, k) => o[k], k8s) as new (name: string, args: unknown) => unknown;
  for (const { name, object } of objects) new (classOf(object.kind as string))(name, object);
}

export type Variant = "component" | "flat";

/**
 * One benchmark run, prepared outside any timing: the stacks program with N generated gateways in its config, or
 * the flat baseline with the same objects. Running it registers everything and resolves to the resource count.
 */
export function workload(variant: Variant, n: number, canary: boolean): () => Promise<number> {
  const gateways = generatedGateways(n, canary);
  const run = (config: Record<string, string>, program: () => void) => async () =>
    (await runOffline({ project: "istio-gateways", stack: "bench", config, program })).length;
  if (variant === "component") return run(stackConfig(gateways), requireProgram);
  const objects = flatObjects(gateways);
  return run({}, () => declareFlat(objects));
}
