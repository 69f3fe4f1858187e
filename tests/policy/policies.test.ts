import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policy/policies";
import { ROOT } from "../support/run";

const byName = (name: string) => {
  const p = POLICIES.find((x) => x.name === name);
  assert.ok(p, name);
  return p;
};

/** Runs a stack policy on resources, as the engine would hand them over, and returns what it reported. */
function runStack(name: string, resources: Array<{ type: string; name: string; props: Record<string, unknown>; parent?: string }>): string[] {
  const reported: string[] = [];
  const policy = byName(name) as StackValidationPolicy;
  const args = {
    resources: resources.map((r) => ({ ...r, urn: `urn:${r.name}`, parent: r.parent ? { urn: r.parent } : undefined })),
  } as unknown as Parameters<StackValidationPolicy["validateStack"]>[0];
  void policy.validateStack(args, (message: string, urn?: string) => reported.push(`${urn}: ${message}`));
  return reported;
}

function runResource(name: string, type: string, props: Record<string, unknown>): string[] {
  const reported: string[] = [];
  const policy = byName(name) as ResourceValidationPolicy;
  type Validate = (args: { type: string; props: Record<string, unknown>; urn: string; name: string }, report: (message: string) => void) => void;
  const validate = policy.validateResource as unknown as Validate;
  validate({ type, props, urn: "urn:x", name: "x" }, (message) => reported.push(message));
  return reported;
}

describe("policy pack (policy/policies.ts)", () => {
  it("names each policy once, in Istio's analyzer vocabulary (CamelCase), with a description", () => {
    assert.strictEqual(new Set(POLICIES.map((p) => p.name)).size, POLICIES.length);
    for (const p of POLICIES) {
      assert.match(p.name, /^[A-Z][A-Za-z]+$/, p.name);
      assert.ok(p.description.length > 20, p.name);
    }
  });

  it("is mandatory for what breaks traffic and advisory for hardening and style", () => {
    const levels = Object.fromEntries(POLICIES.map((p) => [p.name, p.enforcementLevel]));
    assert.deepStrictEqual(levels, {
      ImageAutoWithoutInjection: "mandatory", GatewayRevisionNotPinned: "advisory", GatewayPodNotHardened: "advisory",
      OverlappingDeploymentSelectors: "mandatory", ReferencedResourceNotFound: "mandatory", GatewayPortNotDefinedOnService: "mandatory",
      GatewayWithoutDisruptionBudget: "advisory", LoadBalancerOpenToTheWorld: "advisory", CanarySplitMismatch: "mandatory",
    });
  });

  it("is the table of docs/policy.md, row for row", () => {
    const section = fs.readFileSync(path.join(ROOT, "docs", "policy.md"), "utf8");
    const rows = section.split("\n").filter((l) => /^\| `[A-Za-z]+` \|/.test(l)).map((l) => l.split(" | ").map((c) => c.replace(/^\| |`| \|$/g, "").trim()));
    assert.deepStrictEqual(rows, POLICIES.map((p) => [p.name, p.enforcementLevel, p.description]));
  });

  it("hands a stack policy every resource, with its parent's URN, and reports each finding on its resource", () => {
    const gateway = { type: "kubernetes:networking.istio.io/v1beta1:Gateway", name: "orphan", props: { metadata: { name: "orphan", namespace: "ns" }, spec: { selector: { istio: "nobody" } } } };
    assert.deepStrictEqual(runStack("ReferencedResourceNotFound", [gateway]), [
      'urn:orphan: Gateway ns/orphan: its selector {"istio":"nobody"} matches the pods of no Deployment in this stack, so no proxy serves it',
    ]);
  });

  it("gives a resource policy only the type it checks", () => {
    const lb = { metadata: { name: "gw", namespace: "ns" }, spec: { type: "LoadBalancer", selector: { istio: "gw" } } };
    assert.strictEqual(runResource("LoadBalancerOpenToTheWorld", "kubernetes:core/v1:Service", lb).length, 1);
    assert.deepStrictEqual(runResource("LoadBalancerOpenToTheWorld", "kubernetes:apps/v1:Deployment", lb), []);
  });
});
