/**
 * Which Deployment moves first in a `pulumi up`, so that ready pods never fall below `replicas`.
 *
 * Traffic divides by ready pods, and a Deployment that shrinks loses its pods at once while one that grows gains
 * them only when they are ready. So the growing track must be updated (and, through Pulumi's await on
 * Deployments, be ready) before the shrinking one starts: a `dependsOn` edge from the shrinking Deployment to
 * the growing one.
 *
 * Which one grows depends on where the cluster is now. Of the mechanisms available (a stack reference to this
 * stack's previous outputs, reading the live Deployments, or state written next to the weight), we use the
 * last: `canary.previousWeight`, written by the rollout command on every move. It is reviewed in the same pull
 * request as the weight, needs no cluster or backend access at preview (so CI previews stay offline), and on a
 * first deploy (no previous weight, nothing running) any order is safe. A canary that appears for the first
 * time can only grow, which is the order assumed when the previous weight is unknown.
 */
import { ValidCanary } from "../model";

export const Direction = { Forward: "forward", Back: "back", None: "none" } as const;
export type Direction = (typeof Direction)[keyof typeof Direction];

export interface Move {
  /** forward: the canary grows; back: the stable grows; none: the weight does not move. */
  direction: Direction;
  /** The previous weight was not written, so the direction is an assumption (forward). */
  assumed: boolean;
  /** The track whose Deployment is updated first; the other waits for it. */
  first: "canary" | "stable";
}

export function moveOf(canary: ValidCanary): Move {
  if (canary.previousWeight === undefined) return { direction: Direction.Forward, assumed: true, first: "canary" };
  const direction = canary.weight > canary.previousWeight ? Direction.Forward
    : canary.weight < canary.previousWeight ? Direction.Back : Direction.None;
  // With no move, the order matters for nothing but restarts, which keep capacity on their own
  // (maxUnavailable: 0); the canary goes first so that the order stays the same from run to run.
  return { direction, assumed: false, first: direction === Direction.Back ? "stable" : "canary" };
}
