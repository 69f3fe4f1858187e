/**
 * Moving a revision tag under a running gateway, with the real engine and two istiods (docs/upgrading.md, "In place,
 * through a revision tag"). The gateway's pods name the tag prod-stable (tests/e2e/fixtures/Pulumi.tags.yaml);
 * `istioctl tag set prod-stable --revision 1-26-0 --overwrite` points the tag's injector webhook at 1-26-0's istiod.
 *  - what moving the tag restarts: no pod; they keep 1-25-1's proxy, configured by 1-25-1's istiod;
 *  - whether the preview says so: it does not (no object of the stack changed), so the restart is the user's step;
 *  - the restart (restartGeneration 0 → 1): every pod replaced one at a time, ready pods never below replicas, each
 *    new pod injected by 1-26-0 and configured by it (the xDS check); then nothing left for a second `pulumi up`.
 */
import * as assert from "assert";
import * as path from "path";
import { istiodChoice } from "../../tools/cluster/istiod";
import { useStack } from "./support/cluster";
import { injectedRevision, liveRevisionRoutes } from "./support/injection";
import { watchedCommand, watchedUp } from "./support/steps";

const NAMESPACE = "istio-ingress";

describe("a revision tag moved under a running gateway, real engine", function () {
  const live = useStack(path.join(__dirname, "fixtures", "Pulumi.tags.yaml"), ({ ws, api }) => watchedUp(ws, api, "tags", "up from empty (prod-stable → 1-25-1)"),
    { istiod: istiodChoice("1-25-1,1-26-0", "prod-stable=1-25-1") });
  const pods = async () => (await live().api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter((p) => !p.metadata.deletionTimestamp);

  it("istioctl tag set moves the tag and restarts no pod: each keeps the proxy 1-25-1 injected", async function () {
    this.timeout(3 * 60 * 1000);
    const { ws, api } = live();
    const before = await pods();
    assert.deepStrictEqual(before.map(injectedRevision), ["1-25-1", "1-25-1", "1-25-1"]);
    const r = await ws.run(path.join(ws.cluster.bin, "istioctl"), ["tag", "set", "prod-stable", "--revision", "1-26-0", "--overwrite", "--skip-confirmation"]);
    process.stdout.write(`      istioctl tag set prod-stable --revision 1-26-0 --overwrite: exit ${r.code}\n${`${r.stdout}${r.stderr}`.trim().replace(/^/gm, "        ")}\n`);
    assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.strictEqual((await liveRevisionRoutes(api, ws.cluster.istiod ?? {}))["prod-stable"], "1-26-0", "the tag's webhook does not name 1-26-0");
    await new Promise((resolve) => setTimeout(resolve, 5000)); // anything the move set off has happened by now
    const after = await pods();
    assert.deepStrictEqual(after.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort(), "pods were replaced when the tag moved");
    assert.deepStrictEqual(after.map(injectedRevision), ["1-25-1", "1-25-1", "1-25-1"]);
  });

  it("the preview shows no change after the move: nothing of the stack changed, so it cannot tell", async () => {
    await live().ws.expectNoChanges();
  });

  it("restartGeneration 0 → 1 replaces every pod with one 1-26-0 injects and configures, never below 3 ready", async function () {
    this.timeout(5 * 60 * 1000);
    const { ws, api } = live();
    const before = (await pods()).map((p) => p.metadata.uid);
    ws.setGateway("istio-ingressgateway", (gw) => { gw.restartGeneration = 1; });
    // The pods running now were injected before the tag moved: only the ones the restart creates are checked.
    const { result } = await watchedCommand(ws, api, "tags", "restartGeneration 0 → 1 (prod-stable → 1-26-0)", () => ws.up(), { settle: true, tagMoved: true });
    assert.strictEqual(result.code, 0, result.stdout + result.stderr);
    const after = await pods();
    assert.deepStrictEqual(after.filter((p) => before.includes(p.metadata.uid)).map((p) => p.metadata.name), [], "pods that survived the restart");
    assert.deepStrictEqual(after.map(injectedRevision), ["1-26-0", "1-26-0", "1-26-0"]);
  });

  it("leaves nothing for a second pulumi up to change", async () => {
    await live().ws.expectNoChanges();
  });
});
