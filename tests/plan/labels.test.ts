import * as assert from "assert";
import { gatewayLabels, isObjectName, podAnnotations, podLabels, selects, TRACK_LABEL, trackSelector } from "../../components/core";

describe("Istio labels", () => {
  const selectorCases: Array<[gateway: string, istio: string]> = [
    ["istio-ingressgateway", "ingressgateway"], // the chart strips an "istio-" prefix
    ["istio-egressgateway", "egressgateway"],
    ["payments-gateway", "payments-gateway"],
    ["istio", "istio"], // only a prefix followed by more is stripped
    ["payments-istio-gateway", "payments-istio-gateway"], // "istio-" inside the name stays
  ];
  for (const [gateway, istio] of selectorCases) {
    it(`selects ${gateway} by app: ${gateway} and istio: ${istio}`, () => {
      assert.deepStrictEqual(gatewayLabels(gateway), { app: gateway, istio });
    });
  }

  it("labels default-revision pods for the default injector only", () => {
    const labels = podLabels("gw", undefined);
    assert.strictEqual(labels["sidecar.istio.io/inject"], "true");
    assert.ok(!Object.keys(labels).includes("istio.io/rev"), "no istio.io/rev key at all, not even an empty one");
  });

  it("labels revisioned pods with istio.io/rev", () => {
    assert.strictEqual(podLabels("gw", "1-26-0")["istio.io/rev"], "1-26-0");
  });

  it("keeps gateway pods out of ambient capture", () => {
    assert.strictEqual(podLabels("gw", "1-26-0")["istio.io/dataplane-mode"], "none");
  });

  it("gives each revision a selector that does not select the other's pods", () => {
    const revisions = [undefined, "1-25-1", "1-26-0", "prod-stable"];
    for (const a of revisions) for (const b of revisions) {
      if (a === b) continue;
      const selector = trackSelector("gw", a);
      const pods = podLabels("gw", b);
      assert.ok(Object.entries(selector).some(([k, v]) => pods[k] !== v), `${a} selects ${b}`);
    }
  });

  it("puts the gateway labels on every track's pods, so one selector serves all", () => {
    for (const rev of [undefined, "1-25-1", "1-26-0"]) {
      const pods = podLabels("istio-ingressgateway", rev);
      for (const [k, v] of Object.entries(gatewayLabels("istio-ingressgateway"))) assert.strictEqual(pods[k], v);
      assert.strictEqual(pods[TRACK_LABEL], rev ?? "default");
    }
  });

  it("annotates pods with the gateway injection template and Prometheus scraping", () => {
    assert.deepStrictEqual(podAnnotations(), {
      "inject.istio.io/templates": "gateway",
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "15020",
      "prometheus.io/path": "/stats/prometheus",
    });
  });

  const selectsCases: Array<[rule: string, selector: Record<string, string>, labels: Record<string, string>, selected: boolean]> = [
    ["a selector takes pods that carry every one of its labels", { app: "gw", istio: "gw" }, { app: "gw", istio: "gw", extra: "x" }, true],
    ["a selector refuses pods that miss one of its labels", { app: "gw", istio: "gw" }, { app: "gw" }, false],
    ["a selector refuses pods with one of its labels at another value", { app: "gw", istio: "gw" }, { app: "gw", istio: "other" }, false],
    ["an empty selector takes every pod (Kubernetes matchLabels)", {}, { app: "gw" }, true],
  ];
  for (const [rule, selector, labels, selected] of selectsCases) it(rule, () => assert.strictEqual(selects(selector, labels), selected));
});

describe("object names (a Secret's, a GatewayClass's)", () => {
  const cases: Array<[name: string, valid: boolean]> = [
    ["cert", true], ["shop.example-com", true], ["a", true], ["0", true], ["a".repeat(253), true],
    ["a".repeat(254), false], ["", false], ["-cert", false], ["cert-", false], [".cert", false], ["cert.", false],
    ["Cert", false], ["shop_cert", false], ["cert_", false], ["shop cert", false],
  ];
  for (const [name, valid] of cases) {
    it(`${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}… (${name.length})` : name)} is ${valid ? "" : "not "}a name a Secret may have`, () => {
      assert.strictEqual(isObjectName(name), valid);
    });
  }
});

