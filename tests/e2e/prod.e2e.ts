/**
 * The prod stack with the real engine: both gateways (LoadBalancer Services, whose address the cluster's
 * load-balancer stand-in sets; priority class; the payments gateway's toleration and nodeSelector on the node set
 * aside for it), then the shared gateway's whole canary plan to promotion.
 */
import * as assert from "assert";
import * as path from "path";
import { ROOT } from "../support/run";
import { createExpectedNamespaces, useStack } from "./support/cluster";
import { liveDifferences } from "./support/live";
import { walkCanary, watchedUp } from "./support/steps";

describe("prod stack, real engine: both gateways, then the full canary walk", function () {
  const live = useStack(path.join(ROOT, "Pulumi.prod.yaml"));

  it("comes up from empty into the app team's payments namespace, every object as render printed it", async () => {
    const { ws, api } = live();
    assert.deepStrictEqual(await createExpectedNamespaces(api, ws), ["payments"]);
    await watchedUp(ws, api, "prod", "up from empty (10%)");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    await ws.expectNoChanges();
  });

  it("schedules the payments pods only on the node set aside for them", async () => {
    const pods = await live().api.list("/api/v1/namespaces/payments/pods");
    assert.strictEqual(pods.length, 3);
    assert.deepStrictEqual([...new Set(pods.map((p) => p.spec?.nodeName))], ["kwok-payments"]);
  });

  it("walks the shared gateway's canary (10 → 25 → 50 → 100, promote) with the ready-pod floor held", async () => {
    const { ws, api } = live();
    await walkCanary(ws, api, "prod runbook", "istio-ingressgateway");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
  });
});
