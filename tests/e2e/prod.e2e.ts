/**
 * The prod stack with the real engine: both gateways (LoadBalancer Services, whose address the cluster's
 * load-balancer stand-in sets; priority class; the payments gateway's toleration and nodeSelector on the node set
 * aside for it), then the shared gateway's whole canary plan to promotion.
 */
import * as assert from "assert";
import * as path from "path";
import { ROOT } from "../support/run";
import { createExpectedNamespaces, useCluster } from "./support/cluster";
import { liveDifferences } from "./support/live";
import { walkCanary, watchedUp } from "./support/steps";
import { Workspace } from "./support/workspace";

describe("prod stack, real engine: both gateways, then the full canary walk", function () {
  const cluster = useCluster();
  let ws: Workspace;
  before(async () => {
    ws = new Workspace(cluster().state, path.join(ROOT, "Pulumi.prod.yaml"));
    await ws.init();
  });
  after(() => ws?.remove());

  it("comes up from empty into the app team's payments namespace, every object as render printed it", async () => {
    assert.deepStrictEqual(await createExpectedNamespaces(cluster().api, ws), ["payments"]);
    await watchedUp(ws, cluster().api, "prod", "up from empty (10%)");
    assert.deepStrictEqual(await liveDifferences(cluster().api, await ws.render()), []);
    await ws.expectNoChanges();
  });

  it("schedules the payments pods only on the node set aside for them", async () => {
    const pods = await cluster().api.list("/api/v1/namespaces/payments/pods");
    assert.strictEqual(pods.length, 3);
    assert.deepStrictEqual([...new Set(pods.map((p) => p.spec?.nodeName))], ["kwok-payments"]);
  });

  it("walks the shared gateway's canary (10 → 25 → 50 → 100, promote) with the ready-pod floor held", async () => {
    await walkCanary(ws, cluster().api, "prod runbook", "istio-ingressgateway");
    assert.deepStrictEqual(await liveDifferences(cluster().api, await ws.render()), []);
  });
});
