/**
 * The multi-language schema, produced offline by the analyzer the Pulumi plugin host runs for `pulumi package add`
 * (PulumiPlugin.yaml). What a Python, Go or YAML user sees of the component is this schema and nothing else.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Registered } from "../../tools/engine/offline";
import type { PackageSchema, SchemaProperty } from "../../tools/schema/package-schema";
import { ROOT } from "../support/run";

const PACKAGE = "istio-gateway";
const TYPE = `${PACKAGE}:index:IstioGateway`;
const ref = (name: string) => `#/types/${PACKAGE}:index:${name}`;

/** Every place an object type of ours is read, with a raw gateway that reaches that place with an unknown key. */
const PROBES: Array<[typeName: string, raw: (unknown: Record<string, number>) => Record<string, unknown>]> = [
  ["IstioGatewayArgs", (u) => ({ namespace: "ns", ...u })],
  ["Canary", (u) => ({ namespace: "ns", canary: { revision: "1-26-0", ...u } })],
  ["CanaryAnalysis", (u) => ({ namespace: "ns", canary: { revision: "1-26-0", analysis: { prometheus: "http://p:9090", ...u } } })],
  ["SuccessRateCheck", (u) => ({ namespace: "ns", canary: { revision: "1-26-0", analysis: { prometheus: "http://p:9090", successRate: { min: 99, ...u } } } })],
  ["LatencyCheck", (u) => ({ namespace: "ns", canary: { revision: "1-26-0", analysis: { prometheus: "http://p:9090", latency: { p99Max: 99, ...u } } } })],
  ["AnalysisCheck", (u) => ({ namespace: "ns", canary: { revision: "1-26-0", analysis: { prometheus: "http://p:9090", checks: [{ name: "c", query: "sum(x)", max: 1, ...u }] } } })],
  ["GatewayServer", (u) => ({ namespace: "ns", servers: [{ port: { number: 80, protocol: "HTTP" }, hosts: ["*"], ...u }] })],
  ["GatewayServerPort", (u) => ({ namespace: "ns", servers: [{ port: { number: 80, protocol: "HTTP", ...u }, hosts: ["*"] }] })],
  ["GatewayServerTls", (u) => ({ namespace: "ns", servers: [{ port: { number: 80, protocol: "HTTP" }, hosts: ["*"], tls: { ...u } }] })],
  ["GatewayService", (u) => ({ namespace: "ns", service: { ...u } })],
  ["GatewayServicePort", (u) => ({ namespace: "ns", service: { extraPorts: [{ name: "metrics", port: 9090, ...u }] } })],
  ["Autoscaling", (u) => ({ namespace: "ns", autoscaling: { ...u } })],
  ["ScalingBehavior", (u) => ({ namespace: "ns", autoscaling: { behavior: { ...u } } })],
  ["ScalingRules", (u) => ({ namespace: "ns", autoscaling: { behavior: { scaleDown: { ...u } } } })],
  ["ScalingPolicy", (u) => ({ namespace: "ns", autoscaling: { behavior: { scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60, ...u }] } } } })],
  ["DisruptionBudget", (u) => ({ namespace: "ns", podDisruptionBudget: { maxUnavailable: 1, ...u } })],
  ["Drain", (u) => ({ namespace: "ns", drain: { ...u } })],
  ["ProxyResources", (u) => ({ namespace: "ns", resources: { ...u } })],
  ["Toleration", (u) => ({ namespace: "ns", tolerations: [{ key: "dedicated", ...u }] })],
  ["Affinity", (u) => ({ namespace: "ns", affinity: { ...u } })],
  ["TopologySpreadConstraint", (u) => ({ namespace: "ns", topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "ScheduleAnyway", ...u }] })],
];

/**
 * Keys the validator knows that the typed API leaves out: a server's `targetPort` is known only to be refused with
 * a better message than "unknown key"; a Service port's `protocol` may only be "TCP", the default, which stack
 * files copied from Kubernetes manifests often spell out.
 */
const VALIDATOR_ONLY: Record<string, string[]> = { GatewayServerPort: ["targetPort"], GatewayServicePort: ["protocol"] };

