import * as assert from "assert";
import type { IstioGateway as IstioGatewayClass } from "../components";
import { ProgramError, Registered, runOffline } from "../tools/engine/offline";

describe("adopted namespaces (read from the cluster at preview; simulated here)", () => {
  let IstioGateway: typeof IstioGatewayClass;
  before(() => { IstioGateway = require("../components").IstioGateway; });

  const run = (labels: Record<string, string>, args: Record<string, unknown> = {}) => runOffline({
    project: "istio-gateways", stack: "prod",
    config: {},
    reads: { "kubernetes:core/v1:Namespace::shop": { metadata: { name: "shop", labels } } },
    program: () => { new IstioGateway("shop-gateway", { namespace: "shop", replicas: 2, revision: "1-25-1", ...args }); },
  });
  const kube = (rs: Registered[]) => rs.filter((r) => r.type.startsWith("kubernetes:"));

  it("refuses a namespace that disables injection, and creates nothing in it", async () => {
    await assert.rejects(run({ "istio-injection": "disabled" }), (e: ProgramError) => {
      assert.match(e.message, /^stack "prod", gateway "shop-gateway": namespace is "shop"; \[ImageAutoWithoutInjection\]/);
      assert.deepStrictEqual(kube(e.registered), []);
      return true;
    });
  });

  it("refuses a namespace whose revision label overrides the pods'", async () => {
    await assert.rejects(run({ "istio.io/rev": "1-24-0" }), /\[NamespaceOverridesRevision\]/);
  });

  it("deploys into a namespace without injection labels", async () => {
    const resources = await run({ team: "shop" });
    assert.ok(kube(resources).some((r) => r.type === "kubernetes:apps/v1:Deployment"));
  });

  it("does not read a namespace it creates", async () => {
    const resources = await run({ "istio-injection": "disabled" }, { createNamespace: true });
    assert.ok(kube(resources).some((r) => r.type === "kubernetes:core/v1:Namespace"));
  });

  it("can be told not to read it", async () => {
    const resources = await run({ "istio-injection": "disabled" }, { verifyNamespace: false });
    assert.ok(kube(resources).some((r) => r.type === "kubernetes:apps/v1:Deployment"));
  });
});
