/**
 * The e2e suite's injection check, offline: what makes a stored pod a gateway injected by its own revision's
 * istiod. If it passed a wrong pod, the e2e scenarios that rely on it would prove nothing.
 */
import * as assert from "assert";
import { KubeObject } from "../../tools/cluster/kube-api";
import { expectedInjector, injectionProblem, revisionRoutes } from "../e2e/support/injection";

const routes = revisionRoutes({
  "1-25-1": { revision: "1-25-1", tags: ["default", "prod-stable"] },
  "1-26-0": { revision: "1-26-0", tags: [] },
});

/** A pod as 1-26-0's injector stores it (gateway template); `change` breaks one part of it. */
function injected(change: (pod: { metadata: Record<string, any>; spec: { containers: Array<Record<string, any>> } }) => void = () => undefined): KubeObject {
  const pod = {
    metadata: {
      name: "gw-abc", namespace: "istio-ingress", uid: "u1",
      labels: { "istio.io/rev": "1-26-0", "pulumi-istio-gateway/track": "1-26-0" },
      annotations: { "inject.istio.io/templates": "gateway", "sidecar.istio.io/status": JSON.stringify({ containers: ["istio-proxy"], revision: "1-26-0" }) },
    },
    spec: {
      containers: [{
        name: "istio-proxy", image: "docker.io/istio/proxyv2:1.26.0", args: ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local"],
        env: [{ name: "PROXY_CONFIG", value: JSON.stringify({ discoveryAddress: "istiod-1-26-0.istio-system.svc:15012" }) }],
      }],
    },
  };
  change(pod);
  return pod as unknown as KubeObject;
}

describe("injection check (the e2e suite's view of istiod's injector)", () => {
  it("passes a pod injected by its own revision", () => {
    assert.strictEqual(injectionProblem(injected(), routes), undefined);
  });

  const broken: Array<[string, Parameters<typeof injected>[0], RegExp]> = [
    ["an image still auto", (p) => { p.spec.containers[0].image = "auto"; }, /image is "auto", not 1-26-0's docker.io\/istio\/proxyv2:1.26.0/],
    ["another revision's proxy image", (p) => { p.spec.containers[0].image = "docker.io/istio/proxyv2:1.25.1"; }, /not 1-26-0's/],
    ["no istio-proxy container", (p) => { p.spec.containers[0].name = "envoy"; }, /no istio-proxy container/],
    ["the sidecar template", (p) => { p.spec.containers[0].args = ["proxy", "sidecar"]; }, /not the gateway template's/],
    ["no gateway template annotation", (p) => { delete p.metadata.annotations["inject.istio.io/templates"]; }, /inject.istio.io\/templates is undefined/],
    ["a status naming another revision", (p) => { p.metadata.annotations["sidecar.istio.io/status"] = JSON.stringify({ revision: "1-25-1" }); }, /status names revision "1-25-1", not 1-26-0/],
    ["a status that is not JSON", (p) => { p.metadata.annotations["sidecar.istio.io/status"] = "{"; }, /status names revision undefined/],
    ["another istiod's discovery address", (p) => { p.spec.containers[0].env[0].value = JSON.stringify({ discoveryAddress: "istiod-1-25-1.istio-system.svc:15012" }); }, /discoveryAddress is "istiod-1-25-1/],
    ["a track no istiod serves", (p) => { p.metadata.labels["pulumi-istio-gateway/track"] = "1-27-0"; }, /no istiod serves its track 1-27-0/],
    // The mutant the issue names: the canary's pods labelled with the stable's revision get the stable's proxy.
    ["a canary pod labelled and injected as the stable", (p) => {
      p.metadata.labels["istio.io/rev"] = "1-25-1";
      p.spec.containers[0].image = "docker.io/istio/proxyv2:1.25.1";
    }, /image is "docker.io\/istio\/proxyv2:1.25.1", not 1-26-0's/],
  ];
  for (const [what, change, message] of broken) {
    it(`names the pod and the fault for ${what}`, () => {
      assert.match(injectionProblem(injected(change), routes) ?? "passed", message);
      assert.match(injectionProblem(injected(change), routes) ?? "", /^istio-ingress\/gw-abc: /);
    });
  }

  it("leaves an installer's pod that opts out of injection alone, but never one of the component's tracks", () => {
    const optOut = injected((p) => { p.metadata.labels = { "istio.io/rev": "default", "sidecar.istio.io/inject": "false" }; p.spec.containers[0].image = "docker.io/istio/proxyv2:1.24.0"; });
    assert.strictEqual(injectionProblem(optOut, routes), undefined);
    const ours = injected((p) => { p.metadata.labels["sidecar.istio.io/inject"] = "false"; p.spec.containers[0].image = "auto"; });
    assert.match(injectionProblem(ours, routes) ?? "passed", /image is "auto"/);
  });

  const injectors: Array<[string, Record<string, string>, string | undefined]> = [
    ["a pod with no track, by its revision label", { "istio.io/rev": "1-26-0" }, "1-26-0"],
    ["a pod with no track, by its tag label", { "istio.io/rev": "prod-stable" }, "1-25-1"],
    ["a pod with no label (the default tag)", {}, "1-25-1"],
    ["a pod of an unknown revision", { "istio.io/rev": "1-27-0" }, undefined],
    ["a canary pod by its track, whatever its label", { "istio.io/rev": "1-25-1", "pulumi-istio-gateway/track": "1-26-0" }, "1-26-0"],
    ["a tag's track", { "istio.io/rev": "prod-stable", "pulumi-istio-gateway/track": "prod-stable" }, "1-25-1"],
    ["the default track (the default tag)", { "sidecar.istio.io/inject": "true", "pulumi-istio-gateway/track": "default" }, "1-25-1"],
    ["an adopted pod, by its installer's label", { "istio.io/rev": "1-26-0", "pulumi-istio-gateway/track": "adopted" }, "1-26-0"],
  ];
  for (const [what, labels, revision] of injectors) {
    it(`routes ${what} to ${revision ?? "no"} istiod`, () => {
      assert.strictEqual(expectedInjector({ metadata: { name: "p", labels } } as KubeObject, routes), revision);
    });
  }
});