/** Enumerations as the schema must carry them: the property that uses each, and its values. */
const ENUMS: Array<[name: string, usedAt: (s: PackageSchema) => SchemaProperty | undefined]> = [
  ["Topology", (s) => s.resources[TYPE].inputProperties.topology],
  ["Mode", (s) => s.resources[TYPE].inputProperties.mode],
  ["TrafficShifting", (s) => s.resources[TYPE].inputProperties.trafficShifting],
  ["RoutingApi", (s) => s.resources[TYPE].inputProperties.routingApi],
  ["ServiceType", (s) => s.types[`${PACKAGE}:index:GatewayService`].properties?.type],
  ["TrafficPolicy", (s) => s.types[`${PACKAGE}:index:GatewayService`].properties?.externalTrafficPolicy],
  ["IpFamilyPolicy", (s) => s.types[`${PACKAGE}:index:GatewayService`].properties?.ipFamilyPolicy],
  ["IpFamily", (s) => s.types[`${PACKAGE}:index:GatewayService`].properties?.ipFamilies?.items],
  ["ServerProtocol", (s) => s.types[`${PACKAGE}:index:GatewayServerPort`].properties?.protocol],
  ["TlsMode", (s) => s.types[`${PACKAGE}:index:GatewayServerTls`].properties?.mode],
  ["ScalingPolicySelect", (s) => s.types[`${PACKAGE}:index:ScalingRules`].properties?.selectPolicy],
  ["ScalingPolicyType", (s) => s.types[`${PACKAGE}:index:ScalingPolicy`].properties?.type],
  ["TrackRole", (s) => s.types[`${PACKAGE}:index:TrackSplit`].properties?.role],
];

function knownKeys(raw: Record<string, unknown>): string[] {
  const { validateGateway } = require("../../components/core");
  try {
    validateGateway({ stack: "test", gateway: "gw" }, raw);
  } catch (e) {
    const known = /known keys: (.*)$/.exec((e as Error).message);
    if (known) return known[1].split(", ");
    throw e;
  }
  throw new Error("the unknown key was accepted");
}

