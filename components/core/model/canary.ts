/**
 * Canary arithmetic: how many of a gateway's pods run the canary revision.
 *
 * Istio cannot shift traffic that arrives from outside the mesh, so with one Service in front of both revisions
 * traffic divides by the number of ready pods of each (Istio "Canary upgrades" of gateways). A weight is
 * therefore only reachable to the nearest whole pod.
 */
import { DisruptionSettings } from "./gateway";

export interface Split {
  /** Pods on the stable revision. */
  stable: number;
  /** Pods on the canary revision. */
  canary: number;
  /** The weight the pods actually give: 100 · canary / replicas. */
  achievedPercent: number;
}

/** A split keeps a pod on each side while the canary is partial, so a partial weight needs two pods. */
export function canSplit(replicas: number, weight: number): boolean {
  return weight <= 0 || weight >= 100 || replicas >= 2;
}

/**
 * Nearest whole-pod split of `replicas` at `weight` percent. Ties go to the canary (it is the side being
 * tested); while 0 < weight < 100 each side keeps at least one pod, so neither revision silently drops out.
 * Integer arithmetic only: `(R·w + 50) div 100` is round-half-up of R·w/100 without floating-point error.
 */
export function splitReplicas(replicas: number, weight: number): Split {
  if (!Number.isInteger(replicas) || replicas < 1) throw new RangeError(`replicas must be a whole number ≥ 1, got ${replicas}`);
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new RangeError(`weight must be a whole number 0–100, got ${weight}`);
  if (!canSplit(replicas, weight)) throw new RangeError(`${replicas} pod cannot keep a pod on each side at ${weight}%`);
  let canary = Math.floor((replicas * weight + 50) / 100);
  if (weight > 0 && weight < 100) canary = Math.min(Math.max(canary, 1), replicas - 1);
  return { stable: replicas - canary, canary, achievedPercent: percentOf(canary, replicas) };
}

/**
 * Consecutive steps of a plan that put the same number of pods on the canary, so that moving from the first to
 * the second changes nothing: [earlier step, later step, canary pods].
 */
export function collapsedSteps(replicas: number, steps: readonly number[]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  steps.forEach((w, i) => {
    const pods = splitReplicas(replicas, w).canary;
    if (i > 0 && pods === splitReplicas(replicas, steps[i - 1]).canary) out.push([steps[i - 1], w, pods]);
  });
  return out;
}

/** 100 · part / whole, to two decimals, so outputs and reports print the same figure. */
export function percentOf(part: number, whole: number): number {
  return Math.round((10000 * part) / whole) / 100;
}

export interface Bounds {
  min: number;
  max: number;
}

/** Each track's bounds at a canary weight; without a canary the stable track takes the gateway's bounds. */
export function trackBounds(a: { minReplicas: number; maxReplicas: number }, weight: number): { stable: Bounds; canary: Bounds } {
  const min = splitReplicas(a.minReplicas, weight);
  const max = splitReplicas(a.maxReplicas, weight);
  return { stable: { min: min.stable, max: max.stable }, canary: { min: min.canary, max: max.canary } };
}

/** How many pods of `pods` the budget lets a drain evict (Kubernetes rounds minAvailable % up, maxUnavailable % up). */
export function evictable(budget: DisruptionSettings, pods: number): number {
  const count = (v: number | string) => (typeof v === "number" ? v : Math.ceil((pods * parseInt(v, 10)) / 100));
  if (budget.maxUnavailable !== undefined) return Math.min(pods, count(budget.maxUnavailable));
  return Math.max(0, pods - count(budget.minAvailable ?? 0));
}
