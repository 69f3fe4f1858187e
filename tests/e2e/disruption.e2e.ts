/**
 * A node drain against the dev stack's disruption budgets, through the API server's Eviction API (what `kubectl
 * drain` calls): the controller-manager's disruption controller keeps each budget's status, and the API server
 * refuses an eviction that would break it with 429. The stable's budget (maxUnavailable 1, plan/disruption.ts) must
 * let exactly one of its pods go at a time; the canary's single pod has no budget (one would block every drain of
 * its node) and goes at once.
 */
import * as assert from "assert";
import * as path from "path";
import { deploymentName, TRACK_LABEL } from "../../components/core";
import { KubeApi, KubeApiError, KubeObject, podServes, waitFor } from "../../tools/cluster/kube-api";
import { ROOT } from "../support/run";
import { useStack } from "./support/cluster";
import { watchedUp } from "./support/steps";

const GATEWAY = "istio-ingressgateway";
const NAMESPACE = "istio-ingress";
const STABLE = "1-25-1";
const CANARY = "1-26-0";

const podsOf = async (api: KubeApi, track: string) =>
  (await api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter((p) => p.metadata.labels?.[TRACK_LABEL] === track && podServes(p));

/** One eviction, as `kubectl drain` sends it: "evicted", or the API server's refusal with its status. */
async function evict(api: KubeApi, pod: string): Promise<string> {
  const body = { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: NAMESPACE } };
  return api.create(`/api/v1/namespaces/${NAMESPACE}/pods/${pod}/eviction`, body).then(() => "evicted",
    (e: Error) => (e instanceof KubeApiError ? `refused ${e.status}${/disruption budget/.test(e.message) ? " (disruption budget)" : ""}` : e.message));
}

describe("a drain: the Eviction API against the dev stack's disruption budgets", function () {
  const live = useStack(path.join(ROOT, "Pulumi.dev.yaml"), ({ ws, api }) => watchedUp(ws, api, "drain", "up from empty (25%)"));

  it("evicts one stable pod and refuses the rest (429) until its replacement is Ready", async () => {
    const { api } = live();
    // The budget counts only once the disruption controller has seen the pods: wait for its status, if it exists.
    const budgets = await api.list(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets`);
    const budget = budgets.find((b) => b.metadata.name === deploymentName(GATEWAY, STABLE));
    if (budget) {
      await waitFor("the stable's budget to allow one disruption", 30000, async () => {
        const b = await api.get<KubeObject>(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${budget.metadata.name}`);
        const status = b.status as { disruptionsAllowed?: number; currentHealthy?: number } | undefined;
        return status?.disruptionsAllowed === 1 && status.currentHealthy === 3 ? true : undefined;
      });
    }
    const pods = await podsOf(api, STABLE);
    assert.strictEqual(pods.length, 3);
    // One after another, at once: faster than a replacement pod can become Ready (kwok readies it after 1 s).
    const outcomes: string[] = [];
    for (const p of pods) outcomes.push(await evict(api, p.metadata.name));
    const evicted = outcomes.filter((o) => o === "evicted").length;
    process.stdout.write(`      drain: the stable's budget ${budget ? JSON.stringify(budget.spec) : "(none)"}; evictions ${JSON.stringify(outcomes)}\n`);
    assert.strictEqual(evicted, 1, `evicted ${evicted} of the stable's ${pods.length} pods at once; its budget allows 1`);
    assert.deepStrictEqual(outcomes.filter((o) => o !== "evicted"), ["refused 429 (disruption budget)", "refused 429 (disruption budget)"]);
  });

  it("evicts the rest one at a time as each replacement becomes Ready, and ends with every stable pod Ready", async () => {
    const { api } = live();
    const evicted = new Set<string>();
    // A drain retries refused evictions (kubectl drain every 5 s); here every 250 ms, until each original pod is gone.
    const originals = (await podsOf(api, STABLE)).map((p) => p.metadata.name);
    for (const name of originals) {
      await waitFor(`the eviction of ${name}`, 60000, async () => ((await evict(api, name)) === "evicted" ? true : undefined));
      evicted.add(name);
    }
    const ready = await waitFor("3 ready stable pods", 60000, async () => {
      const pods = await podsOf(api, STABLE);
      return pods.length === 3 ? pods : undefined;
    });
    assert.deepStrictEqual(ready.filter((p) => evicted.has(p.metadata.name)), []);
  });

  it("evicts the canary's only pod at once: a one-pod track has no budget to block a drain", async () => {
    const { api } = live();
    const budgets = (await api.list(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets`)).map((b) => b.metadata.name);
    assert.ok(!budgets.includes(deploymentName(GATEWAY, CANARY)), budgets.join(", "));
    const [pod] = await podsOf(api, CANARY);
    assert.strictEqual(await evict(api, pod.metadata.name), "evicted");
  });

  it("leaves nothing for pulumi up to change after the drain", async () => {
    const { ws, api } = live();
    await waitFor("the canary's replacement pod", 60000, async () => ((await podsOf(api, CANARY)).length === 1 ? true : undefined));
    await ws.expectNoChanges();
  });
});
