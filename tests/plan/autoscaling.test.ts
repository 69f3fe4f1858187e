import * as assert from "assert";
import { planGateway, planHpa, trackBounds, validateGateway } from "../../components/core";
import { bestCanaryPodsBySearch } from "../support/oracle";

const settings = { minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 80 };

function plan(extra: Record<string, unknown>) {
  return planGateway(validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns", revision: "1-25-1", ...extra }));
}

describe("autoscaling", () => {
  it("splits min and max by weight for every (min, max, weight), the canary holding exactly its share", () => {
    for (let min = 2; min <= 30; min++) for (let max = min; max <= 60; max += 3) for (let w = 0; w <= 100; w++) {
      const b = trackBounds({ minReplicas: min, maxReplicas: max }, w);
      const at = `min=${min} max=${max} w=${w}`;
      assert.strictEqual(b.stable.min + b.canary.min, min, at);
      assert.strictEqual(b.stable.max + b.canary.max, max, at);
      assert.ok(b.stable.min <= b.stable.max && b.canary.min <= b.canary.max, at);
      assert.strictEqual(b.canary.max, bestCanaryPodsBySearch(max, w), at); // capped at its share of the maximum
      assert.strictEqual(b.canary.min, bestCanaryPodsBySearch(min, w), at);
    }
  });

  it("gives each revision with pods its own HPA, targeting its Deployment", () => {
    const p = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 25 } });
    assert.deepStrictEqual(p.tracks.map((t) => [t.hpa?.spec.scaleTargetRef.name, t.hpa?.spec.minReplicas, t.hpa?.spec.maxReplicas]),
      [["gw-1-25-1", 3, 15], ["gw-1-26-0", 1, 5]]);
  });

  it("never sets replicas on a Deployment an HPA scales", () => {
    const p = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 25 } });
    for (const t of p.tracks) assert.ok(!("replicas" in t.deployment.spec), t.deployment.metadata.name);
  });

  it("holds a track at weight 0 with replicas: 0 and no HPA, since an HPA cannot hold zero pods", () => {
    const p = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 0 } });
    const canary = p.tracks[1];
    assert.strictEqual(canary.deployment.spec.replicas, 0);
    assert.strictEqual(canary.hpa, undefined);
  });

  it("reports the bounds of each revision in the split", () => {
    const p = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 50, steps: [50, 100] } });
    assert.deepStrictEqual(p.tracks.map((t) => [t.split.pods, t.split.maxPods]), [[2, 10], [2, 10]]);
  });

  it("targets CPU, and memory when asked, with the behaviour given", () => {
    const hpa = planHpa({ gateway: "gw", namespace: "ns", track: "1-26-0", deployment: "gw-1-26-0", bounds: { min: 1, max: 3 },
      settings: { ...settings, targetMemoryUtilizationPercentage: 70, behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } } });
    assert.deepStrictEqual(hpa.spec.metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 80], ["memory", 70]]);
    assert.deepStrictEqual(hpa.spec.behavior, { scaleDown: { stabilizationWindowSeconds: 600 } });
    assert.strictEqual(hpa.apiVersion, "autoscaling/v2");
  });

  it("creates no HPA without autoscaling", () => {
    assert.ok(plan({ replicas: 3 }).tracks.every((t) => t.hpa === undefined));
  });
});

describe("autoscaling: what the HPA carries", () => {
  it("carries no behavior unless one is given, so the HPA's defaults apply", () => {
    const [track] = plan({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }).tracks;
    assert.ok(track.hpa && !("behavior" in track.hpa.spec));
  });
});
