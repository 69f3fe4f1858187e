import * as assert from "assert";
import { ConfigError, DEFAULT_STEPS, validateGateway } from "../../components/core";

const where = { stack: "dev", gateway: "istio-ingressgateway" };

function base(): Record<string, any> {
  return {
    namespace: "istio-ingress",
    replicas: 4,
    revision: "1-25-1",
    canary: { revision: "1-26-0", weight: 25, steps: [10, 25, 50, 100] },
    servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["*"], tls: { mode: "SIMPLE", credentialName: "cert" } }],
  };
}

/** Each case breaks one rule; the message must name the key and the bad value. */
const bad: Array<[rule: string, mutate: (g: any) => void, key: string, value: string]> = [
  ["a missing namespace", (g) => delete g.namespace, "namespace", "missing"],
  ["a namespace that is not a DNS label", (g) => (g.namespace = "Istio_Ingress"), "namespace", '"Istio_Ingress"'],
  ["an unknown topology", (g) => (g.topology = "sidecar"), "topology", '"sidecar"'],
  ["replicas below 1", (g) => { g.replicas = 0; delete g.canary; }, "replicas", "0"],
  ["fractional replicas", (g) => (g.replicas = 2.5), "replicas", "2.5"],
  ["replicas as a string", (g) => (g.replicas = "4"), "replicas", '"4"'],
  ["a revision with dots", (g) => (g.revision = "1.25.1"), "revision", '"1.25.1"'],
  ["a revision with capitals", (g) => (g.revision = "Stable"), "revision", '"Stable"'],
  ["a canary revision equal to the stable one", (g) => (g.canary.revision = "1-25-1"), "canary.revision", '"1-25-1"'],
  ["a canary on the default revision when the stable is default too", (g) => { delete g.revision; g.canary.revision = "default"; }, "canary.revision", '"default"'],
  ["a canary without a revision", (g) => delete g.canary.revision, "canary.revision", "missing"],
  ["a canary revision that is not a DNS label", (g) => (g.canary.revision = "1.26.0"), "canary.revision", '"1.26.0"'],
  ["a weight above 100", (g) => (g.canary.weight = 101), "canary.weight", "101"],
  ["a negative weight", (g) => (g.canary.weight = -10), "canary.weight", "-10"],
  ["a weight not in the steps", (g) => (g.canary.weight = 30), "canary.weight", "30"],
  ["steps that do not increase", (g) => (g.canary.steps = [10, 50, 25, 100]), "canary.steps", "25 follows 50"],
  ["steps that repeat", (g) => (g.canary.steps = [10, 10, 100]), "canary.steps", "10 follows 10"],
  ["steps that do not end at 100", (g) => (g.canary.steps = [10, 25, 50]), "canary.steps", "last step must be 100"],
  ["an empty step list", (g) => (g.canary.steps = []), "canary.steps", "[]"],
  ["a step of 0", (g) => (g.canary.steps = [0, 100]), "canary.steps[0]", "0"],
  ["one replica with a partial canary plan", (g) => { g.replicas = 1; g.canary.weight = 0; }, "replicas", "1"],
  ["an unknown key", (g) => (g.replica = 3), "replica", "3"],
  ["an unknown canary key", (g) => (g.canary.wieght = 3), "canary.wieght", "3"],
  ["servers that are not a list", (g) => (g.servers = { port: 80 }), "servers", '{"port":80}'],
  ["an empty server list", (g) => (g.servers = []), "servers", "[]"],
  ["a server port out of range", (g) => (g.servers[0].port.number = 70000), "servers[0].port.number", "70000"],
  ["an unknown protocol", (g) => (g.servers[0].port.protocol = "QUIC"), "servers[0].port.protocol", '"QUIC"'],
  ["a server without hosts", (g) => delete g.servers[0].hosts, "servers[0].hosts", "missing"],
  ["a malformed host", (g) => (g.servers[0].hosts = ["shop/a/b"]), "servers[0].hosts[0]", '"shop/a/b"'],
  ["an HTTPS server without TLS", (g) => delete g.servers[0].tls, "servers[0].tls", "missing"],
  ["an unknown TLS mode", (g) => (g.servers[0].tls.mode = "STRICT"), "servers[0].tls.mode", '"STRICT"'],
  ["a namespace label that disables injection", (g) => (g.namespaceLabels = { "istio-injection": "disabled" }), "namespaceLabels.istio-injection", '"disabled"'],
  ["a namespace label that sets a revision", (g) => (g.namespaceLabels = { "istio.io/rev": "1-25-1" }), "namespaceLabels.istio.io/rev", '"1-25-1"'],
  ["route namespaces on a dedicated gateway", (g) => { g.topology = "dedicated"; g.routeNamespaces = ["shop"]; }, "routeNamespaces", '["shop"]'],
  ["an unknown Service type", (g) => (g.service = { type: "ExternalName" }), "service.type", '"ExternalName"'],
  ["replicas beside autoscaling", (g) => (g.autoscaling = { minReplicas: 2 }), "replicas", "4"],
  ["an autoscaling maximum below the minimum", (g) => { delete g.replicas; g.autoscaling = { minReplicas: 6, maxReplicas: 4 }; }, "autoscaling.maxReplicas", "4"],
  ["an autoscaling minimum of one under a canary", (g) => { delete g.replicas; g.autoscaling = { minReplicas: 1 }; }, "autoscaling.minReplicas", "1"],
  ["an unknown autoscaling key", (g) => { delete g.replicas; g.autoscaling = { targetCPU: 80 }; }, "autoscaling.targetCPU", "80"],
  ["an autoscaling behaviour that is not a map", (g) => { delete g.replicas; g.autoscaling = { behavior: { scaleDown: 5 } }; }, "autoscaling.behavior.scaleDown", "5"],
  ["a disruption budget with both bounds", (g) => (g.podDisruptionBudget = { minAvailable: 1, maxUnavailable: 1 }), "podDisruptionBudget", "minAvailable"],
  ["a disruption budget with neither bound", (g) => (g.podDisruptionBudget = {}), "podDisruptionBudget", "{}"],
  ["a disruption budget that would block a drain", (g) => (g.podDisruptionBudget = { minAvailable: 3 }), "podDisruptionBudget.minAvailable", "3"],
  ["a percentage budget that would block a drain", (g) => (g.podDisruptionBudget = { minAvailable: "100%" }), "podDisruptionBudget.minAvailable", '"100%"'],
  ["a maxUnavailable of zero", (g) => (g.podDisruptionBudget = { maxUnavailable: 0 }), "podDisruptionBudget.maxUnavailable", "0"],
  ["a malformed percentage", (g) => (g.podDisruptionBudget = { maxUnavailable: "150%" }), "podDisruptionBudget.maxUnavailable", '"150%"'],
  ["a grace period shorter than the drain", (g) => (g.drain = { durationSeconds: 90, terminationGracePeriodSeconds: 60 }), "drain.terminationGracePeriodSeconds", "60"],
  ["a negative drain", (g) => (g.drain = { durationSeconds: -1 }), "drain.durationSeconds", "-1"],
  ["an unknown traffic shifting", (g) => (g.trafficShifting = "dns"), "trafficShifting", '"dns"'],
  ["a gateway that is not a map", (g) => { for (const k of Object.keys(g)) delete g[k]; g.length = 1; }, "length", "1"],
];

