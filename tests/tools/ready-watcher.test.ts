/**
 * The e2e suite's measuring instrument, offline: the ready-pod watcher fed a scripted list and watch, as the API
 * server would send them. If it miscounted, every floor the e2e suite reports would be wrong.
 */
import * as assert from "assert";
import { KubeApi, KubeObject } from "../../tools/cluster/kube-api";
import { ReadyWatcher } from "../e2e/support/watch";

function pod(uid: string, track: string, ready: boolean, terminating = false): KubeObject {
  return {
    metadata: { name: uid, namespace: "ns", uid, labels: { "pulumi-istio-gateway/track": track }, ...(terminating && { deletionTimestamp: "2026-11-30T00:00:00Z" }) },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

/** A KubeApi that answers the first list with `initial`, replays `events` on watch, and ends with `final`. */
function scripted(initial: KubeObject[], events: Array<[string, KubeObject]>, final: KubeObject[]): KubeApi {
  return {
    get: async () => ({ items: initial, metadata: { resourceVersion: "1" } }),
    list: async () => final,
    watch: (_path: string, _rv: string, onEvent: (t: string, o: KubeObject) => void) => {
      for (const [type, object] of events) onEvent(type, object);
      return () => undefined;
    },
  } as unknown as KubeApi;
}

async function watch(initial: KubeObject[], events: Array<[string, KubeObject]>, final: KubeObject[], routes?: Record<string, string>) {
  const watcher = new ReadyWatcher(scripted(initial, events, final), "ns", { app: "gw" }, 0, routes);
  await watcher.start();
  await watcher.stop();
  return watcher.report();
}

describe("ready-pod watcher (the e2e floor's instrument)", () => {
  const stable = [pod("s1", "old", true), pod("s2", "old", true)];

  it("sees the dip of a shrink that comes before the growth", async () => {
    const r = await watch(stable, [["DELETED", stable[1]], ["ADDED", pod("c1", "new", false)], ["MODIFIED", pod("c1", "new", true)]],
      [stable[0], pod("c1", "new", true)]);
    assert.strictEqual(r.minTotal, 1);
    assert.deepStrictEqual(r.minByTrack, { old: 1, new: 0 });
  });

  it("holds the floor when the growth is ready before the shrink", async () => {
    const r = await watch(stable, [["ADDED", pod("c1", "new", false)], ["MODIFIED", pod("c1", "new", true)], ["DELETED", stable[1]]],
      [stable[0], pod("c1", "new", true)]);
    assert.strictEqual(r.minTotal, 2);
  });

  it("counts a terminating pod out at once, as endpoints do", async () => {
    const r = await watch(stable, [["MODIFIED", pod("s2", "old", true, true)]], [stable[0]]);
    assert.strictEqual(r.minTotal, 1);
  });

  it("counts created and deleted pods by UID", async () => {
    const r = await watch(stable, [["ADDED", pod("c1", "new", true)], ["DELETED", stable[0]]], [stable[1], pod("c1", "new", true)]);
    assert.deepStrictEqual([r.created, r.deleted], [1, 1]);
    assert.deepStrictEqual(r.before, { old: ["s1", "s2"] });
    assert.deepStrictEqual(r.after, { old: ["s2"], new: ["c1"] });
  });

  it("reports itself broken when its view disagrees with the final list (a lost event)", async () => {
    const r = await watch(stable, [], [stable[0]]);
    assert.match(r.broken ?? "", /saw 2 ready pods at the end, a fresh list 1/);
  });

  it("is not broken when its view matches the final list", async () => {
    assert.strictEqual((await watch(stable, [], stable)).broken, undefined);
  });

  it("checks every pod it sees once for injection, and names the uninjected ones", async () => {
    // These pods carry no istio-proxy container: as a cluster without a running injector would store them.
    const r = await watch(stable, [["ADDED", pod("c1", "new", false)], ["MODIFIED", pod("c1", "new", true)]], [...stable, pod("c1", "new", true)],
      { default: "1-25-1", old: "1-25-1", new: "1-26-0" });
    assert.strictEqual(r.injectionChecked, 3);
    assert.deepStrictEqual(r.uninjected, ["ns/s1: no istio-proxy container", "ns/s2: no istio-proxy container", "ns/c1: no istio-proxy container"]);
  });

  it("checks no injection where no istiod runs", async () => {
    const r = await watch(stable, [], stable);
    assert.deepStrictEqual([r.injectionChecked, r.uninjected], [0, []]);
  });
});
