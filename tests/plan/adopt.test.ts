/**
 * Adoption in the pure core: what `adopt` accepts and refuses, what the plan imports, the adopted Deployment as the
 * stable track, the old install's objects carried until promote, and the checks of the live objects at preview.
 */
import * as assert from "assert";
import fc from "fast-check";
import { ADOPTED_TRACK, adoptedDeploymentKept, adoptionProblems, ConfigError, GatewayPlan, isOwnDeployment, objectKey, objectsOf, ownDeployment, planGateway, RETIRED_KEPT, validateGateway } from "../../components/core";

type Config = Record<string, unknown>;
const where = { stack: "t", gateway: "istio-ingressgateway" };
const SELECTOR = { app: "istio-ingressgateway", istio: "ingressgateway" };

/** istioctl's default install, adopted: its Deployment, HPA, PDB and RBAC; a canary at `weight`. */
function istioctl(weight = 0, extra: Config = {}): Config {
  return {
    namespace: "istio-system",
    autoscaling: { minReplicas: 2, maxReplicas: 5 },
    service: { type: "LoadBalancer", ports: [{ name: "http2", port: 80, targetPort: 8080 }] },
    istioGatewayName: "bookinfo-gateway",
    gatewaySelector: { istio: "ingressgateway" },
    servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*/*"] }],
    canary: { revision: "1-26-0", weight, steps: [50, 100], previousWeight: 0 },
    adopt: {
      existing: ["Service", "IstioGateway"],
      deployment: { name: "istio-ingressgateway", selector: SELECTOR, horizontalPodAutoscaler: "istio-ingressgateway" },
      retire: ["PodDisruptionBudget/istio-ingressgateway", "ServiceAccount/istio-ingressgateway-service-account"],
    },
    ...extra,
  };
}

const plan = (config: Config): GatewayPlan => planGateway(validateGateway(where, config));

function refusal(config: Config): string {
  try {
    validateGateway(where, config);
  } catch (e) {
    if (e instanceof ConfigError) return `${e.key}: ${e.message.split("; ").slice(1).join("; ")}`;
    throw e;
  }
  return "accepted";
}

describe("adopt: what the core refuses, naming the key", () => {
  const adopt = (a: Config, extra: Config = {}) => ({ namespace: "ns", replicas: 2, canary: { revision: "1-26-0" }, adopt: a, ...extra });
  const deployment = { name: "old", selector: { app: "old" } };
  const cases: Array<[string, Config, RegExp]> = [
    ["an unknown key", adopt({ deploymnet: deployment }), /^adopt\.deploymnet: .*did you mean "deployment"/],
    ["an unknown kind to keep", adopt({ existing: ["Deployment"] }), /^adopt\.existing\[0\]: use one of Service, ServiceAccount, Role, RoleBinding, IstioGateway/],
    ["a kind listed twice", adopt({ existing: ["Service", "Service"] }), /^adopt\.existing\[1\]: it is listed twice/],
    ["an Istio Gateway kept where none is made", adopt({ existing: ["IstioGateway"] }, { routingApi: "gateway-api" }), /^adopt\.existing: routingApi "gateway-api" makes no Istio Gateway/],
    ["a Deployment without its selector", adopt({ deployment: { name: "old" } }), /^adopt\.deployment\.selector: use a map/],
    ["an empty selector", adopt({ deployment: { name: "old", selector: {} } }), /^adopt\.deployment\.selector: use the Deployment's spec\.selector\.matchLabels/],
    ["a name that is no object name", adopt({ deployment: { name: "Old_GW", selector: { app: "x" } } }), /^adopt\.deployment\.name: use the object's name/],
    ["a revision beside the adopted Deployment", adopt({ deployment }, { revision: "1-25-1" }), /^revision: the adopted Deployment is the stable track/],
    ["external traffic shifting", adopt({ deployment }, { trafficShifting: "external" }), /^trafficShifting: an adopted Deployment has no Service of its own/],
    ["an HPA without autoscaling", adopt({ deployment: { ...deployment, horizontalPodAutoscaler: "old" } }), /^adopt\.deployment\.horizontalPodAutoscaler: .*add autoscaling/],
    ["retired objects without a Deployment", adopt({ retire: ["Role/old"] }), /^adopt\.retire: retired objects are deleted with the adopted Deployment/],
    ["a retired kind it cannot carry", adopt({ deployment, retire: ["ConfigMap/old"] }), /^adopt\.retire\[0\]: use Kind\/name with Kind one of/],
    ["a retired object that is the gateway's own", adopt({ deployment, retire: ["Role/istio-ingressgateway"] }), /^adopt\.retire\[0\]: that is this gateway's own Role, which it keeps/],
    ["the adopted HPA retired too", adopt({ deployment: { ...deployment, horizontalPodAutoscaler: "h" }, retire: ["HorizontalPodAutoscaler/h"] }, { replicas: undefined, autoscaling: {} }), /^adopt\.retire\[0\]: it is adopt\.deployment\.horizontalPodAutoscaler/],
    ["a namespace the stack would create", adopt({ existing: ["Service"] }, { createNamespace: true }), /^createNamespace: adopted objects live in a namespace that already exists/],
    ["a canary named like the adopted track", adopt({ deployment }, { canary: { revision: ADOPTED_TRACK } }), /^canary\.revision: it must differ from the stable track \("adopted"\)/],
    ["an adopted Deployment named as the canary's", adopt({ deployment: { name: "istio-ingressgateway-1-26-0", selector: { app: "x" } } }), /^adopt\.deployment\.name: it is the name the canary's Deployment gets/],
    ["an Istio Gateway name that is no object name", { namespace: "ns", istioGatewayName: "Bookinfo" }, /^istioGatewayName: use a Gateway name/],
  ];
  for (const [rule, config, expected] of cases) {
    it(`refuses ${rule}`, () => {
      const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
      assert.match(refusal(defined), expected);
    });
  }
});

describe("adopt: the plan", () => {
  it("imports the kept Service and Istio Gateway, the adopted Deployment and HPA, and every retired object", () => {
    assert.deepStrictEqual(plan(istioctl()).adoption?.imports, [
      "core Service/istio-ingressgateway", "networking.istio.io Gateway/bookinfo-gateway", "apps Deployment/istio-ingressgateway",
      "autoscaling HorizontalPodAutoscaler/istio-ingressgateway", "policy PodDisruptionBudget/istio-ingressgateway", "core ServiceAccount/istio-ingressgateway-service-account",
    ]);
  });

  it("imports exactly the planned objects it names, and the retired ones, never an object it creates", () => {
    const p = plan(istioctl(50));
    const imported = objectsOf(p).filter((o) => p.adoption?.imports.includes(objectKey(o))).map(objectKey);
    assert.deepStrictEqual([...imported].sort(), [...(p.adoption?.imports ?? [])].sort());
    const created = objectsOf(p).filter((o) => !p.adoption?.imports.includes(objectKey(o))).map((o) => o.metadata.name);
    assert.deepStrictEqual(created, ["istio-ingressgateway", "istio-ingressgateway", "istio-ingressgateway", "istio-ingressgateway-1-26-0", "istio-ingressgateway-1-26-0", "istio-ingressgateway-1-26-0"]);
  });

  it("tells the Istio Gateway from a Gateway API Gateway of the same name", () => {
    const p = plan(istioctl(0, { routingApi: "both", istioGatewayName: undefined, gatewaySelector: undefined, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["shop.example.com"] }] }));
    const gateways = objectsOf(p).filter((o) => o.kind === "Gateway");
    assert.deepStrictEqual(gateways.map((g) => [g.apiVersion, p.adoption?.imports.includes(objectKey(g))]),
      [["networking.istio.io/v1", true], ["gateway.networking.k8s.io/v1", false]]);
  });

  it("runs the adopted Deployment as the stable track: its name and selector as they are, no pod template", () => {
    const [stable] = plan(istioctl()).tracks;
    assert.strictEqual(stable.split.revision, ADOPTED_TRACK);
    assert.strictEqual(stable.deployment.metadata.name, "istio-ingressgateway");
    assert.deepStrictEqual(stable.deployment.spec.selector.matchLabels, SELECTOR);
    assert.strictEqual(isOwnDeployment(stable.deployment), false);
    assert.strictEqual(stable.pdb, undefined);
  });

  it("hands the adopted Deployment's pod count to its HPA, whose bounds follow the split", () => {
    const [stable] = plan(istioctl(50)).tracks;
    assert.strictEqual("replicas" in stable.deployment.spec, false);
    assert.deepStrictEqual([stable.hpa?.metadata.name, stable.hpa?.spec.scaleTargetRef.name, stable.hpa?.spec.minReplicas], ["istio-ingressgateway", "istio-ingressgateway", 1]);
    assert.strictEqual(stable.hpa?.spec.maxReplicas, stable.split.maxPods);
    assert.deepStrictEqual(stable.kept, adoptedDeploymentKept(true));
  });

  it("keeps the adopted Deployment's labels, selector, pod template and update settings as the cluster has them; with an HPA, its pod count too", () => {
    const kept = ["metadata.labels", "spec.selector", "spec.template", "spec.strategy", "spec.minReadySeconds", "spec.revisionHistoryLimit", "spec.progressDeadlineSeconds"];
    assert.deepStrictEqual(adoptedDeploymentKept(false), kept);
    assert.deepStrictEqual(adoptedDeploymentKept(true), [...kept, "spec.replicas"]);
  });

  it("has no pod template of its own to hand out: ownDeployment refuses the adopted track", () => {
    const [stable] = plan(istioctl()).tracks;
    assert.throws(() => ownDeployment(stable), /^Error: istio-ingressgateway is adopted: its pod template is the cluster's$/);
  });

  it("sets the adopted Deployment's pods itself when no HPA scales it, and keeps its template either way", () => {
    const config = istioctl(50, { autoscaling: undefined, replicas: 4, adopt: { deployment: { name: "istio-ingressgateway", selector: SELECTOR } } });
    const [stable] = plan(config).tracks;
    assert.strictEqual(stable.deployment.spec.replicas, 2);
    assert.ok(stable.kept?.includes("spec.template") && stable.kept.includes("spec.selector") && !stable.kept.includes("spec.replicas"));
  });

  it("at 100% leaves the adopted Deployment no pods and no HPA", () => {
    const [stable] = plan(istioctl(100)).tracks;
    assert.strictEqual(stable.deployment.spec.replicas, 0);
    assert.strictEqual(stable.hpa, undefined);
  });

  it("carries each retired object by name alone, every field kept from the cluster", () => {
    assert.deepStrictEqual(plan(istioctl()).adoption?.retired, [
      { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "istio-ingressgateway", namespace: "istio-system" } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "istio-ingressgateway-service-account", namespace: "istio-system" } },
    ]);
    // Every top-level field of the kinds it retires (a ServiceAccount's secrets, imagePullSecrets and token mount too).
    assert.deepStrictEqual([...RETIRED_KEPT].sort(), ["automountServiceAccountToken", "imagePullSecrets", "metadata", "roleRef", "rules", "secrets", "spec", "subjects"]);
  });

  it("carries a retired Role and RoleBinding at their RBAC API version", () => {
    const p = plan(istioctl(0, { adopt: { deployment: { name: "istio-ingressgateway", selector: SELECTOR }, retire: ["Role/old", "RoleBinding/old"] }, autoscaling: undefined, replicas: 2 }));
    assert.deepStrictEqual(p.adoption?.retired.map((o) => `${o.apiVersion} ${o.kind}`), ["rbac.authorization.k8s.io/v1 Role", "rbac.authorization.k8s.io/v1 RoleBinding"]);
  });

  it("bounds the adopted Deployment's update by updateTimeoutSeconds, as its own", () => {
    const [stable] = plan(istioctl(0, { updateTimeoutSeconds: 120 })).tracks;
    assert.strictEqual(stable.deployment.metadata.annotations?.["pulumi.com/timeoutSeconds"], "120");
  });

  it("imports only the kept objects when no Deployment is adopted", () => {
    const p = plan({ namespace: "istio-system", replicas: 2, adopt: { existing: ["Service"] } });
    assert.deepStrictEqual(p.adoption?.imports, ["core Service/istio-ingressgateway"]);
  });

  it("names the Istio Gateway istioGatewayName and routes to it by that name", () => {
    const p = plan(istioctl());
    assert.strictEqual(p.gateway?.metadata.name, "bookinfo-gateway");
    assert.strictEqual(p.gatewayRef, "istio-system/bookinfo-gateway");
    assert.deepStrictEqual(p.gateway?.spec.selector, { istio: "ingressgateway" });
  });

  it("plans the canary's pods like any canary: their labels carry the Service's selector", () => {
    const canary = plan(istioctl(50)).tracks[1];
    assert.ok(isOwnDeployment(canary.deployment));
    const labels = canary.deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(SELECTOR)) assert.strictEqual(labels[k], v);
  });

  it("keeps every pod on one track or the other at every weight (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), fc.constantFrom(0, 10, 25, 50, 100), (replicas, weight) => {
      const config = istioctl(weight, { autoscaling: undefined, replicas, canary: { revision: "1-26-0", weight, steps: [10, 25, 50, 100], previousWeight: 0 },
        adopt: { deployment: { name: "istio-ingressgateway", selector: SELECTOR } } });
      const tracks = plan(config).tracks;
      const pods = tracks.map((t) => t.deployment.spec.replicas ?? 0);
      return pods[0] + pods[1] === replicas && (weight === 0 ? pods[1] === 0 : true) && (weight === 100 ? pods[0] === 0 : true);
    }));
  });
});

describe("adopt: the live objects at preview", () => {
  // Planned inside each test, not at describe time: code run while mocha loads the file is "static" to Stryker
  // (npm run mutation), and every mutant it covers would need the whole suite rerun.
  const planned = () => { const gw = validateGateway(where, istioctl()); return { gw, p: planGateway(gw) }; };
  const live = { service: { type: "LoadBalancer", selector: SELECTOR }, deployment: { selector: SELECTOR } };
  const cases: Array<[string, typeof live | Record<string, unknown>, RegExp | undefined]> = [
    ["what the stack file was written from", live, undefined],
    ["a Service of another type", { ...live, service: { ...live.service, type: "NodePort" } }, /^service\.type .*the adopted Service istio-system\/istio-ingressgateway is NodePort; changing its type would give up its address/],
    ["a Service selecting other pods", { ...live, service: { ...live.service, selector: { app: "other" } } }, /^adopt\.existing .*selects \{"app":"other"\}.*leave the running pods behind/],
    ["a Deployment with another selector", { ...live, deployment: { selector: { app: "x" } } }, /^adopt\.deployment\.selector .*a Deployment's selector cannot change/],
    ["a Service that is gone", { deployment: live.deployment }, /^adopt\.existing .*Service istio-system\/istio-ingressgateway does not exist/],
    ["a Deployment that is gone", { service: live.service }, /^adopt\.deployment\.name .*Deployment istio-system\/istio-ingressgateway does not exist/],
  ];
  it("has nothing to check for a gateway that adopts nothing", () => {
    const gw = validateGateway(where, { namespace: "ns", replicas: 2 });
    assert.deepStrictEqual(adoptionProblems(where, gw, planGateway(gw), {}), []);
  });

  it("checks only what is adopted: a kept Service alone needs no Deployment, a Deployment alone no Service", () => {
    const service = validateGateway(where, { namespace: "ns", replicas: 2, adopt: { existing: ["Service"] } });
    assert.deepStrictEqual(adoptionProblems(where, service, planGateway(service), { service: { type: "LoadBalancer", selector: SELECTOR } }), []);
    const deployment = validateGateway(where, { namespace: "ns", replicas: 2, adopt: { deployment: { name: "old", selector: SELECTOR } } });
    assert.deepStrictEqual(adoptionProblems(where, deployment, planGateway(deployment), { deployment: { selector: SELECTOR } }), []);
  });

  it("names an adopted Deployment the cluster returns without a selector as selecting {}", () => {
    const { gw, p } = planned();
    const [problem] = adoptionProblems(where, gw, p, { ...live, deployment: {} });
    assert.match(problem?.message ?? "", /Deployment istio-system\/istio-ingressgateway selects \{\}; a Deployment's selector cannot change/);
  });

  for (const [what, state, expected] of cases) {
    it(expected ? `stops on ${what}` : `passes ${what}`, () => {
      const { gw, p } = planned();
      const problems = adoptionProblems(where, gw, p, state).map((e) => e.message.replace(/^stack "t", gateway "istio-ingressgateway": /, ""));
      if (expected) assert.match(problems[0] ?? "", expected);
      else assert.deepStrictEqual(problems, []);
    });
  }
});
