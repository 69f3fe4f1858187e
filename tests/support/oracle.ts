/**
 * The canary split by brute force: try every pod count and keep the best. The planner's closed form must agree.
 */
export function bestCanaryPodsBySearch(replicas: number, weight: number): number {
  const lo = weight > 0 && weight < 100 ? 1 : weight === 0 ? 0 : replicas;
  const hi = weight > 0 && weight < 100 ? replicas - 1 : weight === 0 ? 0 : replicas;
  let best = lo;
  for (let c = lo; c <= hi; c++) {
    const err = Math.abs(100 * c - weight * replicas);
    const bestErr = Math.abs(100 * best - weight * replicas);
    if (err < bestErr || (err === bestErr && c > best)) best = c; // ties go to the canary
  }
  return best;
}
