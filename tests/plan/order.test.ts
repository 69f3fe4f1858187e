import * as assert from "assert";
import { moveOf, ValidCanary } from "../../components/core";

const canary = (weight: number, previousWeight?: number): ValidCanary =>
  ({ revision: "1-26-0", weight, steps: [10, 25, 50, 100], ...(previousWeight !== undefined && { previousWeight }) });

describe("rollout order", () => {
  const cases: Array<[weight: number, previous: number | undefined, direction: string, first: string, assumed: boolean]> = [
    [25, 10, "forward", "canary", false], // the canary grows: it goes first
    [10, 25, "back", "stable", false], // the stable grows: it goes first
    [0, 50, "back", "stable", false], // abort
    [100, 50, "forward", "canary", false],
    [25, 25, "none", "canary", false], // nothing moves: a fixed order
    [10, undefined, "forward", "canary", true], // unknown: a new canary can only grow
  ];
  for (const [weight, previous, direction, first, assumed] of cases) {
    it(`moving ${previous ?? "?"}% → ${weight}% is ${direction}, ${first} first${assumed ? " (assumed)" : ""}`, () => {
      assert.deepStrictEqual(moveOf(canary(weight, previous)), { direction, first, assumed });
    });
  }

});
