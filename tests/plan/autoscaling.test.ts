import * as assert from "assert";
import fc from "fast-check";
import { jsonpath, JSONValue } from "json-p3";
import { availableAtLeast, planGateway, planHpa, trackBounds, validateGateway, WAIT_FOR_ANNOTATION } from "../../components/core";
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

/**
 * The annotation as the Kubernetes provider reads it (pkg/jsonpath/jsonpath.go, Parse): `jsonpath=` then
 * `{path}` or `{path}=value`, split at a single `=` once `==` is set aside; a path without `$` gets one. The path is
 * RFC 9535 JSONPath (the provider's github.com/theory/jsonpath; json-p3 here). With no value, the condition holds
 * once the path selects something.
 */
function providerWaitHolds(annotation: string, object: unknown): boolean {
  assert.ok(annotation.startsWith("jsonpath="), annotation);
  const parts = annotation.slice("jsonpath=".length).replace(/==/g, "\u0000").split("=");
  assert.strictEqual(parts.length, 1, `the provider would read ${JSON.stringify(parts[1])} as the value to compare with`);
  const braced = /\{\s*(.*?)\s*\}/.exec(parts[0].replace(/\u0000/g, "=="));
  assert.ok(braced, `the provider wants the path in { … }: ${annotation}`);
  const path = braced[1].startsWith("$") ? braced[1] : `$${braced[1]}`;
  return jsonpath.query(path, object as JSONValue).values().length > 0;
}

/** A Deployment as the cluster returns it: the HPA's count in spec.replicas, the controller's status (absent fields left out). */
function liveDeployment(wanted: number, status: { replicas?: number; updatedReplicas?: number; availableReplicas?: number }) {
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "gw-1-26-0", generation: 3 },
    spec: { replicas: wanted }, status: { observedGeneration: 3, ...status } };
}

describe("autoscaling: what Pulumi waits for on a Deployment an HPA scales (pulumi.com/waitFor)", () => {
  const waitOf = (p: ReturnType<typeof plan>, i: number) => p.tracks[i].deployment.metadata.annotations?.[WAIT_FOR_ANNOTATION];

  it("waits on each HPA-scaled Deployment for its own HPA's minimum", () => {
    const p = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 25 } });
    assert.deepStrictEqual(p.tracks.map((t) => [t.hpa?.spec.minReplicas, t.deployment.metadata.annotations?.[WAIT_FOR_ANNOTATION]]),
      [[3, availableAtLeast(3)], [1, availableAtLeast(1)]]);
  });

  it("leaves the built-in rollout wait to a Deployment with a pod count of its own (replicas, or 0 at weight 0)", () => {
    assert.strictEqual(waitOf(plan({ replicas: 3, canary: { revision: "1-26-0", weight: 25 } }), 0), undefined);
    assert.strictEqual(waitOf(plan({ replicas: 3, canary: { revision: "1-26-0", weight: 25 } }), 1), undefined);
    assert.strictEqual(waitOf(plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 0 } }), 1), undefined);
    assert.strictEqual(waitOf(plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 100 } }), 0), undefined);
  });

  it("waits on the growing revision at the step that empties the other: 100 % (the canary) and abort (the stable)", () => {
    const at100 = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 100, previousWeight: 50 } });
    const aborted = plan({ autoscaling: { minReplicas: 4, maxReplicas: 20 }, canary: { revision: "1-26-0", weight: 0, previousWeight: 50 } });
    assert.deepStrictEqual([waitOf(at100, 1), at100.move?.first], [availableAtLeast(4), "canary"]);
    assert.deepStrictEqual([waitOf(aborted, 0), aborted.move?.first], [availableAtLeast(4), "stable"]);
  });

  // Each row: the HPA's minimum, the Deployment as the cluster has it, and whether the update may count it done.
  const cases: Array<[string, number, ReturnType<typeof liveDeployment>, boolean]> = [
    ["the HPA has not yet raised the count: 2 of a new minimum of 4", 4, liveDeployment(2, { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }), false],
    ["the HPA raised it, the new pods not yet available", 4, liveDeployment(4, { replicas: 4, updatedReplicas: 4, availableReplicas: 2 }), false],
    ["the minimum available, every pod updated", 4, liveDeployment(4, { replicas: 4, updatedReplicas: 4, availableReplicas: 4 }), true],
    ["more than the minimum (the HPA scaled up under load)", 4, liveDeployment(7, { replicas: 7, updatedReplicas: 7, availableReplicas: 7 }), true],
    ["a rollout under way: old pods still running", 4, liveDeployment(4, { replicas: 5, updatedReplicas: 1, availableReplicas: 4 }), false],
    ["a rollout under way: a new pod not yet available", 4, liveDeployment(4, { replicas: 5, updatedReplicas: 5, availableReplicas: 4 }), false],
    ["no status yet (a Deployment just created)", 1, liveDeployment(1, {}), false],
    ["one pod, the smallest minimum", 1, liveDeployment(1, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 }), true],
    ["no pod available, the smallest minimum", 1, liveDeployment(1, { replicas: 1, updatedReplicas: 1 }), false],
  ];
  for (const [what, min, deployment, done] of cases) {
    it(`${done ? "is done" : "waits"} when ${what}`, () => {
      assert.strictEqual(providerWaitHolds(availableAtLeast(min), deployment), done);
    });
  }

  it("is done exactly when at least the minimum is available and the rollout has finished, for any count", () => {
    const count = fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined });
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), count, count, count, (min, replicas, updatedReplicas, availableReplicas) => {
      const status = { ...(replicas !== undefined && { replicas }), ...(updatedReplicas !== undefined && { updatedReplicas }), ...(availableReplicas !== undefined && { availableReplicas }) };
      const expected = availableReplicas !== undefined && availableReplicas >= min && updatedReplicas === replicas && availableReplicas === replicas;
      assert.strictEqual(providerWaitHolds(availableAtLeast(min), liveDeployment(replicas ?? 0, status)), expected, JSON.stringify({ min, status }));
    }), { numRuns: 500 });
  });
});
