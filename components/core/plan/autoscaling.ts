/**
 * Autoscaling with a canary: one HorizontalPodAutoscaler (autoscaling/v2) per track.
 *
 * The gateway's bounds are split by the canary weight with the same whole-pod rule as fixed replicas, min and
 * max each. The canary's maximum is its share of the maximum, so a misbehaving canary (one that burns CPU)
 * cannot scale itself into more pods, and so more traffic, than its weight allows. A track at weight 0 has no
 * HPA (an HPA cannot hold zero pods) and its Deployment holds `replicas: 0`.
 */
import { AutoscalingSettings, Bounds, commonLabels, HorizontalPodAutoscaler, K8sObject, TRACK_LABEL } from "../model";

/**
 * The Kubernetes provider's own await annotation (pkg/metadata/overrides.go, ReadyCondition): a Deployment that
 * carries it is awaited on this condition instead of the provider's built-in rollout check, still bounded by
 * `pulumi.com/timeoutSeconds`.
 */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";

/**
 * What Pulumi waits for on an HPA-scaled Deployment: its rollout complete and at least `min` pods available.
 *
 * Why: the step that raises one revision's HPA minimum is the step that shrinks the other (to 0 at 100 % and at
 * abort), and the HPA adds the pods only at its next sync (every 15 s, the controller manager's
 * --horizontal-pod-autoscaler-sync-period), while the Deployment that Pulumi updates is already rolled out at its
 * old size. The built-in await would pass at once and the other revision would lose its pods first (ready pods
 * fell to 2 of 4 on the local cluster). Waiting for the new minimum closes that gap; more pods than that (the HPA
 * scaled up under load) pass too.
 *
 * The expression is RFC 9535 JSONPath as the provider reads it (github.com/theory/jsonpath): the filter runs over
 * the object's members and only `status` has these fields (absent fields compare equal, so the count comes
 * first); the provider checks `status.observedGeneration` itself. `updatedReplicas == replicas == availableReplicas`
 * is a finished rollout as `kubectl rollout status` reads it (no old pod left, every new one available). Only
 * `==` and `>` appear: the annotation's parser splits `{path}=value` at a single `=`. The equalities are
 * parenthesised because theory/jsonpath 0.9 refuses a third `&&` in a row.
 */
export function availableAtLeast(min: number): string {
  return `jsonpath={$[?@.availableReplicas > ${min - 1} && (@.updatedReplicas == @.replicas && @.availableReplicas == @.replicas)]}`;
}

export interface HpaInput {
  gateway: string;
  namespace: string;
  track: string;
  deployment: string;
  /** The HPA's own name. @default the Deployment's */
  name?: string;
  bounds: Bounds;
  settings: AutoscalingSettings;
}

/** The Deployment an HPA scales, awaited until `min` of its pods are available (availableAtLeast). */
export function awaitingHpaMinimum<T extends K8sObject>(deployment: T, min: number): T {
  const meta = deployment.metadata;
  return { ...deployment, metadata: { ...meta, annotations: { ...meta.annotations, [WAIT_FOR_ANNOTATION]: availableAtLeast(min) } } };
}

export function planHpa(h: HpaInput): HorizontalPodAutoscaler {
  const metric = (name: "cpu" | "memory", averageUtilization: number) =>
    ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } });
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: h.name ?? h.deployment, namespace: h.namespace, labels: { ...commonLabels(h.gateway), [TRACK_LABEL]: h.track } },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: h.deployment },
      minReplicas: h.bounds.min,
      maxReplicas: h.bounds.max,
      metrics: [
        metric("cpu", h.settings.targetCPUUtilizationPercentage),
        ...(h.settings.targetMemoryUtilizationPercentage !== undefined ? [metric("memory", h.settings.targetMemoryUtilizationPercentage)] : []),
      ],
      ...(h.settings.behavior !== undefined && { behavior: h.settings.behavior }),
    },
  };
}
