import * as assert from "assert";
import { planGateway, validateGateway } from "../../components/core";

function plan(weight: number, extra: Record<string, unknown> = {}) {
  return planGateway(validateGateway({ stack: "t", gateway: "gw" }, {
    namespace: "ns", replicas: 6, revision: "1-25-1", trafficShifting: "external", canary: { revision: "1-26-0", weight }, ...extra,
  }));
}

describe("external traffic shifting", () => {
  it("gives each revision a Service selecting only its own pods, named like its Deployment", () => {
    const p = plan(25);
    for (const t of p.tracks) {
      assert.strictEqual(t.service?.metadata.name, t.deployment.metadata.name);
      assert.deepStrictEqual(t.service?.spec.selector, t.deployment.spec.selector.matchLabels);
    }
  });

  it("keeps the shared Service for in-mesh callers", () => {
    assert.deepStrictEqual(plan(25).service.spec.selector, { app: "gw", istio: "gw" });
  });

  it("exports weights that add up to 100 at every step of the plan", () => {
    for (const w of [0, 10, 25, 50, 100]) {
      const weights = plan(w).externalWeights ?? {};
      assert.deepStrictEqual(weights, { "1-25-1": 100 - w, "1-26-0": w });
      assert.strictEqual(Object.values(weights).reduce((a, b) => a + b, 0), 100);
    }
  });

  it("sizes each revision for its share, with a pod while its weight is above zero", () => {
    assert.deepStrictEqual(plan(10).tracks.map((t) => t.deployment.spec.replicas), [5, 1]);
    assert.deepStrictEqual(plan(0).tracks.map((t) => t.deployment.spec.replicas), [6, 0]);
  });

  it("exposes the same ports on every revision's Service", () => {
    const p = plan(50, { canary: { revision: "1-26-0", weight: 50 } });
    assert.deepStrictEqual(p.tracks[0].service?.spec.ports, p.service.spec.ports);
    assert.deepStrictEqual(p.tracks[1].service?.spec.ports, p.service.spec.ports);
  });

  it("exports a single weight of 100 without a canary", () => {
    const p = planGateway(validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns", trafficShifting: "external" }));
    assert.deepStrictEqual(p.externalWeights, { default: 100 });
  });

  it("creates no revision Services and exports no weights in replicas mode", () => {
    const p = planGateway(validateGateway({ stack: "t", gateway: "gw" }, { namespace: "ns" }));
    assert.ok(p.tracks.every((t) => t.service === undefined));
    assert.strictEqual(p.externalWeights, undefined);
  });
});