describe("argument validation", () => {
  it("accepts the base configuration the cases below break", () => {
    assert.strictEqual(validateGateway(where, base()).canary?.weight, 25);
  });

  for (const [rule, mutate, key, value] of bad) {
    it(`refuses ${rule}, naming ${key}`, () => {
      const g = base();
      mutate(g);
      assert.throws(() => validateGateway(where, g), (e: Error) => {
        assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`);
        assert.ok(e.message.startsWith('stack "dev", gateway "istio-ingressgateway": '), e.message);
        assert.ok(e.message.includes(key), `"${key}" not in: ${e.message}`);
        assert.ok(e.message.includes(value), `${value} not in: ${e.message}`);
        return true;
      });
    });
  }

  // The gateway name is the Service's name, a DNS-1035 label (apimachinery IsDNS1035Label).
  const gatewayNames: Array<[name: string, accepted: boolean]> = [
    ["1gateway", false], ["gateway-", false], ["gate_way", false], ["gate.way", false], ["Gateway", false], ["g".repeat(64), false],
    ["g", true], ["gw-1", true], ["g".repeat(61), true], // 61: the Deployment "<name>-r" fits 63
  ];
  for (const [name, accepted] of gatewayNames) {
    it(`${accepted ? "takes" : "refuses"} the gateway name "${name.length > 20 ? `${name.length} characters` : name}"${accepted ? "" : ": no Service could have it"}`, () => {
      const g = base();
      delete (g as { canary?: unknown }).canary;
      const run = () => validateGateway({ stack: "dev", gateway: name }, { ...g, revision: "r" });
      if (accepted) assert.doesNotThrow(run);
      else assert.throws(run, new RegExp(`the gateway name is "${name}"; use a DNS-1035 label`));
    });
  }

  it("names the default revision when the gateway name alone makes the Deployment name too long", () => {
    const g = base();
    delete (g as { canary?: unknown }).canary;
    delete (g as { revision?: unknown }).revision;
    assert.throws(() => validateGateway({ stack: "dev", gateway: "g".repeat(60) }, g),
      /revision is "the default revision"; \[NameTooLong\] the Deployment name "g{60}-[a-z]+" is \d+ characters/);
  });

  it("refuses a revision that makes the Deployment name longer than 63 characters", () => {
    const g = base();
    g.canary.revision = "r".repeat(50);
    assert.throws(() => validateGateway(where, g), /canary.revision .* is 71 characters/);
  });

  const defaults: Array<[key: string, read: (v: ReturnType<typeof validateGateway>) => unknown, expected: unknown]> = [
    ["topology", (v) => v.topology, "shared"],
    ["replicas", (v) => v.replicas, 2],
    ["revision", (v) => v.revision, undefined],
    ["servers", (v) => v.servers, [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }]],
    ["service.type", (v) => v.service.type, "LoadBalancer"],
    ["createNamespace", (v) => v.createNamespace, false],
    ["routeNamespaces", (v) => v.routeNamespaces, []],
    ["podDisruptionBudget", (v) => v.disruption, { maxUnavailable: 1 }],
    ["drain", (v) => v.drain, { durationSeconds: 45, terminationGracePeriodSeconds: 60 }],
    ["trafficShifting", (v) => v.trafficShifting, "replicas"],
    ["autoscaling", (v) => v.autoscaling, undefined],
  ];
  for (const [key, read, expected] of defaults) {
    it(`defaults ${key} to ${JSON.stringify(expected)}`, () => {
      assert.deepStrictEqual(read(validateGateway(where, { namespace: "istio-ingress" })), expected);
    });
  }

  it("defaults a canary to weight 0 and steps 10, 25, 50, 100", () => {
    const v = validateGateway(where, { namespace: "ns", canary: { revision: "1-26-0" } });
    assert.deepStrictEqual(v.canary, { revision: "1-26-0", weight: 0, steps: [...DEFAULT_STEPS] });
  });

  it("names a server port after its protocol and number when no name is given", () => {
    const v = validateGateway(where, { namespace: "ns", servers: [{ port: { number: 8443, protocol: "TLS" }, hosts: ["*"], tls: { mode: "PASSTHROUGH" } }] });
    assert.strictEqual(v.servers[0].port.name, "tls-8443");
  });

  it("defaults autoscaling as the istio/gateway chart does, with two pods at least", () => {
    assert.deepStrictEqual(validateGateway(where, { namespace: "ns", autoscaling: {} }).autoscaling,
      { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 80 });
  });

  it("raises the drain's grace period with a longer drain", () => {
    assert.deepStrictEqual(validateGateway(where, { namespace: "ns", drain: { durationSeconds: 300 } }).drain,
      { durationSeconds: 300, terminationGracePeriodSeconds: 315 });
  });

  it("accepts a budget that a one-pod track could not satisfy, since such a track gets no budget", () => {
    const g = { namespace: "ns", replicas: 4, canary: { revision: "1-26-0", weight: 25 }, podDisruptionBudget: { minAvailable: 1 } };
    assert.deepStrictEqual(validateGateway(where, g).disruption, { minAvailable: 1 });
  });

  it("accepts a namespace label that does not touch injection", () => {
    assert.deepStrictEqual(validateGateway(where, { namespace: "ns", namespaceLabels: { team: "platform" } }).namespaceLabels, { team: "platform" });
  });
});
