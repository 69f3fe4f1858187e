import * as assert from "assert";
import { evictable, planGateway, validateGateway } from "../../components/core";

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
