import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { manifestsOf } from "../tools/manifest";
import { violations } from "./support/invariants";
import { register } from "./support/mocks";
import { ROOT } from "./support/run";

const EXAMPLE = path.join(ROOT, "examples/use-from-program.ts");

describe("README", () => {
  it("shows the example that examples/use-from-program.ts type-checks, word for word", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const block = /## Use it from your own program\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const example = fs.readFileSync(EXAMPLE, "utf8").split("\n").slice(1).join("\n");
    assert.strictEqual(block, example.replace('from "../components";', 'from "pulumi-istio-gateway";'));
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

  it("documents every stack-file key the validator accepts", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const { GATEWAY_KEYS } = require("../components/plan/validate");
    for (const key of GATEWAY_KEYS as string[]) assert.ok(readme.includes(`| \`${key}`), `README's config reference lacks ${key}`);
  });
});
