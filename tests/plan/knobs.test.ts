import * as assert from "assert";
import { analyzeGateway, ConfigError, GatewayPlan, ownDeployment, planGateway, validateGateway } from "../../components/core";

type Config = Record<string, unknown>;
const where = { stack: "t", gateway: "istio-ingressgateway" };
// A canary, so that "every track gets it" is tested on two Deployments, and external shifting, so on two more Services.
const base: Config = { namespace: "ns", replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 50, steps: [50, 100], previousWeight: 0 }, trafficShifting: "external" };
const plan = (extra: Config) => planGateway(validateGateway(where, { ...base, ...extra }));
const pods = (p: GatewayPlan) => p.tracks.map((t) => ownDeployment(t).spec.template);
const services = (p: GatewayPlan) => [p.service, ...p.tracks.map((t) => t.service!)];

/** Each knob: its stack-file setting, where it lands, and what must be there, on every track's object. */
const knobs: Array<[key: string, extra: Config, read: (p: GatewayPlan) => unknown[], expected: unknown]> = [
  ["service.annotations", { service: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } } },
    (p) => services(p).map((s) => s.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-type"]), "nlb"],
  ["service.labels", { service: { labels: { team: "edge" } } }, (p) => services(p).map((s) => s.metadata.labels?.team), "edge"],
  ["service.loadBalancerSourceRanges", { service: { loadBalancerSourceRanges: ["10.0.0.0/8"] } }, (p) => services(p).map((s) => s.spec.loadBalancerSourceRanges), ["10.0.0.0/8"]],
  ["service.loadBalancerClass", { service: { loadBalancerClass: "service.k8s.aws/nlb" } }, (p) => services(p).map((s) => s.spec.loadBalancerClass), "service.k8s.aws/nlb"],
  ["service.externalTrafficPolicy", { service: { externalTrafficPolicy: "Local" } }, (p) => services(p).map((s) => s.spec.externalTrafficPolicy), "Local"],
  ["service.internalTrafficPolicy", { service: { internalTrafficPolicy: "Local" } }, (p) => services(p).map((s) => s.spec.internalTrafficPolicy), "Local"],
  ["service.ipFamilyPolicy", { service: { ipFamilyPolicy: "PreferDualStack" } }, (p) => services(p).map((s) => s.spec.ipFamilyPolicy), "PreferDualStack"],
  ["service.ipFamilies", { service: { ipFamilies: ["IPv6", "IPv4"] } }, (p) => services(p).map((s) => s.spec.ipFamilies), ["IPv6", "IPv4"]],
  ["service.extraPorts", { service: { extraPorts: [{ name: "tcp-db", port: 5432 }] } },
    (p) => services(p).map((s) => s.spec.ports.find((x) => x.name === "tcp-db")?.targetPort), 5432],
  ["resources", { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } } },
    (p) => pods(p).map((t) => t.spec.containers[0].resources), { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } }],
  ["nodeSelector", { nodeSelector: { "node-role": "edge" } }, (p) => pods(p).map((t) => t.spec.nodeSelector), { "node-role": "edge" }],
  ["tolerations", { tolerations: [{ key: "dedicated", operator: "Equal", value: "edge", effect: "NoSchedule" }] },
    (p) => pods(p).map((t) => t.spec.tolerations), [{ key: "dedicated", operator: "Equal", value: "edge", effect: "NoSchedule" }]],
  ["affinity", { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
    (p) => pods(p).map((t) => Object.keys(t.spec.affinity ?? {})), ["nodeAffinity"]],
  ["topologySpreadConstraints", { topologySpreadConstraints: [{ maxSkew: 2, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" }] },
    (p) => pods(p).map((t) => t.spec.topologySpreadConstraints?.map((c) => c.maxSkew)), [2]],
  ["priorityClassName", { priorityClassName: "system-cluster-critical" }, (p) => pods(p).map((t) => t.spec.priorityClassName), "system-cluster-critical"],
  ["env", { env: { ISTIO_META_IDLE_TIMEOUT: "1h" } }, (p) => pods(p).map((t) => t.spec.containers[0].env), [{ name: "ISTIO_META_IDLE_TIMEOUT", value: "1h" }]],
  ["imagePullSecrets", { imagePullSecrets: ["registry"] }, (p) => pods(p).map((t) => t.spec.imagePullSecrets), [{ name: "registry" }]],
  ["podAnnotations (sidecar.istio.io/*)", { podAnnotations: { "sidecar.istio.io/logLevel": "debug" } },
    (p) => pods(p).map((t) => t.metadata.annotations["sidecar.istio.io/logLevel"]), "debug"],
  ["podLabels", { podLabels: { team: "edge" } }, (p) => pods(p).map((t) => t.metadata.labels.team), "edge"],
  ["drain.terminationGracePeriodSeconds", { drain: { terminationGracePeriodSeconds: 120 } }, (p) => pods(p).map((t) => t.spec.terminationGracePeriodSeconds), 120],
];

describe("production knobs", () => {
  for (const [key, extra, read, expected] of knobs) {
    it(`${key} reaches every revision's object`, () => {
      const values = read(plan(extra));
      assert.strictEqual(values.length >= 2, true);
      for (const v of values) assert.deepStrictEqual(v, expected);
    });
  }

  it("defaults resources to the chart's", () => {
    for (const t of pods(plan({}))) assert.deepStrictEqual(t.spec.containers[0].resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } });
  });

  it("spreads each revision's pods across zones and nodes by default, softly", () => {
    for (const [i, t] of pods(plan({})).entries()) {
      assert.deepStrictEqual(t.spec.topologySpreadConstraints?.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector?.matchLabels?.["pulumi-istio-gateway/track"]]),
        [["topology.kubernetes.io/zone", "ScheduleAnyway", ["1-25-1", "1-26-0"][i]], ["kubernetes.io/hostname", "ScheduleAnyway", ["1-25-1", "1-26-0"][i]]]);
    }
  });

  it("drops the default spread when given an empty list", () => {
    for (const t of pods(plan({ topologySpreadConstraints: [] }))) assert.strictEqual(t.spec.topologySpreadConstraints, undefined);
  });

  it("makes the canary differ from stable only in its revision", () => {
    const [stable, canary] = pods(plan({ nodeSelector: { a: "b" }, env: { X: "1" }, podAnnotations: { "sidecar.istio.io/logLevel": "debug" } }));
    const strip = (t: unknown) => JSON.stringify(t).replace(/1-2[56]-[01]/g, "REV");
    assert.strictEqual(strip(canary), strip(stable));
  });

  it("warns that a Local traffic policy distorts a pod-ratio canary", () => {
    const gw = validateGateway(where, { ...base, trafficShifting: "replicas", service: { externalTrafficPolicy: "Local" } });
    const found = analyzeGateway(where, gw, planGateway(gw)).map((f) => f.code);
    assert.ok(found.includes("LocalTrafficPolicySkewsCanary"));
    const silent = validateGateway(where, { ...base, trafficShifting: "replicas", service: { externalTrafficPolicy: "Cluster" } });
    assert.ok(!analyzeGateway(where, silent, planGateway(silent)).map((f) => f.code).includes("LocalTrafficPolicySkewsCanary"));
  });

  const invalid: Array<[extra: Config, key: string]> = [
    [{ service: { annotations: { a: 1 } } }, "service.annotations.a"],
    [{ service: { labels: { app: "x" } } }, "service.labels.app"],
    [{ service: { loadBalancerIP: "not-an-ip" } }, "service.loadBalancerIP"],
    [{ service: { type: "ClusterIP", loadBalancerIP: "203.0.113.10" } }, "service.loadBalancerIP"],
    [{ service: { loadBalancerSourceRanges: ["10.0.0.0"] } }, "service.loadBalancerSourceRanges[0]"],
    [{ service: { externalTrafficPolicy: "Nearest" } }, "service.externalTrafficPolicy"],
    [{ service: { type: "ClusterIP", externalTrafficPolicy: "Local" } }, "service.externalTrafficPolicy"],
    [{ service: { internalTrafficPolicy: "Zone" } }, "service.internalTrafficPolicy"],
    [{ service: { ipFamilyPolicy: "DualStack" } }, "service.ipFamilyPolicy"],
    [{ service: { ipFamilies: ["IPv5"] } }, "service.ipFamilies[0]"],
    [{ service: { extraPorts: [{ name: "db", port: 99999 }] } }, "service.extraPorts[0].port"],
    [{ resources: { requests: { cpu: "lots" } } }, "resources.requests.cpu"],
    [{ resources: { limit: {} } }, "resources.limit"],
    [{ nodeSelector: { "a b": "c" } }, "nodeSelector"],
    [{ tolerations: [{ key: "x", operator: "Is" }] }, "tolerations[0].operator"],
    [{ tolerations: { key: "x" } }, "tolerations"],
    [{ affinity: { zoneAffinity: {} } }, "affinity.zoneAffinity"],
    [{ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: "k", whenUnsatisfiable: "ScheduleAnyway" }] }, "topologySpreadConstraints[0].maxSkew"],
    [{ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "k", whenUnsatisfiable: "Sometimes" }] }, "topologySpreadConstraints[0].whenUnsatisfiable"],
    [{ priorityClassName: "Critical!" }, "priorityClassName"],
    [{ env: { "1BAD": "x" } }, "env"],
    [{ env: { GOOD: 1 } }, "env.GOOD"],
    [{ imagePullSecrets: "registry" }, "imagePullSecrets"],
    [{ podAnnotations: { "inject.istio.io/templates": "sidecar" } }, "podAnnotations.inject.istio.io/templates"],
    [{ podAnnotations: { "proxy.istio.io/config": "concurency: 2" } }, 'podAnnotations["proxy.istio.io/config"].concurency'],
    [{ podAnnotations: { "proxy.istio.io/config": "drainDuration: 5s" } }, 'podAnnotations["proxy.istio.io/config"].drainDuration'],
    [{ podAnnotations: { "proxy.istio.io/config": "[1, 2]" } }, 'podAnnotations["proxy.istio.io/config"]'],
    [{ createNamespace: true, namespace: "kube-system" }, "createNamespace"],
    [{ retainNamespace: true }, "retainNamespace"],
    [{ podLabels: { "app.kubernetes.io/version": "v2" } }, "podLabels.app.kubernetes.io/version"],
    [{ mode: "sidecar" }, "mode"],
    [{ mode: "east-west" }, "network"],
    [{ network: "network1" }, "network"],
  ];
  for (const [extra, key] of invalid) {
    it(`refuses ${JSON.stringify(extra)}, naming ${key}`, () => {
      assert.throws(() => plan(extra), (e: Error) => e instanceof ConfigError && e.message.includes(`: ${key} is `));
    });
  }
});