describe("the multi-language package schema", function () {
  this.timeout(60000);
  let schema: PackageSchema;
  const inputs = () => schema.resources[TYPE].inputProperties;
  const propertiesOf = (typeName: string) => typeName === "IstioGatewayArgs" ? inputs() : schema.types[`${PACKAGE}:index:${typeName}`]?.properties ?? {};

  before(async () => {
    schema = await require("../../tools/schema/package-schema").packageSchema();
  });

  it("is named after package.json, as the plugin host names the provider", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.strictEqual(schema.name, manifest.name);
    assert.strictEqual(schema.version, manifest.version);
    assert.deepStrictEqual(Object.keys(schema.resources), [TYPE]);
  });

  it("uses the type token the component registers with, or a construct from another language fails", () => {
    assert.strictEqual(require("../../components").ISTIO_GATEWAY_TYPE, TYPE);
  });

  it("describes every input of the component", () => {
    const bare = Object.entries(inputs()).filter(([, p]) => !p.description?.trim()).map(([k]) => k);
    assert.deepStrictEqual(bare, []);
  });

  it("describes every property of every object type it uses", () => {
    const bare = Object.entries(schema.types).flatMap(([name, t]) =>
      Object.entries(t.properties ?? {}).filter(([, p]) => !p.description?.trim()).map(([k]) => `${name}.${k}`));
    assert.deepStrictEqual(bare, []);
  });

  it("describes every value of every enumeration", () => {
    const bare = Object.entries(schema.types).flatMap(([name, t]) =>
      (t.enum ?? []).filter((e) => !e.description?.trim()).map((e) => `${name}=${e.value}`));
    assert.deepStrictEqual(bare, []);
  });

  it("requires namespace and nothing else", () => {
    assert.deepStrictEqual(schema.resources[TYPE].requiredInputs, ["namespace"]);
  });

  it("takes plain values at the top level, as the planner needs them before registering anything", () => {
    const notPlain = Object.entries(inputs()).filter(([, p]) => p.plain !== true).map(([k]) => k);
    assert.deepStrictEqual(notPlain, []);
  });

  for (const [typeName, raw] of PROBES) {
    it(`lists exactly the keys the validator accepts in ${typeName}`, () => {
      const refused = VALIDATOR_ONLY[typeName] ?? [];
      const accepted = knownKeys(raw({ zzUnknown: 1 })).filter((k) => !refused.includes(k)).sort();
      assert.deepStrictEqual(Object.keys(propertiesOf(typeName)).sort(), accepted);
    });
  }

  for (const [name, usedAt] of ENUMS) {
    it(`carries ${name} as an enum with the values the component accepts`, () => {
      const args = require("../../components/args");
      assert.strictEqual(usedAt(schema)?.$ref, ref(name));
      assert.deepStrictEqual(schema.types[`${PACKAGE}:index:${name}`].enum?.map((e) => e.value), Object.values(args[name]));
    });
  }

  it("outputs what the component registers, resources as references to the Kubernetes package", () => {
    const outputs = schema.resources[TYPE].properties;
    assert.deepStrictEqual(Object.keys(outputs).sort(), [
      "deployments", "externalWeights", "gatewayRef", "namespace", "parentRefs", "selectorLabels", "service", "serviceDnsName", "split", "trackServices",
    ]);
    assert.strictEqual(outputs.parentRefs.items?.$ref, ref("ParentRef"));
    assert.match(outputs.deployments.additionalProperties?.$ref ?? "", /^\/kubernetes\/v[0-9.]+\/schema\.json#\/resources\/kubernetes:apps%2Fv1:Deployment$/);
    assert.match(outputs.service.$ref ?? "", /kubernetes:core%2Fv1:Service$/);
    assert.strictEqual(outputs.split.items?.$ref, ref("TrackSplit"));
    assert.ok(!schema.resources[TYPE].required.includes("namespace"), "namespace exists only with createNamespace");
  });

  it("constructs the component from plain JSON inputs, as a Python or YAML program sends them", async () => {
    const { register } = require("../support/mocks");
    const { packageProvider } = require("../../tools/schema/package-schema");
    let state: Promise<{ urn: unknown; state: Record<string, unknown> }> | undefined;
    const resources: Registered[] = await register(() => {
      state = packageProvider().construct("edge", TYPE, {
        namespace: "edge", replicas: 4, revision: "1-25-1", canary: { revision: "1-26-0", weight: 25, steps: [25, 100], previousWeight: 0 },
        service: { type: "ClusterIP" }, podDisruptionBudget: { maxUnavailablePercent: 50 },
      }, {});
    });
    const constructed = await state;
    assert.ok(constructed);
    assert.deepStrictEqual((constructed.state.split as Array<{ pods: number }>).map((s) => s.pods), [3, 1]);
    assert.strictEqual(constructed.state.gatewayRef, "edge/edge");
    const pdb = resources.find((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget");
    assert.strictEqual((pdb?.inputs.spec as { maxUnavailable: string }).maxUnavailable, "50%");
  });

  it("constructs a Gateway API gateway from plain JSON, parentRefs in its state and no gatewayRef", async () => {
    const { register } = require("../support/mocks");
    const { packageProvider } = require("../../tools/schema/package-schema");
    let state: Promise<{ state: Record<string, unknown> }> | undefined;
    const resources: Registered[] = await register(() => {
      state = packageProvider().construct("edge", TYPE, { namespace: "edge", routingApi: "gateway-api" }, {});
    });
    const constructed = await state;
    assert.deepStrictEqual(constructed?.state.parentRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "edge" }]);
    assert.strictEqual(constructed?.state.gatewayRef, undefined);
    assert.deepStrictEqual(resources.filter((r) => r.type.endsWith(":Gateway")).map((r) => r.type), ["kubernetes:gateway.networking.k8s.io/v1:Gateway"]);
  });

  describe("the plugin package folder (plugin/)", () => {
    const dir = path.join(__dirname, "..", "..", "plugin");
    it("is named as the npm package, so type tokens start with the name the plugin host derives", () => {
      const own = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      const root = JSON.parse(fs.readFileSync(path.join(dir, "..", "package.json"), "utf8"));
      assert.strictEqual(own.name, root.name);
      assert.ok(TYPE.startsWith(`${own.name}:`));
    });
    it("is a folder of its own: the CLI refuses PulumiPlugin.yaml beside Pulumi.yaml", () => {
      assert.ok(fs.existsSync(path.join(dir, "PulumiPlugin.yaml")));
      assert.ok(!fs.existsSync(path.join(dir, "Pulumi.yaml")));
      assert.ok(!fs.existsSync(path.join(dir, "..", "PulumiPlugin.yaml")), "the root holds both files again");
    });
    it("starts the component the plugin host can find (main) and the analyzer can read (index.ts)", () => {
      const own = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      assert.strictEqual(typeof require(path.join(dir, own.main)).IstioGateway, "function");
      assert.match(fs.readFileSync(path.join(dir, "index.ts"), "utf8"), /export \* from "\.\.\/components";/);
    });
  });
});
