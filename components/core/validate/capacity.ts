/**
 * Validation of the keys that size and protect a gateway's pods: autoscaling, the disruption budget, draining
 * and how traffic is shifted between revisions.
 */
import { ScalingPolicySelect, ScalingPolicyType, TrafficShifting } from "../../args";
import { AutoscalingSettings, canSplit, ConfigError, DEFAULT_AUTOSCALING, DEFAULT_DISRUPTION, DEFAULT_DRAIN, DisruptionSettings, DrainSettings, evictable, splitReplicas, trackBounds, Where } from "../model";
import { checkKeys, objectAt, oneOf, wholeNumber } from "./read";


export function checkAutoscaling(where: Where, raw: unknown): AutoscalingSettings {
  const a = objectAt(where, "autoscaling", raw);
  checkKeys(where, "autoscaling.", a, ["minReplicas", "maxReplicas", "targetCPUUtilizationPercentage", "targetMemoryUtilizationPercentage", "behavior"]);
  const minReplicas = wholeNumber(where, "autoscaling.minReplicas", a.minReplicas ?? DEFAULT_AUTOSCALING.minReplicas, 1, 10000);
  const maxReplicas = wholeNumber(where, "autoscaling.maxReplicas", a.maxReplicas ?? Math.max(DEFAULT_AUTOSCALING.maxReplicas, minReplicas), 1, 10000);
  if (maxReplicas < minReplicas) {
    throw new ConfigError(where, "autoscaling.maxReplicas", maxReplicas, `it must be at least autoscaling.minReplicas (${minReplicas})`);
  }
  const cpu = wholeNumber(where, "autoscaling.targetCPUUtilizationPercentage", a.targetCPUUtilizationPercentage ?? DEFAULT_AUTOSCALING.targetCPUUtilizationPercentage, 1, 1000);
  const memory = a.targetMemoryUtilizationPercentage === undefined ? undefined
    : wholeNumber(where, "autoscaling.targetMemoryUtilizationPercentage", a.targetMemoryUtilizationPercentage, 1, 1000);
  let behavior: Record<string, unknown> | undefined;
  if (a.behavior !== undefined) {
    behavior = objectAt(where, "autoscaling.behavior", a.behavior);
    checkKeys(where, "autoscaling.behavior.", behavior, ["scaleUp", "scaleDown"]);
    for (const [k, v] of Object.entries(behavior)) checkScalingRules(where, `autoscaling.behavior.${k}`, v);
  }
  return {
    minReplicas, maxReplicas, targetCPUUtilizationPercentage: cpu,
    ...(memory !== undefined && { targetMemoryUtilizationPercentage: memory }),
    ...(behavior !== undefined && { behavior }),
  };
}

/** A canary at a partial weight needs a pod on each side at the lower bound too. */
export function checkAutoscaledCanary(where: Where, a: AutoscalingSettings, steps: readonly number[]): void {
  const partial = steps.filter((s) => !canSplit(a.minReplicas, s));
  if (partial.length > 0) {
    throw new ConfigError(where, "autoscaling.minReplicas", a.minReplicas,
      `[CanaryWithoutPod] a canary at ${partial.join("%, ")}% needs a pod on each revision: set it to 2 or more`);
  }
}

/** autoscaling/v2 HPAScalingRules: the keys Kubernetes knows, the values it would accept. */
function checkScalingRules(where: Where, key: string, raw: unknown): void {
  const rules = objectAt(where, key, raw);
  checkKeys(where, `${key}.`, rules, ["stabilizationWindowSeconds", "selectPolicy", "policies"]);
  if (rules.stabilizationWindowSeconds !== undefined) wholeNumber(where, `${key}.stabilizationWindowSeconds`, rules.stabilizationWindowSeconds, 0, 3600);
  if (rules.selectPolicy !== undefined) oneOf(where, `${key}.selectPolicy`, rules.selectPolicy, Object.values(ScalingPolicySelect));
  if (rules.policies === undefined) return;
  if (!Array.isArray(rules.policies)) throw new ConfigError(where, `${key}.policies`, rules.policies, "use a list of { type, value, periodSeconds }");
  rules.policies.forEach((raw, i) => {
    const policy = objectAt(where, `${key}.policies[${i}]`, raw);
    checkKeys(where, `${key}.policies[${i}].`, policy, ["type", "value", "periodSeconds"]);
    oneOf(where, `${key}.policies[${i}].type`, policy.type, Object.values(ScalingPolicyType));
    wholeNumber(where, `${key}.policies[${i}].value`, policy.value, 1, 100000);
    wholeNumber(where, `${key}.policies[${i}].periodSeconds`, policy.periodSeconds, 1, 1800);
  });
}