describe("mode presets", () => {
  const gw = (name: string, extra: Config) => planGateway(validateGateway({ stack: "t", gateway: name }, { namespace: "istio-system", ...extra }));

  it("egress: a ClusterIP Service and the istio: egressgateway selector", () => {
    const p = gw("istio-egressgateway", { mode: "egress" });
    assert.strictEqual(p.service.spec.type, "ClusterIP");
    assert.deepStrictEqual(p.gateway?.spec.selector, { app: "istio-egressgateway", istio: "egressgateway" });
  });

  it("egress: still a LoadBalancer when asked", () => {
    assert.strictEqual(gw("istio-egressgateway", { mode: "egress", service: { type: "LoadBalancer" } }).service.spec.type, "LoadBalancer");
  });

  const ew = () => gw("istio-eastwestgateway", { mode: "east-west", network: "network1" });
  it("east-west: the Service exposes 15021, 15443, 15012 and 15017 as Istio's east-west gateway does", () => {
    assert.deepStrictEqual(ew().service.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
      [["status-port", 15021, 15021], ["tls", 15443, 15443], ["tls-istiod", 15012, 15012], ["tls-webhook", 15017, 15017]]);
  });
  it("east-west: pods and Service carry topology.istio.io/network", () => {
    const p = ew();
    assert.strictEqual(p.service.metadata.labels?.["topology.istio.io/network"], "network1");
    for (const t of p.tracks) assert.strictEqual(ownDeployment(t).spec.template.metadata.labels["topology.istio.io/network"], "network1");
  });
  it("east-west: the proxy requests its network's view", () => {
    assert.deepStrictEqual(ownDeployment(ew().tracks[0]).spec.template.spec.containers[0].env, [{ name: "ISTIO_META_REQUESTED_NETWORK_VIEW", value: "network1" }]);
  });
  it("east-west: the Gateway passes *.local through on 15443", () => {
    assert.deepStrictEqual(ew().gateway?.spec.servers, [{ port: { number: 15443, name: "tls", protocol: "TLS" }, hosts: ["*/*.local"], tls: { mode: "AUTO_PASSTHROUGH" } }]);
  });
  it("ingress: a LoadBalancer Service by default", () => assert.strictEqual(gw("istio-ingressgateway", {}).service.spec.type, "LoadBalancer"));
});

