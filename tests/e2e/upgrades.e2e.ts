/**
 * Revision changes other than the canary walk, with the real engine (docs/canary.md, docs/upgrading.md): `promote
 * --force` from the first step, and an in-place upgrade (a gateway with no canary given a new `revision`). Each
 * `pulumi up` is watched for the ready-pod floor and for injection by the right istiod, and followed by `pulumi
 * preview --expect-no-changes`.
 */
import * as assert from "assert";
import * as path from "path";
import { TRACK_LABEL } from "../../components/core";
import { KubeApi, podServes } from "../../tools/cluster/kube-api";
import { ROOT } from "../support/run";
import { useStack } from "./support/cluster";
import { liveDifferences, readyByDeployment } from "./support/live";
import { rolloutStep, watchedUp } from "./support/steps";

const GATEWAY = "istio-ingressgateway";
const NAMESPACE = "istio-ingress";
const DEV = path.join(ROOT, "Pulumi.dev.yaml");

const readyDeployments = async (api: KubeApi) => readyByDeployment(await api.list(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`));

const servingPods = async (api: KubeApi) => (await api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter(podServes);

describe("promote --force from 25%, real engine", function () {
  const live = useStack(DEV, ({ ws, api }) => watchedUp(ws, api, "promote --force", "up from empty (25%)"));

  it("grows the new revision to every replica before the old one goes, keeping the canary's pod; the old Deployment deleted", async () => {
    const { ws, api } = live();
    const canaryBefore = (await servingPods(api)).filter((p) => p.metadata.labels?.[TRACK_LABEL] === "1-26-0").map((p) => p.metadata.uid);
    const [row] = await rolloutStep(ws, api, "promote --force", "promote", GATEWAY, { flags: ["--force"] });
    assert.strictEqual(ws.gateways()[GATEWAY].revision, "1-26-0");
    assert.strictEqual(ws.gateways()[GATEWAY].canary, undefined);
    assert.deepStrictEqual(await readyDeployments(api), { [`${GATEWAY}-1-26-0`]: 4 });
    // The canary's Deployment keeps its name and selector: its running pod is not replaced, only joined.
    assert.deepStrictEqual((row.report.after["1-26-0"] ?? []).filter((uid) => canaryBefore.includes(uid)), canaryBefore);
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
  });
});

describe("an in-place upgrade: a gateway without a canary given a new revision, real engine", function () {
  const live = useStack(DEV, async ({ ws, api }) => {
    ws.setGateway(GATEWAY, (gw) => { delete gw.canary; });
    await watchedUp(ws, api, "in-place", "up from empty (no canary)");
  });

  it("replaces every pod with one of the new revision, injected by its istiod, ready pods never below replicas", async () => {
    const { ws, api } = live();
    const before = (await servingPods(api)).map((p) => p.metadata.uid);
    assert.strictEqual(before.length, 4);
    ws.setGateway(GATEWAY, (gw) => { gw.revision = "1-26-0"; });
    await watchedUp(ws, api, "in-place", "revision 1-25-1 → 1-26-0");
    const after = await servingPods(api);
    assert.deepStrictEqual(after.map((p) => p.metadata.labels?.["istio.io/rev"]), ["1-26-0", "1-26-0", "1-26-0", "1-26-0"]);
    assert.deepStrictEqual(after.filter((p) => before.includes(p.metadata.uid)).map((p) => p.metadata.name), [], "old pods still serve");
    assert.deepStrictEqual(await readyDeployments(api), { [`${GATEWAY}-1-26-0`]: 4 });
  });

  it("leaves nothing for a second pulumi up to change, and nothing of the old revision on the cluster", async () => {
    const { ws, api } = live();
    await ws.expectNoChanges();
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
  });
});
