/**
 * One pass per gateway: the stack program validates, plans and analyzes each gateway once and hands the pass to
 * its component with the arguments; the component registers what it was handed, and prepares a gateway itself
 * only when nothing was handed over for it (a program calling it directly).
 */
import * as assert from "assert";
import { IstioGatewayArgs } from "../components";
import { handOver, prepareGateway } from "../components/core";
import { register } from "./support/mocks";

const deploymentReplicas = (resources: Awaited<ReturnType<typeof register>>) =>
  resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").map((r) => (r.inputs.spec as { replicas: number }).replicas);

function gatewayWith(handed: { stack: string; gateway: string } | undefined): () => void {
  return () => {
    const { IstioGateway } = require("../components") as typeof import("../components");
    const args: IstioGatewayArgs = { namespace: "edge", replicas: 2, verifyNamespace: false };
    // A pass over other arguments (5 pods), to tell which pass the component registered.
    const prepared = prepareGateway({ stack: "test", gateway: "edge" }, { ...args, replicas: 5 });
    new IstioGateway("edge", handed ? handOver(args, handed, prepared) : args);
  };
}

describe("one pass per gateway", () => {
  it("a component handed a pass registers that pass, without a pass of its own", async () => {
    assert.deepStrictEqual(deploymentReplicas(await register(gatewayWith({ stack: "test", gateway: "edge" }))), [5]);
  });

  it("a pass handed over for another gateway name is not taken: the component prepares its own", async () => {
    assert.deepStrictEqual(deploymentReplicas(await register(gatewayWith({ stack: "test", gateway: "other" }))), [2]);
  });

  it("a pass handed over for another stack is not taken: the component prepares its own", async () => {
    assert.deepStrictEqual(deploymentReplicas(await register(gatewayWith({ stack: "other", gateway: "edge" }))), [2]);
  });

  it("a program that hands nothing over gets the component's own pass, with the same checks", async () => {
    assert.deepStrictEqual(deploymentReplicas(await register(gatewayWith(undefined))), [2]);
    await assert.rejects(register(() => {
      const { IstioGateway } = require("../components") as typeof import("../components");
      new IstioGateway("edge", { namespace: "edge", replicas: 0, verifyNamespace: false });
    }), /stack "test", gateway "edge": replicas is 0/);
  });
});
