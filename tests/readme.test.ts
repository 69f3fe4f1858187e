import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Manifest, manifestsOf } from "../tools/engine/manifest";
import { violations } from "./support/invariants";
import { register } from "./support/mocks";
import { codeBlockAfter, doc, yamlBlocksIn } from "./support/readme";
import { schemaErrors } from "./support/schema";
import { parse } from "yaml";
import { ROOT } from "./support/run";

const EXAMPLE = path.join(ROOT, "examples/use-from-program.ts");
const EXTERNAL = path.join(ROOT, "examples/external-weights.ts");
const GATEWAY_API = path.join(ROOT, "examples/gateway-api-route.ts");


/** The README's (or a doc's) block must equal the example file (but for the import, and the file's first comment line). */
function assertSameAsExample(heading: string, file: string, text = fs.readFileSync(path.join(ROOT, "README.md"), "utf8")): void {
  const block = codeBlockAfter(text, heading);
  const example = fs.readFileSync(file, "utf8").split("\n").slice(1).join("\n");
  assert.strictEqual(block, example.replace('from "../components";', 'from "istio-gateway";'));
}

describe("README", () => {
  it("shows the example that examples/use-from-program.ts type-checks, word for word", () => {
    assertSameAsExample("## Use it from your own program", EXAMPLE);
  });

  it("'s docs/autoscaling.md shows the external traffic shifting example that examples/external-weights.ts type-checks, word for word", () => {
    assertSameAsExample("## External traffic shifting", EXTERNAL, doc("autoscaling"));
  });

  it("'s docs/gateway-api.md shows the program that examples/gateway-api-route.ts type-checks, word for word", () => {
    assertSameAsExample("## From a program", GATEWAY_API, doc("gateway-api"));
  });

  it("'s Gateway API program attaches its HTTPRoute with the component's parentRefs, and both pass the Gateway API schema", async () => {
    const resources = await register(() => { delete require.cache[require.resolve(GATEWAY_API)]; require(GATEWAY_API); });
    const route = resources.find((r) => r.type.endsWith(":HTTPRoute"));
    assert.deepStrictEqual((route?.inputs.spec as { parentRefs: unknown }).parentRefs,
      [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "edge" }]);
    assert.deepStrictEqual(schemaErrors(manifestsOf(resources)), []);
  });

  it("'s Gateway API stack file and HTTPRoute agree: the route names the gateway the stack file makes, and passes the schema", () => {
    const [stack, route] = yamlBlocksIn(doc("gateway-api"), "# Kubernetes Gateway API").map((b) => parse(b));
    const gateways = stack.config["istio-gateways:gateways"];
    const [name] = Object.keys(gateways);
    assert.strictEqual(gateways[name].routingApi, "gateway-api");
    assert.deepStrictEqual(route.spec.parentRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name, namespace: gateways[name].namespace }]);
    assert.ok(gateways[name].routeNamespaces.includes(route.metadata.namespace), "the route's namespace may not attach");
    assert.deepStrictEqual(schemaErrors([route as Manifest]), []);
  });

  it("'s external example routes to each revision's Service at the weights of the stack file", async () => {
    const resources = await register(() => { delete require.cache[require.resolve(EXTERNAL)]; require(EXTERNAL); });
    const route = resources.find((r) => r.type.endsWith(":HTTPRoute"));
    const refs = (route?.inputs.spec as { rules: Array<{ backendRefs: Array<{ name: string; weight: number }> }> }).rules[0].backendRefs;
    assert.deepStrictEqual(refs.map((r) => [r.name, r.weight]), [["istio-ingressgateway-1-25-1", 75], ["istio-ingressgateway-1-26-0", 25]]);
    const services = resources.filter((r) => r.type === "kubernetes:core/v1:Service").map((r) => (r.inputs.metadata as { name: string }).name).sort();
    assert.deepStrictEqual(services, ["istio-ingressgateway", "istio-ingressgateway-1-25-1", "istio-ingressgateway-1-26-0"]);
  });

  it("'s example registers a shared and a dedicated gateway that hold every invariant", async () => {
    const resources = await register(() => { delete require.cache[require.resolve(EXAMPLE)]; require(EXAMPLE); });
    assert.deepStrictEqual(resources.filter((r) => r.type === "istio-gateway:index:IstioGateway").map((r) => r.name),
      ["istio-ingressgateway", "payments-gateway"]);
    assert.deepStrictEqual(violations(manifestsOf(resources), {
      "istio-ingressgateway": { namespace: "istio-ingress", replicas: 10, revision: "1-25-1", canary: { revision: "1-26-0", weight: 10 } },
      "payments-gateway": { namespace: "payments", replicas: 3, revision: "1-25-1" },
    }), []);
  });

  it("'s stack file is one the stacks program accepts, and its canary is at the step its runbook moves from", () => {
    const [block] = yamlBlocksIn(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), "## A stack file");
    const { readStackConfig } = require("../stacks/config");
    const [gw] = readStackConfig("readme", parse(block).config["istio-gateways:gateways"]).gateways;
    assert.deepStrictEqual([gw.canary.weight, gw.canary.steps], [25, [25, 50, 100]]);
  });

  it("answers \"how do I move the canary from 25 % to 50 %\" within its first 80 lines, and stays within 250", () => {
    const lines = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n");
    assert.ok(lines.length <= 250, `${lines.length} lines`);
    const at = lines.findIndex((l) => l.includes("npm run rollout -- --stack dev next"));
    assert.ok(at >= 0 && at < 80, `the rollout command is at line ${at + 1}`);
  });

  it("links every file of docs/, and each link resolves", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const linked = new Set([...readme.matchAll(/\]\((docs\/[^)]+)\)/g)].map((m) => m[1]));
    for (const file of linked) assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} does not exist`);
    for (const file of fs.readdirSync(path.join(ROOT, "docs"))) assert.ok(linked.has(`docs/${file}`), `README does not link docs/${file}`);
  });
});

describe("docs/findings.md's table", () => {
  const table = doc("findings");
  const listed = [...table.matchAll(/^\| `(\w+)` \| (error|warning) \|/gm)].map((m) => m[1]);

  it("lists every finding code the analyzer emits", () => {
    const { Code } = require("../components/core");
    for (const code of Object.values(Code) as string[]) assert.ok(listed.includes(code), `${code} missing from docs/findings.md`);
  });

  it("lists only codes that some test makes fire", () => {
    const corpus = ["bad-input", "istio-rules"].map((f) => fs.readFileSync(path.join(ROOT, `tests/fixtures/${f}.yaml`), "utf8")).join("\n");
    const analyzeTests = ["analyze", "knobs"].map((f) => fs.readFileSync(path.join(ROOT, `tests/plan/${f}.test.ts`), "utf8")).join("\n");
    for (const code of listed) assert.ok(corpus.includes(code) || analyzeTests.includes(`Code.${code}`) || analyzeTests.includes(`"${code}"`), `no test fires ${code}`);
  });
});

describe("docs/adoption.md's Helm mapping", () => {
  // The user-facing values of the istio/gateway chart (values.yaml, Istio 1.2x).
  const CHART_VALUES = [
    "name", "revision", "replicaCount", "kind", "rbac.enabled", "serviceAccount.create", "serviceAccount.name", "serviceAccount.annotations",
    "podAnnotations", "securityContext", "containerSecurityContext", "service.type", "service.ports", "service.annotations",
    "service.loadBalancerIP", "service.loadBalancerSourceRanges", "service.loadBalancerClass", "service.externalTrafficPolicy",
    "service.internalTrafficPolicy", "service.ipFamilyPolicy", "service.ipFamilies", "service.externalIPs", "resources",
    "autoscaling.enabled", "autoscaling.minReplicas", "autoscaling.maxReplicas", "autoscaling.targetCPUUtilizationPercentage",
    "autoscaling.targetMemoryUtilizationPercentage", "autoscaling.autoscaleBehavior", "podDisruptionBudget", "terminationGracePeriodSeconds",
    "env", "envVarFrom", "labels", "annotations", "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "priorityClassName",
    "imagePullSecrets", "imagePullPolicy", "networkGateway", "strategy", "minReadySeconds", "readinessProbe", "volumes", "volumeMounts",
    "lifecycle", "platform", "global.hub", "global.tag",
  ];
  const adoption = doc("adoption");
  const table = adoption.slice(adoption.indexOf("## Coming from the istio/gateway Helm chart"));
  const firstColumn = table.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.split(" | ")[0]).join(" ");

  it("maps every user-facing value of the chart, or says why it is not needed", () => {
    for (const value of CHART_VALUES) {
      const [head, ...rest] = value.split(".");
      const leaf = rest.length ? `.${rest[rest.length - 1]}` : head;
      assert.ok(firstColumn.includes(`\`${value}\``) || (firstColumn.includes(`\`${head}.`) && firstColumn.includes(leaf)), `${value} is not in the Helm table`);
    }
  });
});
