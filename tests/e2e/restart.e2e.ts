/**
 * A declarative restart with the real engine: bumping `restartGeneration` changes the restart token (a
 * `@pulumi/random` RandomId kept by revision and generation), so every pod of every revision is replaced, with
 * ready pods never below `replicas`; repeating `pulumi up` changes nothing.
 */
import * as assert from "assert";
import * as path from "path";
import { ROOT } from "../support/run";
import { useStack } from "./support/cluster";
import { watchedUp } from "./support/steps";

describe("restart, real engine", function () {
  const live = useStack(path.join(ROOT, "Pulumi.dev.yaml"), ({ ws, api }) => watchedUp(ws, api, "restart", "up from empty (25%)"));

  it("replaces every pod when restartGeneration goes 0 → 1, holding the ready-pod floor", async () => {
    const { ws, api } = live();
    ws.setGateway("istio-ingressgateway", (gw) => { gw.restartGeneration = 1; });
    const [row] = await watchedUp(ws, api, "restart", "restartGeneration 0 → 1");
    const before = Object.values(row.report.before).flat();
    const after = new Set(Object.values(row.report.after).flat());
    assert.strictEqual(before.length, 4);
    assert.deepStrictEqual(before.filter((uid) => after.has(uid)), [], "pods that survived the restart");
    assert.strictEqual(after.size, 4);
  });

  it("changes nothing on the next preview: the token is kept until the generation moves again", async () => {
    await live().ws.expectNoChanges();
  });
});
