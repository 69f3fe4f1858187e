/**
 * Autoscaling with a canary: one HorizontalPodAutoscaler (autoscaling/v2) per track.
 *
 * The gateway's bounds are split by the canary weight with the same whole-pod rule as fixed replicas, min and
 * max each. The canary's maximum is its share of the maximum, so a misbehaving canary (one that burns CPU)
 * cannot scale itself into more pods, and so more traffic, than its weight allows. A track at weight 0 has no
 * HPA (an HPA cannot hold zero pods) and its Deployment holds `replicas: 0`.
 */
import { AutoscalingSettings, Bounds, commonLabels, HorizontalPodAutoscaler, TRACK_LABEL } from "../model";

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
