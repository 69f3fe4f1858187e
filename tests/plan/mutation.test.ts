import * as assert from "assert";
import fc from "fast-check";
import { analyzeGateway, blocking, planGateway, validateGateway } from "../../components/core";
import { gatewayConfig } from "../support/arbitrary";

type Config = Record<string, any>;
const where = { stack: "test", gateway: "gw" };

/** The message a configuration is refused with (validation, then preflight, strict or not), or undefined when it passes. */
function refusal(config: Config): string | undefined {
  try {
    const gw = validateGateway(where, config);
    return blocking(analyzeGateway(where, gw, planGateway(gw)), gw.strict)[0]?.refusal().message;
  } catch (e) {
    return (e as Error).message;
  }
}

const firstServer = (c: Config) => {
  c.servers ??= [{ port: { number: 80, protocol: "HTTP" }, hosts: ["*"] }];
  return c.servers[0];
};

/** Each mutation breaks exactly one rule of any valid configuration; the message must be that rule's. */
const mutations: Array<[rule: string, mutate: (c: Config) => void, expected: RegExp]> = [
  ["a missing namespace", (c) => delete c.namespace, /namespace is missing/],
  ["an invalid namespace", (c) => (c.namespace = "Not_A_Label"), /namespace is "Not_A_Label"/],
  ["an unknown topology", (c) => (c.topology = "mesh"), /topology is "mesh"/],
  ["a revision with dots", (c) => (c.revision = "1.2.3"), /revision is "1.2.3"/],
  ["an unknown key", (c) => (c.replica = 3), /replica is 3; "replica" is not a known key/],
  ["a canary weight above 100", (c) => { c.canary = { ...(c.canary ?? { revision: "9-9-9" }), weight: 101 }; }, /canary.weight is 101/],
  ["a canary on the stable revision", (c) => { c.canary = { ...(c.canary ?? {}), revision: c.revision ?? "default" }; }, /canary.revision is "[^"]+"; it must differ/],
  ["steps that do not end at 100", (c) => { c.canary = { ...(c.canary ?? { revision: "9-9-9" }), steps: [50], weight: 0 }; }, /canary.steps is \[50\]; the last step must be 100/],
  ["a server port out of range", (c) => (firstServer(c).port.number = 0), /servers\[0\].port.number is 0/],
  ["a server port the proxy binds, in strict mode", (c) => { c.strict = true; firstServer(c).port.number = 15090; }, /servers\[0\].port.number is 15090; \[PortReservedByProxy\].*refused in strict mode/],
  ["a server without hosts", (c) => (firstServer(c).hosts = []), /servers\[0\].hosts is \[\]/],
  ["a namespace that disables injection", (c) => (c.namespaceLabels = { "istio-injection": "disabled" }), /\[ImageAutoWithoutInjection\]/],
  ["a selector that matches no pod", (c) => (c.gatewaySelector = { "no-such": "label" }), /\[ReferencedResourceNotFound\]/],
  ["Service ports that miss the servers", (c) => { firstServer(c); c.service = { ports: [{ name: "tcp-other", port: 1 }] }; }, /\[GatewayPortNotDefinedOnService\]/],
  ["an unknown traffic shifting", (c) => (c.trafficShifting = "dns"), /trafficShifting is "dns"/],
  ["a drain longer than the grace period", (c) => (c.drain = { durationSeconds: 100, terminationGracePeriodSeconds: 50 }), /drain.terminationGracePeriodSeconds is 50/],
];

describe("single mutations of valid configurations", () => {
  for (const [rule, mutate, expected] of mutations) {
    it(`refuses ${rule} with that rule's message, whatever else the configuration holds`, () => {
      fc.assert(fc.property(gatewayConfig, (config) => {
        assert.strictEqual(refusal(structuredClone(config)), undefined, `valid config refused: ${JSON.stringify(config)}`);
        const bad = structuredClone(config);
        mutate(bad);
        const message = refusal(bad);
        assert.ok(message !== undefined && expected.test(message), `${JSON.stringify(bad)} → ${message}`);
        assert.ok(message.startsWith('stack "test", gateway "gw": '), message);
      }), { numRuns: 150 });
    });
  }
});
