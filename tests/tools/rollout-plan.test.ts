import * as assert from "assert";
import { validateGateway, ValidCanary, ValidGateway } from "../../components/core";
import { exactReplicas, move, MoveRefused, planWarnings, stepRows, Verb } from "../../tools/rollout/plan";

function gateway(replicas: number, weight: number, steps = [10, 25, 50, 100]) {
  return validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns", replicas, revision: "1-25-1", canary: { revision: "1-26-0", weight, steps } }) as ValidGateway & { canary: ValidCanary };
}

describe("rollout plan", () => {
  it("lists the start and every step with its pods and achieved weight, marking the current one", () => {
    assert.deepStrictEqual(stepRows(gateway(4, 25)).map((r) => [r.requested, r.stablePods, r.canaryPods, r.achieved, r.current]), [
      [0, 4, 0, 0, false], [10, 3, 1, 25, false], [25, 3, 1, 25, true], [50, 2, 2, 50, false], [100, 0, 4, 100, false],
    ]);
  });

  const exact: Array<[number[], number]> = [[[10, 25, 50, 100], 20], [[50, 100], 2], [[100], 1], [[33, 100], 100], [[20, 40, 60, 100], 5]];
  for (const [steps, replicas] of exact) {
    it(`needs ${replicas} replicas for steps ${steps.join(", ")} to be exact`, () => assert.strictEqual(exactReplicas(steps), replicas));
  }

  it("warns when two steps give the same split", () => {
    assert.match(planWarnings(gateway(4, 10)).join("\n"), /steps 10% and 25% give the same split \(1 of 4 pods on the canary\)/);
  });

  it("warns when a step is far from its weight, with the replica count that makes the plan exact", () => {
    assert.match(planWarnings(gateway(4, 10)).join("\n"), /10% runs 25%.* with 4 replicas; 20 replicas \(or a multiple\) make every step exact/);
  });

  it("has no warning for a plan the replicas divide exactly", () => {
    assert.deepStrictEqual(planWarnings(gateway(20, 10)), []);
  });

  const moves: Array<[Verb, number, number]> = [
    ["next", 0, 10], ["next", 10, 25], ["next", 50, 100],
    ["back", 100, 50], ["back", 25, 10], ["back", 10, 0],
    ["abort", 50, 0], ["abort", 100, 0],
  ];
  for (const [verb, from, to] of moves) {
    it(`${verb} moves the weight from ${from}% to ${to}%`, () => {
      assert.deepStrictEqual(move(verb, gateway(10, from)), { kind: "weight", from, to });
    });
  }

  it("promote at 100% makes the canary's revision the stable one", () => {
    assert.deepStrictEqual(move("promote", gateway(10, 100)), { kind: "promote", revision: "1-26-0", from: 100 });
  });

  const refusals: Array<[Verb, number, RegExp]> = [
    ["next", 100, /is at 100%, the last step; run promote/],
    ["back", 0, /is at 0%, before the first step/],
    ["promote", 50, /promote needs the canary at 100% .*--force/],
  ];
  for (const [verb, weight, message] of refusals) {
    it(`refuses ${verb} at ${weight}%`, () => {
      assert.throws(() => move(verb, gateway(10, weight)), (e: Error) => e instanceof MoveRefused && message.test(e.message));
    });
  }

  it("promotes before 100% only with --force", () => {
    assert.deepStrictEqual(move("promote", gateway(10, 50), true), { kind: "promote", revision: "1-26-0", from: 50 });
  });

  it("refuses to move a gateway without a canary", () => {
    const plain = validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns" });
    assert.throws(() => move("next", plain), /has no canary/);
  });
});

describe("rollout status with autoscaling", () => {
  it("shows each revision's replica range at every step", () => {
    const { statusText } = require("../../tools/rollout/plan");
    const gw = validateGateway({ stack: "t", gateway: "gw" }, {
      namespace: "ns", revision: "1-25-1", autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 25 },
    });
    const text: string = statusText("prod", gw);
    assert.match(text, /gw \(stack prod\): 4–20 pods \(autoscaled\), 1-25-1 → 1-26-0, canary at 25%/);
    assert.match(text, /> 2 +25% +3–15 +1–5 +25%/);
    assert.match(text, /4 +100% +0–0 +4–20 +100%/);
  });
});