/**
 * Fixed addresses: only one Service can hold an address, so with external traffic shifting they stay with the
 * shared Service and each revision's Service gets its own address from the cloud.
 */
describe("fixed addresses with external traffic shifting", () => {
  const fixed: Array<[key: string, extra: Config, read: (s: GatewayPlan["service"]) => unknown, expected: unknown]> = [
    ["service.loadBalancerIP", { service: { loadBalancerIP: "203.0.113.10" } }, (s) => s.spec.loadBalancerIP, "203.0.113.10"],
    ["service.externalIPs", { service: { externalIPs: ["203.0.113.11"] } }, (s) => s.spec.externalIPs, ["203.0.113.11"]],
    ["an EIP allocation annotation", { service: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": "eipalloc-1,eipalloc-2" } } },
      (s) => s.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], "eipalloc-1,eipalloc-2"],
    ["a MetalLB address annotation", { service: { annotations: { "metallb.io/loadBalancerIPs": "192.0.2.10" } } },
      (s) => s.metadata.annotations?.["metallb.io/loadBalancerIPs"], "192.0.2.10"],
  ];
  for (const [key, extra, read, expected] of fixed) {
    it(`${key} stays on the shared Service`, () => assert.deepStrictEqual(read(plan(extra).service), expected));
    it(`${key} is not copied to any revision's Service`, () => {
      for (const t of plan(extra).tracks) assert.strictEqual(read(t.service!), undefined, t.service!.metadata.name);
    });
  }
  it("keeps the other annotations on every revision's Service", () => {
    const p = plan({ service: { annotations: { "metallb.io/loadBalancerIPs": "192.0.2.10", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } } });
    for (const s of services(p)) assert.strictEqual(s.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal");
  });
});

describe("ProxyConfig from podAnnotations, merged with the drain keys", () => {
  const annotation = (extra: Config) => pods(plan(extra)).map((t) => JSON.parse(t.metadata.annotations["proxy.istio.io/config"]));
  const table: Array<[rule: string, extra: Config, expected: Record<string, unknown>]> = [
    ["without one, only the drain keys", {}, { drainDuration: "45s", terminationDrainDuration: "45s" }],
    ["YAML fields are kept beside the drain keys", { podAnnotations: { "proxy.istio.io/config": "gatewayTopology:\n  numTrustedProxies: 2\n" } },
      { gatewayTopology: { numTrustedProxies: 2 }, drainDuration: "45s", terminationDrainDuration: "45s" }],
    ["JSON fields are kept too", { podAnnotations: { "proxy.istio.io/config": '{"concurrency": 2}' } }, { concurrency: 2, drainDuration: "45s", terminationDrainDuration: "45s" }],
    ["a drain key equal to drain.durationSeconds is no conflict", { drain: { durationSeconds: 75, terminationGracePeriodSeconds: 90 }, podAnnotations: { "proxy.istio.io/config": "terminationDrainDuration: 75s" } },
      { terminationDrainDuration: "75s", drainDuration: "75s" }],
  ];
  for (const [rule, extra, expected] of table) {
    it(rule, () => { for (const a of annotation(extra)) assert.deepStrictEqual(a, expected); });
  }
});
