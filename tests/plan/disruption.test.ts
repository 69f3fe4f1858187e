import * as assert from "assert";
import { budgetedCounts, checkAutoscaling, evictable, planGateway, validateGateway } from "../../components/core";

function plan(extra: Record<string, unknown>) {
  return planGateway(validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns", revision: "1-25-1", ...extra }));
}

describe("disruption budgets", () => {
  const cases: Array<[budget: Record<string, number | string>, pods: number, evictable: number]> = [
    [{ maxUnavailable: 1 }, 1, 1],
    [{ maxUnavailable: 1 }, 5, 1],
    [{ maxUnavailable: "50%" }, 3, 2], // Kubernetes rounds a percentage of maxUnavailable up
    [{ minAvailable: 2 }, 3, 1],
    [{ minAvailable: 2 }, 2, 0],
    [{ minAvailable: "50%" }, 3, 1], // minAvailable 50% of 3 rounds up to 2
    [{ minAvailable: "50%" }, 1, 0],
  ];
  for (const [budget, pods, n] of cases) {
    it(`${JSON.stringify(budget)} lets a drain evict ${n} of ${pods} pods`, () => assert.strictEqual(evictable(budget, pods), n));
  }

  const spellings: Array<[args: Record<string, number | string>, spec: Record<string, number | string>]> = [
    [{ maxUnavailable: 2 }, { maxUnavailable: 2 }],
    [{ maxUnavailablePercent: 25 }, { maxUnavailable: "25%" }],
    [{ minAvailablePercent: 50 }, { minAvailable: "50%" }],
    [{ minAvailable: "50%" }, { minAvailable: "50%" }], // Kubernetes' own spelling, still accepted from stack files
  ];
  for (const [args, spec] of spellings) {
    it(`writes podDisruptionBudget ${JSON.stringify(args)} as ${JSON.stringify(spec)} in the PDB`, () => {
      const pdb = plan({ replicas: 4, podDisruptionBudget: args }).tracks[0].pdb;
      const { selector: _, unhealthyPodEvictionPolicy: __, ...budget } = pdb?.spec ?? {};
      assert.deepStrictEqual(budget, spec);
    });
  }

  // The counts a budget is checked at (checkDisruption): a budget that blocks any of them is refused at preview,
  // and the refusal names the smallest such track.
  const hpa = checkAutoscaling({ stack: "t", gateway: "gw" }, { minReplicas: 2, maxReplicas: 4 });
  const counted: Array<[rule: string, replicas: number, autoscaling: typeof hpa | undefined, weights: number[], counts: number[]]> = [
    ["a fixed track's count at every step, each once, smallest first", 10, undefined, [25, 75], [2, 3, 7, 8]],
    ["no canary: the whole gateway's count", 10, undefined, [0], [10]],
    ["a track of one pod has no budget, so no count", 3, undefined, [50], [2]],
    ["an autoscaled gateway: every count from minReplicas to maxReplicas, the maximum too", 2, hpa, [0], [2, 3, 4]],
    ["an autoscaled canary: each track's whole range while its maximum exceeds one pod", 2, hpa, [90, 10], [1, 2, 3]],
  ];
  for (const [rule, replicas, autoscaling, weights, counts] of counted) {
    it(`checks a budget at ${rule}`, () => assert.deepStrictEqual(budgetedCounts(replicas, autoscaling, weights), counts));
  }

  it("names the smallest track a budget would block", () => {
    assert.throws(() => plan({ replicas: 10, canary: { revision: "1-26-0", weight: 75, steps: [25, 75, 100], previousWeight: 25 }, podDisruptionBudget: { minAvailable: 3 } }),
      /podDisruptionBudget.minAvailable is 3; a track of 2 pods could never be drained/);
  });

  it("gives every track that runs more than one pod a budget of its own", () => {
    const p = plan({ replicas: 10, canary: { revision: "1-26-0", weight: 25 } });
    assert.deepStrictEqual(p.tracks.map((t) => t.pdb?.spec.selector.matchLabels["pulumi-istio-gateway/track"]), ["1-25-1", "1-26-0"]);
  });

  it("gives a one-pod track no budget, so it never blocks a drain", () => {
    const p = plan({ replicas: 4, canary: { revision: "1-26-0", weight: 10 } });
    assert.deepStrictEqual(p.tracks.map((t) => t.pdb !== undefined), [true, false]);
  });

  it("gives an autoscaled track a budget when its maximum exceeds one pod", () => {
    const p = plan({ autoscaling: { minReplicas: 2, maxReplicas: 4 }, canary: { revision: "1-26-0", weight: 10 } });
    assert.deepStrictEqual(p.tracks.map((t) => [t.split.pods, t.split.maxPods, t.pdb !== undefined]), [[1, 3, true], [1, 1, false]]);
  });

  it("defaults to maxUnavailable: 1 and lets drains evict unready pods", () => {
    const pdb = plan({ replicas: 3 }).tracks[0].pdb;
    assert.deepStrictEqual(pdb?.spec, {
      maxUnavailable: 1, selector: { matchLabels: { app: "gw", istio: "gw", "pulumi-istio-gateway/track": "1-25-1" } }, unhealthyPodEvictionPolicy: "AlwaysAllow",
    });
  });

  it("uses the budget configured", () => {
    assert.deepStrictEqual(plan({ replicas: 4, podDisruptionBudget: { minAvailable: "50%" } }).tracks[0].pdb?.spec.minAvailable, "50%");
  });
});
