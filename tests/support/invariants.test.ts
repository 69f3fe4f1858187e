import * as assert from "assert";
import { objectsOf, planGateway, validateGateway } from "../../components/core";
import { Manifest } from "../../tools/engine/manifest";
import { violations } from "./invariants";

// The invariant checker is what the stack tests trust; each rule must be able to fail.
describe("invariant checker", () => {
  const expected = { gw: { namespace: "ns", replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 25 } } };
  const fresh = (): any[] =>
    structuredClone(objectsOf(planGateway(validateGateway({ stack: "t", gateway: "gw" }, {
      namespace: "ns", createNamespace: true, replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 25 },
    }))));
  const find = (objs: any[], kind: string, i = 0) => objs.filter((o) => o.kind === kind)[i];

  const breaks: Array<[string, (objs: any[]) => void, RegExp]> = [
    ["a Gateway that selects no pods", (o) => (find(o, "Gateway").spec.selector.app = "other"), /Gateway does not select/],
    ["a Service that misses a track", (o) => (find(o, "Service").spec.selector["pulumi-istio-gateway/track"] = "1-25-1"), /Service does not select gw-1-26-0/],
    ["overlapping Deployment selectors", (o) => delete find(o, "Deployment").spec.selector.matchLabels["pulumi-istio-gateway/track"], /selects the pods of/],
    ["a Gateway port missing on the Service", (o) => find(o, "Service").spec.ports.pop(), /port 80 is not a Service target port/],
    ["a pod without the injection template", (o) => delete find(o, "Deployment").spec.template.metadata.annotations["inject.istio.io/templates"], /no gateway injection template/],
    ["a real image instead of auto", (o) => (find(o, "Deployment").spec.template.spec.containers[0].image = "istio/proxyv2"), /not image: auto/],
    ["a wrong revision label", (o) => (find(o, "Deployment", 1).spec.template.metadata.labels["istio.io/rev"] = "1-25-1"), /does not match track/],
    ["replicas that do not add up", (o) => (find(o, "Deployment").spec.replicas = 4), /replicas sum to 5/],
    ["a non-optimal canary", (o) => { find(o, "Deployment").spec.replicas = 2; find(o, "Deployment", 1).spec.replicas = 2; }, /canary has 2 pods, optimum 1/],
    ["a Role that cannot read secrets", (o) => (find(o, "Role").rules[0].verbs = ["get"]), /not bound to a Role that reads secrets/],
    ["a namespace that disables injection", (o) => (find(o, "Namespace").metadata.labels["istio-injection"] = "disabled"), /carries an injection label/],
  ];

  it("finds nothing wrong in a planned gateway", () => assert.deepStrictEqual(violations(fresh() as Manifest[], expected), []));

  const scaled = { gw: { namespace: "ns", replicas: 4, maxReplicas: 10, trafficShifting: "external", revision: "1-25-1", canary: { revision: "1-26-0", weight: 25 } } };
  const freshScaled = (): any[] =>
    structuredClone(objectsOf(planGateway(validateGateway({ stack: "t", gateway: "gw" }, {
      namespace: "ns", autoscaling: { minReplicas: 4, maxReplicas: 10 }, trafficShifting: "external", revision: "1-25-1", canary: { revision: "1-26-0", weight: 25 },
    }))));
  const scaledBreaks: Array<[string, (objs: any[]) => void, RegExp]> = [
    ["replicas on an HPA-scaled Deployment", (o) => (find(o, "Deployment").spec.replicas = 3), /carries spec.replicas although an HPA scales it/],
    ["a canary HPA above its share", (o) => (find(o, "HorizontalPodAutoscaler", 1).spec.maxReplicas = 5), /canary may scale to 5, its share is 3/],
    ["a missing disruption budget", (o) => o.splice(o.indexOf(find(o, "PodDisruptionBudget")), 1), /0 disruption budgets for up to 7 pods/],
    ["a budget that blocks drains", (o) => { find(o, "PodDisruptionBudget").spec = { ...find(o, "PodDisruptionBudget").spec, maxUnavailable: 0 }; }, /budget blocks drains/],
    ["a revision Service that selects both tracks", (o) => delete o.find((x) => x.kind === "Service" && x.metadata.name === "gw-1-25-1").spec.selector["pulumi-istio-gateway/track"], /gw-1-25-1: selects the wrong tracks/],
  ];
  it("finds nothing wrong in an autoscaled, externally shifted gateway", () => assert.deepStrictEqual(violations(freshScaled() as Manifest[], scaled), []));
  for (const [what, mutate, message] of scaledBreaks) {
    it(`flags ${what}`, () => {
      const objs = freshScaled();
      mutate(objs);
      assert.match(violations(objs as Manifest[], scaled).join("\n"), message);
    });
  }
  for (const [what, mutate, message] of breaks) {
    it(`flags ${what}`, () => {
      const objs = fresh();
      mutate(objs);
      assert.match(violations(objs as Manifest[], expected).join("\n"), message);
    });
  }
});
