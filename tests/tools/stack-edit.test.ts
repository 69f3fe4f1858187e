import * as assert from "assert";
import { StackDocument } from "../../tools/rollout/stack-edit";

const header = "# top comment\nconfig:\n  istio-gateways:gateways:\n    gw:\n";

function edit(body: string, apply: (d: StackDocument) => void): string {
  const d = new StackDocument(header + body, "Pulumi.t.yaml");
  apply(d);
  return d.toString();
}

const weight = (d: StackDocument) => d.apply("gw", { kind: "weight", from: 10, to: 25 });
const promote = (d: StackDocument) => d.apply("gw", { kind: "promote", revision: "1-26-0", from: 100 });

describe("stack file edits", () => {
  const cases: Array<[rule: string, body: string, apply: (d: StackDocument) => void, expected: string]> = [
    ["changes only the weight and adds previousWeight after it, in a block map",
      "      canary:\n        revision: 1-26-0  # new\n        weight: 10 # now\n        steps: [10, 25, 50, 100]\n",
      weight,
      "      canary:\n        revision: 1-26-0  # new\n        weight: 25 # now\n        previousWeight: 10\n        steps: [10, 25, 50, 100]\n"],
    ["updates an existing previousWeight in place",
      "      canary:\n        revision: 1-26-0\n        weight: 10\n        previousWeight: 0 # was\n",
      weight,
      "      canary:\n        revision: 1-26-0\n        weight: 25\n        previousWeight: 10 # was\n"],
    ["keeps a flow map a flow map, spacing and all",
      "      canary: { revision: 1-26-0, weight: 10 }\n",
      weight,
      "      canary: { revision: 1-26-0, weight: 25, previousWeight: 10 }\n"],
    ["promotes: the revision takes the canary's, the canary and its comments go, the rest stays",
      "      namespace: ns # kept\n      revision: \"1-25-1\"\n      # the canary\n      canary:\n        revision: 1-26-0\n        weight: 100\n      replicas: 4\n",
      promote,
      "      namespace: ns # kept\n      revision: \"1-26-0\"\n      replicas: 4\n"],
    ["promotes a gateway on the default revision by adding the revision",
      "      canary: { revision: 1-26-0, weight: 100 }\n      namespace: ns\n      replicas: 4\n",
      promote,
      "      namespace: ns\n      replicas: 4\n      revision: 1-26-0\n"],
  ];
  for (const [rule, body, apply, expected] of cases) {
    it(rule, () => assert.strictEqual(edit(body, apply), header + expected));
  }

  it("reads the gateways spelled without the project prefix", () => {
    const d = new StackDocument("config:\n  gateways:\n    gw: { namespace: ns }\n", "Pulumi.t.yaml");
    assert.deepStrictEqual(d.gateways(), { gw: { namespace: "ns" } });
  });

  it("refuses a file that is not YAML", () => {
    assert.throws(() => new StackDocument("config: {\n  a: [\n", "Pulumi.t.yaml"), /Pulumi.t.yaml is not valid YAML/);
  });
});
