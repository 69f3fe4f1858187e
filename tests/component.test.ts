import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { IstioGateway as IstioGatewayClass } from "../components";
import { IstioGatewayArgs } from "../components/args";
import { manifestsOf } from "../tools/engine/manifest";
import { ProgramError, Registered } from "../tools/engine/offline";
import { violations } from "./support/invariants";
import { register, valueOf } from "./support/mocks";

describe("IstioGateway component (under mocks)", () => {
  let IstioGateway: typeof IstioGatewayClass;
  before(() => {
    // Loaded after the runner has set Pulumi's mocks (tools/offline), never before.
    IstioGateway = require("../components").IstioGateway;
  });

  const args: IstioGatewayArgs = {
    namespace: "istio-ingress",
    createNamespace: true,
    replicas: 4,
    revision: "1-25-1",
    canary: { revision: "1-26-0", weight: 25, previousWeight: 10 },
    servers: [
      { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] },
      { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["*"], tls: { mode: "SIMPLE", credentialName: "cert" } },
    ],
  };

  let gw: IstioGatewayClass;
  let resources: Registered[];
  before(async () => {
    resources = await register(() => { gw = new IstioGateway("istio-ingressgateway", args); });
  });

  it("registers itself with the istio-gateway:index:IstioGateway type (the package name without its scope, as the plugin host requires)", () => {
    assert.deepStrictEqual(resources.filter((r) => r.type === "istio-gateway:index:IstioGateway").map((r) => r.name), ["istio-ingressgateway"]);
  });

  it("retains the namespace it creates, and nothing else", () => {
    assert.deepStrictEqual(resources.filter((r) => r.retainOnDelete).map((r) => r.name), ["istio-ingressgateway-namespace"]);
  });

  it("lets its namespace go with it when told so (retainNamespace: false)", async () => {
    const own = await register(() => new IstioGateway("gw", { ...args, retainNamespace: false }));
    assert.deepStrictEqual(own.filter((r) => r.retainOnDelete).map((r) => r.name), []);
  });

  it("registers every planned object as a child named after the component", () => {
    const children = resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => `${r.type} ${r.name}`).sort();
    assert.deepStrictEqual(children, [
      "kubernetes:apps/v1:Deployment istio-ingressgateway-1-25-1",
      "kubernetes:apps/v1:Deployment istio-ingressgateway-1-26-0",
      "kubernetes:core/v1:Namespace istio-ingressgateway-namespace",
      "kubernetes:core/v1:Service istio-ingressgateway-service",
      "kubernetes:core/v1:ServiceAccount istio-ingressgateway-serviceaccount",
      "kubernetes:networking.istio.io/v1:Gateway istio-ingressgateway-gateway",
      "kubernetes:policy/v1:PodDisruptionBudget istio-ingressgateway-1-25-1-pdb",
      "kubernetes:rbac.authorization.k8s.io/v1:Role istio-ingressgateway-role",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding istio-ingressgateway-rolebinding",
    ]);
  });

  it("parents its children to itself", async () => {
    const urns = await Promise.all([gw.service.urn, gw.gateway!.urn, ...Object.values(gw.deployments).map((d) => d.urn)].map(valueOf));
    for (const urn of urns) assert.match(urn, /::istio-gateway:index:IstioGateway\$kubernetes:/);
  });

  it("holds every invariant in the objects it registers", () => {
    const expected = { "istio-ingressgateway": { namespace: "istio-ingress", replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 25 } } };
    assert.deepStrictEqual(violations(manifestsOf(resources), expected), []);
  });

  it("outputs the Deployments keyed by revision", () => {
    assert.deepStrictEqual(Object.keys(gw.deployments), ["1-25-1", "1-26-0"]);
  });

  it("outputs the achieved split", () => {
    assert.deepStrictEqual(gw.split.map((s) => [s.revision, s.pods, s.percent]), [["1-25-1", 3, 75], ["1-26-0", 1, 25]]);
  });

  it("outputs the selector labels and the Service's DNS name", () => {
    assert.deepStrictEqual(gw.selectorLabels, { app: "istio-ingressgateway", istio: "ingressgateway" });
    assert.strictEqual(gw.serviceDnsName, "istio-ingressgateway.istio-ingress.svc.cluster.local");
  });

  it("outputs the Service and the Gateway as resources", async () => {
    assert.strictEqual(await valueOf(gw.service.metadata.name), "istio-ingressgateway");
    assert.strictEqual(await valueOf(gw.gateway!.apiVersion), "networking.istio.io/v1");
  });

  it("outputs the reference VirtualServices put in spec.gateways", () => {
    assert.strictEqual(gw.gatewayRef, "istio-ingress/istio-ingressgateway");
  });

  it("refuses bad arguments before registering anything, with the stack, gateway and key", async () => {
    await assert.rejects(register(() => { new IstioGateway("gw", { namespace: "ns", replicas: 0 }); }, {}, "dev"), (e: ProgramError) => {
      assert.strictEqual(e.message, 'stack "dev", gateway "gw": replicas is 0; use a whole number from 1 to 10000');
      assert.ok(pulumi.RunError.isInstance(e.cause), "not reported as a RunError");
      assert.deepStrictEqual(e.registered, []);
      return true;
    });
  });

  it("warns through Pulumi's log when it has to assume the canary grows", async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m); // the mocks have no engine: Pulumi logs to the console
    try {
      await register(() => { new IstioGateway("gw", { ...args, canary: { revision: "1-26-0", weight: 25 } }); });
    } finally {
      console.warn = warn;
    }
    assert.strictEqual(warnings.filter((w) => /stack "test", gateway "gw": canary.previousWeight is missing; \[CanaryDirectionAssumed\]/.test(w)).length, 1);
  });

  it("makes no Gateway API Gateway and no parentRefs by default (routingApi istio)", () => {
    assert.strictEqual(gw.kubernetesGateway, undefined);
    assert.strictEqual(gw.parentRefs, undefined);
  });

  describe("routingApi", () => {
    const kinds = (rs: Registered[]) => rs.filter((r) => /:Gateway /.test(`${r.type} `)).map((r) => `${r.type} ${r.name}`);
    const cases = [
      { api: "gateway-api", children: ["kubernetes:gateway.networking.k8s.io/v1:Gateway gw-gateway-api"], gatewayRef: undefined },
      { api: "both", children: ["kubernetes:networking.istio.io/v1:Gateway gw-gateway", "kubernetes:gateway.networking.k8s.io/v1:Gateway gw-gateway-api"], gatewayRef: "istio-ingress/gw" },
    ] as const;
    for (const c of cases) {
      it(`${c.api}: registers ${c.children.length === 1 ? "only the Gateway API Gateway" : "both Gateways"}, after the Service`, async () => {
        let made: IstioGatewayClass | undefined;
        const rs = await register(() => { made = new IstioGateway("gw", { ...args, routingApi: c.api }); });
        assert.deepStrictEqual(kinds(rs), c.children);
        assert.strictEqual(made?.gatewayRef, c.gatewayRef);
        assert.deepStrictEqual(made?.parentRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw", namespace: "istio-ingress" }]);
        assert.strictEqual(await valueOf(made!.kubernetesGateway!.apiVersion), "gateway.networking.k8s.io/v1");
        const service = rs.find((r) => r.name === "gw-service")?.urn;
        assert.ok(rs.find((r) => r.name === "gw-gateway-api")?.dependencies?.includes(service as string), "the Gateway API Gateway does not wait for the Service");
      });
    }
  });

  describe("adopt", () => {
    const adopted: IstioGatewayArgs = {
      namespace: "istio-system", replicas: 2, service: { type: "LoadBalancer", ports: [{ name: "http2", port: 80, targetPort: 8080 }] },
      istioGatewayName: "bookinfo-gateway", gatewaySelector: { istio: "ingressgateway" },
      servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*/*"] }],
      canary: { revision: "1-26-0", weight: 50, steps: [50, 100], previousWeight: 0 },
      adopt: { existing: ["Service", "IstioGateway"], deployment: { name: "istio-ingressgateway", selector: { app: "istio-ingressgateway", istio: "ingressgateway" } },
        retire: ["RoleBinding/istio-ingressgateway-sds"] },
    };
    let rs: Registered[];
    before(async () => { rs = await register(() => { new IstioGateway("istio-ingressgateway", adopted); }); });
    const named = (name: string) => rs.find((r) => r.name === name) as Registered;

    it("imports the kept, adopted and retired objects by namespace/name, and creates the rest", () => {
      assert.deepStrictEqual(rs.filter((r) => r.importId).map((r) => `${r.name} ← ${r.importId}`).sort(), [
        "istio-ingressgateway-adopted ← istio-system/istio-ingressgateway",
        "istio-ingressgateway-gateway ← istio-system/bookinfo-gateway",
        "istio-ingressgateway-retired-rolebinding-istio-ingressgateway-sds ← istio-system/istio-ingressgateway-sds",
        "istio-ingressgateway-service ← istio-system/istio-ingressgateway",
      ]);
    });

    it("keeps the adopted Deployment's selector and pod template, and every field of a retired object, as the cluster has them", () => {
      assert.deepStrictEqual(named("istio-ingressgateway-adopted").ignoreChanges?.filter((p) => p.startsWith("spec.")).slice(0, 3), ["spec.selector", "spec.template", "spec.strategy"]);
      assert.ok(named("istio-ingressgateway-retired-rolebinding-istio-ingressgateway-sds").ignoreChanges?.includes("roleRef"));
      assert.strictEqual(named("istio-ingressgateway-retired-rolebinding-istio-ingressgateway-sds").type, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
    });

    it("never lets a Service's ClusterIP into a diff, adopted or not", () => {
      assert.deepStrictEqual(named("istio-ingressgateway-service").ignoreChanges, ["spec.clusterIP", "spec.clusterIPs"]);
      assert.deepStrictEqual(resources.find((r) => r.name === "istio-ingressgateway-service")?.ignoreChanges, ["spec.clusterIP", "spec.clusterIPs"]);
    });

    it("grows the canary before the adopted Deployment shrinks", () => {
      assert.ok(named("istio-ingressgateway-adopted").dependencies?.includes(named("istio-ingressgateway-1-26-0").urn as string));
    });
  });

  it("registers the same inputs for the same arguments", async () => {
    const again = await register(() => { new IstioGateway("istio-ingressgateway", structuredClone(args)); });
    assert.deepStrictEqual(again, resources);
  });
});
