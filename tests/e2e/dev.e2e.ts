/**
 * The dev stack with the real Pulumi engine against a real API server: from empty, then the canary runbook to
 * promotion, then (on a fresh deploy) the `back` and `abort` paths. Every `pulumi up` is watched for the
 * ready-pod floor and followed by `pulumi preview --expect-no-changes`.
 */
import * as assert from "assert";
import * as path from "path";
import { ROOT } from "../support/run";
import { useStack } from "./support/cluster";
import { liveDifferences, readyByDeployment } from "./support/live";
import { rolloutStep, walkCanary, watchedUp } from "./support/steps";

const GATEWAY = "istio-ingressgateway";
const DEV = path.join(ROOT, "Pulumi.dev.yaml");

describe("dev stack, real engine: from empty through the canary runbook", function () {
  const live = useStack(DEV);

  it("comes up from empty with every object as render printed it, and a second up would change nothing", async () => {
    const { ws, api } = live();
    await watchedUp(ws, api, "dev", "up from empty (25%)");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    await ws.expectNoChanges();
  });

  it("has the Istio Gateway accepted by Istio's own CRD schema, which refuses a malformed one", async () => {
    const { api } = live();
    const gateway = await api.get(`/apis/networking.istio.io/v1/namespaces/istio-ingress/gateways/${GATEWAY}`);
    assert.deepStrictEqual(gateway.spec?.selector, { app: GATEWAY, istio: "ingressgateway" });
    const malformed = { apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "malformed" },
      spec: { servers: [{ port: { number: "eighty", protocol: "HTTP", name: "http" }, hosts: ["*"] }] } };
    await assert.rejects(api.create("/apis/networking.istio.io/v1/namespaces/istio-ingress/gateways?dryRun=All", malformed), /number/);
  });

  it("walks next to 100% and promotes with ready pods never below replicas, no pod of the survivor replaced", async () => {
    const { ws, api } = live();
    await walkCanary(ws, api, "dev runbook", GATEWAY);
    const deployments = await api.list("/apis/apps/v1/namespaces/istio-ingress/deployments");
    assert.deepStrictEqual(deployments.map((d) => d.metadata.name), [`${GATEWAY}-1-26-0`]);
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
  });
});

describe("dev stack, real engine: back and abort from a fresh deploy", function () {
  const live = useStack(DEV, ({ ws, api }) => watchedUp(ws, api, "dev rollback", "up from empty (25%)"));

  // From 25 % (1 canary pod of 4): each verb's weight in the stack file, and the ready pods per Deployment after its
  // pulumi up, as the split plans them (docs/canary.md: 4 pods make 25, 50 and 100 exact).
  const WALK: Array<[verb: string, weight: number, stable: number, canary: number]> = [["next", 50, 2, 2], ["back", 25, 3, 1], ["abort", 0, 4, 0]];
  for (const [verb, weight, stable, canary] of WALK) {
    it(`\`rollout ${verb}\` writes weight ${weight}, and pulumi up leaves ${stable} stable and ${canary} canary pods ready, holding the floor, with nothing left to change`, async () => {
      const { ws, api } = live();
      await rolloutStep(ws, api, "dev rollback", verb, GATEWAY);
      assert.strictEqual(ws.gateways()[GATEWAY].canary?.weight, weight);
      const deployments = await api.list("/apis/apps/v1/namespaces/istio-ingress/deployments");
      assert.deepStrictEqual(readyByDeployment(deployments), { [`${GATEWAY}-1-25-1`]: stable, [`${GATEWAY}-1-26-0`]: canary });
    });
  }

  it("runs every pod on the stable revision after abort, the canary Deployment kept at 0", async () => {
    const deployments = await live().api.list("/apis/apps/v1/namespaces/istio-ingress/deployments");
    assert.deepStrictEqual(readyByDeployment(deployments), { [`${GATEWAY}-1-25-1`]: 4, [`${GATEWAY}-1-26-0`]: 0 });
  });
});
