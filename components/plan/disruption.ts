/**
 * PodDisruptionBudgets: one per track that can run more than one pod.
 *
 * The default, `maxUnavailable: 1`, lets voluntary disruptions (node drains, cluster upgrades) take one pod of a
 * track at a time, so capacity stays close to full, and it can always be satisfied, so it never blocks a drain.
 * A one-pod track gets no budget: any budget that protects its only pod would block every drain of its node.
 * `unhealthyPodEvictionPolicy: AlwaysAllow` lets a drain evict pods that are not ready anyway.
 */
import { commonLabels, TRACK_LABEL } from "./labels";
import { Labels, PodDisruptionBudget } from "./types";

/** Either bound, as Kubernetes takes it: a pod count or a percentage such as "25%". */
export interface DisruptionSettings {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

export const DEFAULT_DISRUPTION: DisruptionSettings = { maxUnavailable: 1 };

/** How many pods of `pods` the budget lets a drain evict (Kubernetes rounds minAvailable % up, maxUnavailable % up). */
export function evictable(budget: DisruptionSettings, pods: number): number {
  const count = (v: number | string) => (typeof v === "number" ? v : Math.ceil((pods * parseInt(v, 10)) / 100));
  if (budget.maxUnavailable !== undefined) return Math.min(pods, count(budget.maxUnavailable));
  return Math.max(0, pods - count(budget.minAvailable ?? 0));
}

export interface PdbInput {
  gateway: string;
  namespace: string;
  track: string;
  name: string;
  selector: Labels;
  budget: DisruptionSettings;
}

export function planPdb(p: PdbInput): PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: p.name, namespace: p.namespace, labels: { ...commonLabels(p.gateway), [TRACK_LABEL]: p.track } },
    spec: { ...p.budget, selector: { matchLabels: p.selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
  };
}
