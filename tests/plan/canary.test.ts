import * as assert from "assert";
import fc from "fast-check";
import { canSplit, splitReplicas } from "../../components/core";
import { bestCanaryPodsBySearch } from "../support/oracle";

describe("canary split", () => {
  const cases: Array<[replicas: number, weight: number, canaryPods: number]> = [
    [10, 10, 1], // exact
    [10, 25, 3], // 2.5 pods: a tie goes to the canary
    [7, 33, 2], // 28.6% is nearer to 33% than 42.9%
    [4, 10, 1], // one pod a side keeps the canary alive (0.4 would round to 0)
    [4, 95, 3], // ... and keeps the stable alive (3.8 would round to 4)
    [5, 50, 3], // a tie goes to the canary
    [6, 100, 6], // 100% puts every pod on the canary
    [6, 0, 0], // 0% puts every pod on the stable track
    [1, 0, 0],
    [1, 100, 1],
    [2, 1, 1],
    [2, 99, 1],
    [3, 50, 2],
  ];
  for (const [replicas, weight, canaryPods] of cases) {
    it(`puts ${canaryPods} of ${replicas} pods on the canary at ${weight}%`, () => {
      assert.strictEqual(splitReplicas(replicas, weight).canary, canaryPods);
    });
  }

  it("matches an exhaustive search for every replica count 1..200 and weight 0..100", () => {
    for (let r = 1; r <= 200; r++) {
      for (let w = 0; w <= 100; w++) {
        if (!canSplit(r, w)) continue;
        assert.strictEqual(splitReplicas(r, w).canary, bestCanaryPodsBySearch(r, w), `R=${r} w=${w}`);
      }
    }
  });

  it("refuses a partial weight with one pod, which cannot keep a pod on each side", () => {
    for (let w = 1; w < 100; w++) assert.throws(() => splitReplicas(1, w), /cannot keep a pod on each side/);
  });

  const outOfRange: Array<[replicas: number, weight: number, message: string]> = [
    [0, 0, "replicas must be a whole number ≥ 1, got 0"], [-1, 50, "replicas must be a whole number ≥ 1, got -1"],
    [2.5, 50, "replicas must be a whole number ≥ 1, got 2.5"], [4, -1, "weight must be a whole number 0–100, got -1"],
    [4, 101, "weight must be a whole number 0–100, got 101"], [4, 12.5, "weight must be a whole number 0–100, got 12.5"],
  ];
  for (const [r, w, message] of outOfRange) {
    it(`refuses ${r} replicas at ${w}%: "${message}"`, () => {
      assert.throws(() => splitReplicas(r, w), (e: Error) => e instanceof RangeError && e.message === message);
    });
  }

  it("always adds up to the replicas, and reports the weight the pods give", () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 5000 }), fc.integer({ min: 0, max: 100 }), (r, w) => {
      const s = splitReplicas(r, w);
      return s.stable + s.canary === r && s.achievedPercent === Math.round((10000 * s.canary) / r) / 100;
    }));
  });

  it("never gives the canary fewer pods for a larger weight", () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 5000 }), fc.integer({ min: 0, max: 99 }), (r, w) =>
      splitReplicas(r, w + 1).canary >= splitReplicas(r, w).canary));
  });
});
