import * as assert from "assert";
import fc from "fast-check";
import { objectsOf, PATCH_FORCE_ANNOTATION, planGateway, validateGateway } from "../../components/core";
import { gatewayConfig } from "../support/arbitrary";

const objects = (config: Record<string, unknown>) => objectsOf(planGateway(validateGateway({ stack: "test", gateway: "gw" }, config)));
const forced = (o: { metadata: { annotations?: Record<string, string> } }) => o.metadata.annotations?.[PATCH_FORCE_ANNOTATION] === "true";

describe("ownership: the stack takes back fields changed by hand (pulumi.com/patchForce)", () => {
  it("marks every object of any valid gateway except its namespace", () => {
    fc.assert(fc.property(gatewayConfig, (config) => {
      const unforced = objects(config).filter((o) => o.kind !== "Namespace" && !forced(o)).map((o) => `${o.kind}/${o.metadata.name}`);
      assert.deepStrictEqual(unforced, [], JSON.stringify(config));
    }), { numRuns: 200 });
  });

  it("leaves a namespace the stack creates unforced: other teams and controllers label it too", () => {
    const ns = objects({ namespace: "edge", createNamespace: true }).find((o) => o.kind === "Namespace");
    assert.ok(ns);
    assert.ok(!forced(ns));
  });

  it("keeps the object's own annotations beside the mark", () => {
    const deployment = objects({ namespace: "edge", updateTimeoutSeconds: 90 }).find((o) => o.kind === "Deployment");
    assert.deepStrictEqual(deployment?.metadata.annotations, { "pulumi.com/timeoutSeconds": "90", [PATCH_FORCE_ANNOTATION]: "true" });
  });
});
