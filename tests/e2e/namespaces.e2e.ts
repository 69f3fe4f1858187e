/**
 * Namespaces the stack creates, with the real engine: Pulumi's retainOnDelete is an option, not an input, so the
 * mocks can only show it is asked for. Here the stack lets go of its namespace (createNamespace removed) and the
 * namespace, with the gateway's pods in it, must still be there; and a namespace first created without retention
 * (as versions before retainNamespace did) is retained after one `pulumi up` that asks for it (docs/upgrading.md).
 */
import * as assert from "assert";
import * as path from "path";
import { KubeApi, waitFor } from "../../tools/cluster/kube-api";
import { useStack } from "./support/cluster";

const FIXTURE = path.join(__dirname, "fixtures", "Pulumi.namespace.yaml");

async function namespaceIsThere(api: KubeApi): Promise<void> {
  const ns = await api.find("/api/v1/namespaces/edge");
  assert.ok(ns, "namespace edge is gone");
  assert.strictEqual((ns.status as { phase?: string } | undefined)?.phase, "Active");
}

describe("a namespace the stack created, let go of, real engine", function () {
  const live = useStack(FIXTURE);

  it("creates the namespace, retained on delete by default", async () => {
    const { ws, api } = live();
    await ws.up();
    await namespaceIsThere(api);
  });

  it("leaves the namespace and the pods in it when createNamespace is removed", async () => {
    const { ws, api } = live();
    ws.setGateway("edge-gateway", (gw) => { delete gw.createNamespace; });
    await ws.up();
    await namespaceIsThere(api);
    await waitFor("the gateway's pods", 30000, async () => ((await api.list("/api/v1/namespaces/edge/pods")).length === 2 ? true : undefined));
    await ws.expectNoChanges();
  });
});

describe("a namespace created without retention, then retained, real engine", function () {
  const live = useStack(FIXTURE, async ({ ws }) => {
    ws.setGateway("edge-gateway", (gw) => { gw.retainNamespace = false; });
    await ws.up();
  });

  it("is kept once one pulumi up has asked for retention, however the stack lets go of it later", async () => {
    const { ws, api } = live();
    ws.setGateway("edge-gateway", (gw) => { delete gw.retainNamespace; });
    await ws.up();
    ws.setGateway("edge-gateway", (gw) => { delete gw.createNamespace; });
    await ws.up();
    await namespaceIsThere(api);
  });
});
