import * as assert from "assert";
import fc from "fast-check";
import { objectsOf, planGateway, validateGateway } from "../../components/core";
import * as checks from "../../policy/checks";
import { Obj, StackObject } from "../../policy/objects";
import { gatewayApiConfig, gatewayConfig } from "../support/arbitrary";

const COMPONENT_URN = "urn:pulumi:test::p::istio-gateway:index:IstioGateway::gw";

/** A gateway as the component registers it: the component with its split, and each object as a child. */
function componentStack(config: Record<string, unknown>): StackObject[] {
  const plan = planGateway(validateGateway({ stack: "test", gateway: "gw" }, config));
  const children = objectsOf(plan).map((o): StackObject => {
    const group = o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`;
    return { type: `kubernetes:${group}:${o.kind}`, name: `gw-${o.kind}-${o.metadata.name}`, urn: `urn:${o.kind}:${o.metadata.name}`, parent: COMPONENT_URN, props: structuredClone(o) as unknown as Obj };
  });
  return [{ type: "istio-gateway:index:IstioGateway", name: "gw", urn: COMPONENT_URN, props: { split: plan.tracks.map((t) => t.split) } }, ...children];
}

const STACK_CHECKS = {
  imageAutoWithoutInjection: checks.imageAutoWithoutInjection, revisionNotPinned: checks.revisionNotPinned,
  overlappingSelectors: checks.overlappingSelectors, gatewaySelectsNothing: checks.gatewaySelectsNothing,
  portNotOnService: checks.portNotOnService, withoutDisruptionBudget: checks.withoutDisruptionBudget,
  canarySplitMismatch: checks.canarySplitMismatch,
};

/** Every finding of every check, stack and resource checks alike, as "check: message". */
function allFindings(objects: StackObject[]): string[] {
  return [
    ...Object.entries(STACK_CHECKS).flatMap(([name, check]) => check(objects).map((f) => `${name}: ${f.message}`)),
    ...objects.filter((o) => o.type === "kubernetes:apps/v1:Deployment").flatMap((o) => checks.podNotHardened(o.props).map((m) => `podNotHardened: ${m}`)),
    ...objects.filter((o) => o.type === "kubernetes:core/v1:Service").flatMap((o) => checks.openLoadBalancer(o.props).map((m) => `openLoadBalancer: ${m}`)),
  ];
}

const BASE = { namespace: "edge", replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 25, steps: [25, 50, 100] }, service: { type: "ClusterIP" } };
const find = (objects: StackObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.type.endsWith(`:${kind}`) && (x.props.metadata as { name: string }).name === name);
  assert.ok(o, `${kind} ${name}`);
  return o;
};
const spec = (o: StackObject) => o.props.spec as Record<string, any>;

describe("policy checks (policy/checks.ts)", () => {
  // Two advisories follow from a configuration rather than from the component: no `revision` is the default
  // revision on purpose, and the default Service is an internet-facing LoadBalancer unless `service` says otherwise.
  const CHOSEN_BY_CONFIG = /^(revisionNotPinned|openLoadBalancer): /;

  it("find nothing in what the component registers, for any valid gateway, but what its configuration chose", () => {
    // A Gateway API Gateway (routingApi gateway-api or both) is one more object of the component's own.
    fc.assert(fc.property(fc.oneof(gatewayConfig, gatewayApiConfig), (config) => {
      assert.deepStrictEqual(allFindings(componentStack(config)).filter((f) => !CHOSEN_BY_CONFIG.test(f)), [], JSON.stringify(config));
    }), { numRuns: 300 });
  });

  it("advise on exactly those two for the default gateway", () => {
    assert.deepStrictEqual(allFindings(componentStack({ namespace: "edge" })).map((f) => f.split(":")[0]), ["revisionNotPinned", "openLoadBalancer"]);
  });

  // Each mistake, made to the component's own objects, is found by exactly the checks named, each of them, and
  // nothing else is: every pattern must match a finding, and every finding a pattern.
  const mistakes: Array<[mistake: string, edit: (objects: StackObject[]) => void, findings: RegExp[]]> = [
    ["pods opt out of injection", (o) => { spec(find(o, "Deployment", "gw-1-25-1")).template.metadata.labels["sidecar.istio.io/inject"] = "false"; },
      [/^imageAutoWithoutInjection: Deployment edge\/gw-1-25-1 runs image: auto, but its pods carry sidecar\.istio\.io\/inject: "false"/]],
    ["pods lose the gateway template", (o) => { delete spec(find(o, "Deployment", "gw-1-26-0")).template.metadata.annotations["inject.istio.io/templates"]; },
      [/^imageAutoWithoutInjection: Deployment edge\/gw-1-26-0 .*does not name "gateway"/]],
    ["pods lose every injection label", (o) => {
      const labels = spec(find(o, "Deployment", "gw-1-25-1")).template.metadata.labels;
      delete labels["sidecar.istio.io/inject"]; delete labels["istio.io/rev"];
    }, [/^imageAutoWithoutInjection: Deployment edge\/gw-1-25-1 .*nothing turns injection on/, /^revisionNotPinned: Deployment edge\/gw-1-25-1 names no control-plane revision/]],
    ["a container may escalate", (o) => { spec(find(o, "Deployment", "gw-1-25-1")).template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; },
      [/^podNotHardened: Deployment edge\/gw-1-25-1: container istio-proxy does not set allowPrivilegeEscalation: false$/]],
    ["the sysctl is gone", (o) => { spec(find(o, "Deployment", "gw-1-26-0")).template.spec.securityContext.sysctls = []; },
      [/^podNotHardened: Deployment edge\/gw-1-26-0: .*lack the sysctl net\.ipv4\.ip_unprivileged_port_start=0/]],
    ["the canary's selector drops its track", (o) => { delete spec(find(o, "Deployment", "gw-1-26-0")).selector.matchLabels["pulumi-istio-gateway/track"]; },
      [/^overlappingSelectors: Deployment edge\/gw-1-25-1 and Deployment edge\/gw-1-26-0 have overlapping selectors/]],
    ["the Gateway selects a label no pod has", (o) => { spec(find(o, "Gateway", "gw")).selector = { istio: "other" }; },
      [/^gatewaySelectsNothing: Gateway edge\/gw: its selector \{"istio":"other"\} matches the pods of no Deployment/]],
    ["a server port the Service does not forward", (o) => { spec(find(o, "Gateway", "gw")).servers.push({ port: { number: 8443, name: "https-alt", protocol: "HTTPS" }, hosts: ["*"] }); },
      [/^portNotOnService: Gateway edge\/gw: port 8443 is not forwarded/]],
    ["the stable budget is gone", (o) => { o.splice(o.indexOf(find(o, "PodDisruptionBudget", "gw-1-25-1")), 1); },
      [/^withoutDisruptionBudget: Deployment edge\/gw-1-25-1 runs 3 pods and no PodDisruptionBudget/]],
    ["the Service is an open load balancer", (o) => { spec(find(o, "Service", "gw")).type = "LoadBalancer"; },
      [/^openLoadBalancer: Service edge\/gw is a LoadBalancer open to the internet/]],
    ["a Deployment runs other than its split", (o) => { spec(find(o, "Deployment", "gw-1-25-1")).replicas = 2; },
      [/^canarySplitMismatch: IstioGateway gw: Deployment gw-1-25-1 runs 2 pods where the split says 3$/]],
    ["the split is not the plan's", (o) => {
      const split = (o[0].props.split as Array<{ pods: number; role: string }>);
      split[0].pods = 2; split[1].pods = 2;
      spec(find(o, "Deployment", "gw-1-25-1")).replicas = 2; spec(find(o, "Deployment", "gw-1-26-0")).replicas = 2;
      // (and the canary, now at 2 pods, has no budget: the plan gave it none at 1 pod)
    }, [/^canarySplitMismatch: IstioGateway gw: its split puts 2 of 4 pods on the canary at 25%, where the plan gives 1/, /^withoutDisruptionBudget: Deployment edge\/gw-1-26-0 runs 2 pods/]],
  ];
  for (const [mistake, edit, findings] of mistakes) {
    it(`finds it when ${mistake}`, () => {
      const objects = componentStack(BASE);
      edit(objects);
      const found = allFindings(objects);
      for (const f of findings) assert.ok(found.some((x) => f.test(x)), `no finding matches ${f}; found: ${found.join(" | ")}`);
      assert.deepStrictEqual(found.filter((x) => !findings.some((f) => f.test(x))), [], `found besides ${findings.join(", ")}`);
    });
  }

  it("accepts a load balancer that states its source ranges, even 0.0.0.0/0, or is internal", () => {
    const lb = (extra: Obj) => ({ metadata: { name: "gw", namespace: "edge", annotations: extra.annotations ?? {} }, spec: { type: "LoadBalancer", selector: { istio: "gw" }, ...extra.spec as Obj } });
    assert.deepStrictEqual(checks.openLoadBalancer(lb({ spec: { loadBalancerSourceRanges: ["0.0.0.0/0"] } })), []);
    assert.deepStrictEqual(checks.openLoadBalancer(lb({ annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } })), []);
    assert.deepStrictEqual(checks.openLoadBalancer(lb({ annotations: { "networking.gke.io/load-balancer-type": "Internal" } })), []);
    assert.strictEqual(checks.openLoadBalancer(lb({})).length, 1);
  });

  it("looks only at gateways: a plain web Deployment and a Service without Istio's selector pass", () => {
    const web: StackObject = { type: "kubernetes:apps/v1:Deployment", name: "web", urn: "urn:web", props: {
      metadata: { name: "web" }, spec: { replicas: 5, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
    } };
    const svc: StackObject = { type: "kubernetes:core/v1:Service", name: "web", urn: "urn:svc", props: { metadata: { name: "web" }, spec: { type: "LoadBalancer", selector: { app: "web" } } } };
    assert.deepStrictEqual(allFindings([web, svc]), []);
  });

  it("lets an adopted Deployment's selector overlap the canary's pods (the stack keeps it as the cluster has it), and no other", () => {
    const objects = componentStack(BASE);
    const stable = find(objects, "Deployment", "gw-1-25-1");
    // istioctl's and the chart's Deployments select {app, istio}, which every track's pods carry.
    spec(stable).selector.matchLabels = { app: "gw", istio: "gw" };
    assert.match(checks.overlappingSelectors(objects)[0]?.message ?? "", /gw-1-25-1 and Deployment edge\/gw-1-26-0 have overlapping selectors/);
    stable.ignoreChanges = ["metadata.labels", "spec.selector", "spec.template"];
    assert.deepStrictEqual(checks.overlappingSelectors(objects), []);
  });

  it("counts a namespace of the stack that turns injection on and names the revision", () => {
    const objects = componentStack(BASE);
    for (const name of ["gw-1-25-1", "gw-1-26-0"]) {
      const labels = spec(find(objects, "Deployment", name)).template.metadata.labels;
      delete labels["sidecar.istio.io/inject"]; delete labels["istio.io/rev"];
    }
    objects.push({ type: "kubernetes:core/v1:Namespace", name: "edge", urn: "urn:ns", props: { metadata: { name: "edge", labels: { "istio.io/rev": "1-25-1" } } } });
    assert.deepStrictEqual(allFindings(objects), []);
  });
});
