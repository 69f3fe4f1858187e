/**
 * The traffic stand-in (tools/cluster/traffic.ts): which pods serve, how a gateway's requests divide among them,
 * and the series Prometheus scrapes. The real Prometheus reading them: tests/e2e/analysis.e2e.ts.
 */
import * as assert from "assert";
import { podLabels } from "../../components/core";
import { KubeObject } from "../../tools/cluster/kube-api";
import { bucketShares, DURATION_BUCKETS_MS, servingPods, Traffic } from "../../tools/cluster/traffic";

function pod(name: string, labels: Record<string, string>, ready = true, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name, namespace: "ingress", labels, ownerReferences: [{ kind: "ReplicaSet", name: `${name.replace(/-[a-z0-9]{5}$/, "")}` }], ...extra },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  } as KubeObject;
}

const stable = (i: number) => pod(`edge-1-25-1-7d9f8c6b4-${"abcde".slice(0, 4)}${i}`, podLabels("edge", "1-25-1"));
const canary = (i: number) => pod(`edge-1-26-0-5c7d8b9f6-${"vwxyz".slice(0, 4)}${i}`, podLabels("edge", "1-26-0"));

describe("traffic stand-in: the pods that serve", () => {
  it("names each Ready gateway pod by the labels Istio reports: canonical service and revision, and its Deployment", () => {
    assert.deepStrictEqual(servingPods([stable(1), canary(1)]).map((p) => [p.gateway, p.revision, p.workload]),
      [["edge", "1-25-1", "edge-1-25-1"], ["edge", "1-26-0", "edge-1-26-0"]]);
  });

  const excluded: Array<[string, KubeObject]> = [
    ["a pod that is not Ready", pod("edge-1-26-0-5c7d8b9f6-q1", podLabels("edge", "1-26-0"), false)],
    ["a pod being deleted", pod("edge-1-26-0-5c7d8b9f6-q2", podLabels("edge", "1-26-0"), true, { deletionTimestamp: "2026-12-07T00:00:00Z" })],
    ["a pod that is no gateway's (no istio label)", pod("shop-5c7d8b9f6-q3", { app: "shop" })],
  ];
  for (const [what, p] of excluded) it(`leaves out ${what}`, () => assert.deepStrictEqual(servingPods([p]), []));

  it("falls back as Istio does: no canonical-revision label reports latest", () => {
    assert.strictEqual(servingPods([pod("istio-ingressgateway-5c7d8b9f6-q4", { app: "istio-ingressgateway", istio: "ingressgateway" })])[0].revision, "latest");
  });
});

describe("traffic stand-in: requests and their series", () => {
  const total = (text: string, match: RegExp) => text.split("\n").filter((l) => l.startsWith("istio_requests_total{") && match.test(l))
    .reduce((n, l) => n + Number(l.split(" ").pop()), 0);

  it("divides a gateway's rate evenly among its Ready pods: 3 stable and 1 canary pod take 75 % and 25 %", () => {
    const pods = servingPods([stable(1), stable(2), stable(3), canary(1)]);
    const t = new Traffic();
    t.advance(pods, { gateways: { "ingress/edge": { rps: 40 } } }, 10);
    const text = t.exposition(pods);
    assert.strictEqual(total(text, /source_canonical_revision="1-25-1"/), 300);
    assert.strictEqual(total(text, /source_canonical_revision="1-26-0"/), 100);
  });

  it("answers a revision's error share with 503s", () => {
    const pods = servingPods([stable(1), canary(1)]);
    const t = new Traffic();
    t.advance(pods, { gateways: { "ingress/edge": { rps: 100, revisions: { "1-26-0": { errorPercent: 3 } } } } }, 10);
    const text = t.exposition(pods);
    assert.strictEqual(total(text, /1-26-0.*response_code="503"/), 15);
    assert.strictEqual(total(text, /1-25-1.*response_code="503"/), 0);
  });

  it("keeps every count growing while a pod lives, and drops a pod's series when it goes", () => {
    const pods = servingPods([stable(1), canary(1)]);
    const t = new Traffic();
    t.advance(pods, {}, 1.3);
    const first = total(t.exposition(pods), /./);
    t.advance(pods, {}, 0.01);
    assert.ok(total(t.exposition(pods), /./) >= first);
    t.advance(pods.slice(0, 1), {}, 1);
    assert.doesNotMatch(t.exposition(pods.slice(0, 1)), /1-26-0/);
  });

  it("gives a histogram whose cumulative buckets never decrease and end at the request count", () => {
    const pods = servingPods([canary(1)]);
    const t = new Traffic();
    t.advance(pods, { gateways: { "ingress/edge": { rps: 1000, revisions: { "1-26-0": { p99Ms: 200 } } } } }, 3);
    const buckets = t.exposition(pods).split("\n").filter((l) => l.startsWith("istio_request_duration_milliseconds_bucket")).map((l) => Number(l.split(" ").pop()));
    assert.strictEqual(buckets.length, DURATION_BUCKETS_MS.length + 1);
    buckets.forEach((b, i) => assert.ok(i === 0 || b >= buckets[i - 1], `bucket ${i}`));
    assert.strictEqual(buckets[buckets.length - 1], 3000);
  });

  it("puts the 99th percentile in the bucket that holds the p99 set, for p99s from 1 ms to 10 s", () => {
    for (const p99 of [0.7, 3, 40, 250, 1234, 10000]) {
      const pods = servingPods([canary(1)]);
      const t = new Traffic();
      t.advance(pods, { gateways: { "ingress/edge": { rps: 10000, revisions: { "1-26-0": { p99Ms: p99 } } } } }, 10);
      const lines = t.exposition(pods).split("\n").filter((l) => l.startsWith("istio_request_duration_milliseconds_bucket"));
      const counts = lines.map((l) => Number(l.split(" ").pop()));
      // histogram_quantile's bucket: the first whose cumulative count reaches 99 % of all requests.
      const i = counts.findIndex((c) => c >= 0.99 * counts[counts.length - 1]);
      const upper = DURATION_BUCKETS_MS[i];
      const lower = i === 0 ? 0 : DURATION_BUCKETS_MS[i - 1];
      assert.ok(lower < p99 && p99 <= upper, `p99 ${p99} ms: the 99th percentile falls in (${lower}, ${upper}]`);
      const shares = bucketShares(p99);
      shares.forEach((x, j) => assert.ok(j === 0 || x >= shares[j - 1]));
    }
  });
});
