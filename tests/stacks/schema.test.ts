import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { renderManifests } from "../../tools/engine/render-stack";
import { ROOT } from "../support/run";
import { schemaErrors } from "../support/schema";
import { afterVerb, tempStackFile } from "../support/stack-files";

const committed = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f) && f !== "Pulumi.yaml");
const fixtures = fs.readdirSync(path.join(ROOT, "tests/fixtures/valid")).map((f) => path.join("tests/fixtures/valid", f));

/** The stack file at every step of each gateway's canary plan, and after its promotion. */
function everyStep(text: string): Array<{ label: string; text: string }> {
  const gateways = parse(text).config["istio-gateways:gateways"] as Record<string, { canary?: { steps?: number[] } }>;
  const out = [{ label: "as committed", text }];
  for (const [name, g] of Object.entries(gateways)) {
    if (!g.canary) continue;
    for (const w of [0, ...(g.canary.steps ?? [10, 25, 50, 100])]) {
      const doc = parseDocument(text);
      doc.setIn(["config", "istio-gateways:gateways", name, "canary", "weight"], w);
      out.push({ label: `${name} at ${w}%`, text: doc.toString() });
    }
    out.push({ label: `${name} promoted`, text: afterVerb(text, "promote", name, true) });
  }
  return out;
}

describe("schema validation (kubernetes-models, @kubernetes-models/istio)", () => {
  for (const file of [...committed, ...fixtures]) {
    it(`${file}: every object validates at every step of its canary plans`, async () => {
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      for (const step of everyStep(text)) {
        const manifests = await renderManifests({ stackFile: tempStackFile("schema", step.text) });
        assert.deepStrictEqual(schemaErrors(manifests), [], `${file}, ${step.label}`);
      }
    });
  }

  it("flags an object the schema rejects", () => {
    const bad = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { replicas: "three", selector: {}, template: {} } };
    assert.match(schemaErrors([bad]).join("\n"), /Deployment \/d: .*replicas must be integer/);
  });

  it("flags a Gateway the Istio schema rejects", () => {
    const bad = { apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "g" }, spec: { servers: [{ port: { number: "eighty" } }] } };
    assert.match(schemaErrors([bad]).join("\n"), /Gateway \/g: .*number must be integer/);
  });

  it("flags a kind it has no schema for", () => {
    assert.match(schemaErrors([{ apiVersion: "v1", kind: "Frobnicator", metadata: { name: "f" } }]).join(), /no schema known/);
  });
});