const PERCENT = /^(100|[1-9]?[0-9])%$/;

function budgetValue(where: Where, key: string, value: unknown, min: number): number | string {
  if (typeof value === "string" && PERCENT.test(value) && parseInt(value, 10) >= min) return value;
  return wholeNumber(where, key, value, min, 10000);
}

/**
 * The budget, refused when it could block a node drain: for every pod count a track can run while it has a
 * budget, at least one pod must be evictable.
 */
export function checkDisruption(where: Where, raw: unknown, counts: readonly number[]): DisruptionSettings {
  if (raw === undefined) return { ...DEFAULT_DISRUPTION };
  const b = objectAt(where, "podDisruptionBudget", raw);
  checkKeys(where, "podDisruptionBudget.", b, BUDGET_KEYS);
  const set = BUDGET_KEYS.filter((k) => b[k] !== undefined);
  if (set.length !== 1) {
    throw new ConfigError(where, "podDisruptionBudget", raw, `set exactly one of ${BUDGET_KEYS.join(", ")}, e.g. { maxUnavailable: 1 } or { minAvailablePercent: 50 }`);
  }
  const budget = budgetOf(where, set[0], b[set[0]]);
  const blocked = counts.find((p) => evictable(budget, p) < 1);
  if (blocked !== undefined) {
    throw new ConfigError(where, `podDisruptionBudget.${set[0]}`, b[set[0]],
      `a track of ${blocked} pods could never be drained; use a smaller value, a percentage below 100%, or maxUnavailable`);
  }
  return budget;
}

/**
 * The percent keys exist because a multi-language schema cannot say "a number or a string" (Kubernetes'
 * IntOrString); `minAvailable: "50%"` is still accepted, as Kubernetes writes it.
 */
const BUDGET_KEYS = ["maxUnavailable", "minAvailable", "maxUnavailablePercent", "minAvailablePercent"] as const;

function budgetOf(where: Where, key: (typeof BUDGET_KEYS)[number], value: unknown): DisruptionSettings {
  const at = `podDisruptionBudget.${key}`;
  switch (key) {
    case "maxUnavailable": return { maxUnavailable: budgetValue(where, at, value, 1) };
    case "minAvailable": return { minAvailable: budgetValue(where, at, value, 0) };
    case "maxUnavailablePercent": return { maxUnavailable: `${wholeNumber(where, at, value, 1, 100)}%` };
    case "minAvailablePercent": return { minAvailable: `${wholeNumber(where, at, value, 0, 100)}%` };
  }
}

export function checkDrain(where: Where, raw: unknown): DrainSettings {
  if (raw === undefined) return { ...DEFAULT_DRAIN };
  const d = objectAt(where, "drain", raw);
  checkKeys(where, "drain.", d, ["durationSeconds", "terminationGracePeriodSeconds"]);
  const durationSeconds = wholeNumber(where, "drain.durationSeconds", d.durationSeconds ?? DEFAULT_DRAIN.durationSeconds, 0, 3600);
  const grace = wholeNumber(where, "drain.terminationGracePeriodSeconds",
    d.terminationGracePeriodSeconds ?? Math.max(DEFAULT_DRAIN.terminationGracePeriodSeconds, durationSeconds + 15), 1, 7200);
  if (grace <= durationSeconds) {
    throw new ConfigError(where, "drain.terminationGracePeriodSeconds", grace,
      `it must exceed drain.durationSeconds (${durationSeconds}), or Kubernetes kills the proxy while it drains`);
  }
  return { durationSeconds, terminationGracePeriodSeconds: grace };
}

export function checkTrafficShifting(where: Where, raw: unknown): TrafficShifting {
  return oneOf(where, "trafficShifting", raw ?? TrafficShifting.Replicas, Object.values(TrafficShifting));
}

/**
 * Every pod count a track can run while it has a disruption budget (more than one pod possible), over every
 * step of the plan: fixed counts, or the whole range an HPA may choose.
 */
export function budgetedCounts(replicas: number, autoscaling: AutoscalingSettings | undefined, weights: readonly number[]): number[] {
  const counts = new Set<number>();
  for (const w of weights) {
    if (autoscaling) {
      const b = trackBounds(autoscaling, w);
      for (const t of [b.stable, b.canary]) if (t.max > 1) for (let p = Math.max(1, t.min); p <= t.max; p++) counts.add(p);
    } else {
      const s = splitReplicas(replicas, w);
      for (const p of [s.stable, s.canary]) if (p > 1) counts.add(p);
    }
  }
  return [...counts].sort((a, b) => a - b);
}
