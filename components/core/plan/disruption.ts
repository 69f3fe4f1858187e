/**
 * PodDisruptionBudgets: one per track that can run more than one pod.
 *
 * The default, `maxUnavailable: 1`, lets voluntary disruptions (node drains, cluster upgrades) take one pod of a
 * track at a time, so capacity stays close to full, and it can always be satisfied, so it never blocks a drain.
 * A one-pod track gets no budget: any budget that protects its only pod would block every drain of its node.
 * `unhealthyPodEvictionPolicy: AlwaysAllow` lets a drain evict pods that are not ready anyway.
 */
import { commonLabels, DisruptionSettings, Labels, PodDisruptionBudget, TRACK_LABEL } from "../model";

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
