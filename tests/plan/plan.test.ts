import * as assert from "assert";
import fc from "fast-check";
import { analyzeGateway, errorsOf, objectsOf, ownDeployment, planGateway, validateGateway } from "../../components/core";
import { Manifest } from "../../tools/engine/manifest";
import { gatewayConfig } from "../support/arbitrary";
import { expectedFrom, violations } from "../support/invariants";

function plan(config: Record<string, unknown>, gateway = "istio-ingressgateway") {
  return planGateway(validateGateway({ stack: "test", gateway }, config));
}

describe("gateway plan", () => {
  it("holds every invariant for any valid configuration", () => {
    fc.assert(fc.property(gatewayConfig, (config) => {
      const manifests = objectsOf(plan(config)) as unknown as Manifest[];
      const found = violations(manifests, expectedFrom({ "istio-ingressgateway": config }));
      assert.deepStrictEqual(found, [], JSON.stringify(config));
    }), { numRuns: 500 });
  });

  it("has no preflight error for any valid configuration", () => {
    fc.assert(fc.property(gatewayConfig, (config) => {
      const where = { stack: "test", gateway: "istio-ingressgateway" };
      const gw = validateGateway(where, config);
      assert.deepStrictEqual(errorsOf(analyzeGateway(where, gw, planGateway(gw))).map((f) => f.message), [], JSON.stringify(config));
    }), { numRuns: 300 });
  });

  it("names its Istio Gateway as a VirtualService's spec.gateways does: <namespace>/<name>, for any valid configuration", () => {
    fc.assert(fc.property(gatewayConfig, (config) => {
      const p = plan(config);
      assert.strictEqual(p.gatewayRef, `${p.gateway?.metadata.namespace}/${p.gateway?.metadata.name}`);
    }), { numRuns: 100 });
  });

  it("is the same for the same configuration", () => {
    fc.assert(fc.property(gatewayConfig, (config) => {
      assert.deepStrictEqual(plan(structuredClone(config)), plan(structuredClone(config)));
    }), { numRuns: 100 });
  });

  it("has one Deployment without a canary, and two with one", () => {
    assert.strictEqual(plan({ namespace: "ns" }).tracks.length, 1);
    assert.strictEqual(plan({ namespace: "ns", canary: { revision: "1-26-0" } }).tracks.length, 2);
  });

  it("keeps an empty canary track at weight 0, so the first step only scales it", () => {
    const tracks = plan({ namespace: "ns", replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 0 } }).tracks;
    assert.deepStrictEqual(tracks.map((t) => [t.deployment.metadata.name, t.deployment.spec.replicas]),
      [["istio-ingressgateway-1-25-1", 4], ["istio-ingressgateway-1-26-0", 0]]);
  });

  it("reports the achieved split beside the requested one", () => {
    const split = plan({ namespace: "ns", replicas: 3, revision: "1-25-1", canary: { revision: "1-26-0", weight: 50, steps: [50, 100] } })
      .tracks.map((t) => t.split);
    assert.deepStrictEqual(split, [
      { revision: "1-25-1", role: "stable", pods: 1, percent: 33.33, requestedPercent: 50 },
      { revision: "1-26-0", role: "canary", pods: 2, percent: 66.67, requestedPercent: 50 },
    ]);
  });

  it("creates the namespace only when asked, and never with an injection label", () => {
    assert.strictEqual(plan({ namespace: "ns" }).namespace, undefined);
    const ns = plan({ namespace: "ns", createNamespace: true, namespaceLabels: { team: "edge" } }).namespace;
    assert.deepStrictEqual(ns, { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns", labels: { team: "edge", "app.kubernetes.io/managed-by": "pulumi-istio-gateway" } } });
  });

  it("binds the SDS Role to the ServiceAccount the pods run as", () => {
    const p = plan({ namespace: "ns" });
    assert.strictEqual(p.roleBinding.subjects[0].name, ownDeployment(p.tracks[0]).spec.template.spec.serviceAccountName);
    assert.strictEqual(p.roleBinding.roleRef.name, p.role.metadata.name);
    assert.deepStrictEqual(p.role.rules, [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "watch", "list"] }]);
  });
});
