/**
 * Autoscaling and external traffic shifting with the real engine, each stack up and then walked through its
 * canary (the autoscaled one to 50 %, back to 0 by abort, then to promotion; the external one to promotion); then the egress and east-west presets deployed. The objects are live as render printed them
 * (HPAs per revision; a Service per revision with its address), each update completes, and a second update would
 * change nothing: the HPAs own the pod counts, Pulumi does not fight them.
 */
import * as assert from "assert";
import * as path from "path";
import { istiodChoice } from "../../tools/cluster/istiod";
import { KubeApi, KubeObject, waitFor } from "../../tools/cluster/kube-api";
import { ROOT } from "../support/run";
import { createExpectedNamespaces, useStack } from "./support/cluster";
import { liveDifferences } from "./support/live";
import { rolloutStep, walkCanary, watchedUp } from "./support/steps";

const fixture = (name: string) => path.join(__dirname, "fixtures", `Pulumi.${name}.yaml`);

describe("autoscaled stack, real engine", function () {
  const live = useStack(fixture("hpa"));

  it("comes up with one HPA per revision, every object as render printed it", async () => {
    const { ws, api } = live();
    await watchedUp(ws, api, "hpa", "up from empty (25%)");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    const hpas = await api.list("/apis/autoscaling/v2/namespaces/istio-ingress/horizontalpodautoscalers");
    assert.deepStrictEqual(hpas.map((h) => [h.metadata.name, h.spec?.minReplicas]).sort(),
      [["istio-ingressgateway-1-25-1", 3], ["istio-ingressgateway-1-26-0", 1]]);
  });

  it("lets the HPAs set the pod counts, and a second up would change nothing", async () => {
    const { ws, api } = live();
    // The HPA controller raises each Deployment to its minimum (no metrics are needed for that).
    await waitFor("the HPAs' minima", 60000, async () => {
      const d = await api.list("/apis/apps/v1/namespaces/istio-ingress/deployments");
      const ready = (x: KubeObject) => (x.status as { readyReplicas?: number }).readyReplicas ?? 0;
      return d.map(ready).sort().join(",") === "1,3" ? true : undefined;
    });
    await ws.expectNoChanges();
  });

  it("does not count a pod count set by hand as drift: the HPA owns it, pulumi preview --refresh shows no change", async () => {
    const { ws, api } = live();
    // `kubectl scale`, as an operator would in an incident; the Deployment is the HPA's to size, not Pulumi's.
    const deployment = "/apis/apps/v1/namespaces/istio-ingress/deployments/istio-ingressgateway-1-25-1";
    // Once the scale has rolled out: a refresh that catches new pods still starting reads the Deployment as
    // unhealthy, and the provider proposes an update to wait for it again (seen in a run), which is not drift.
    await scaleAndSettle(api, "istio-ingressgateway-1-25-1", 5);
    const r = await ws.must(["preview", "--refresh", "--expect-no-changes"]);
    const live5 = await api.get<KubeObject>(deployment);
    process.stdout.write(`      hpa: scaled by hand to ${live5.spec?.replicas}; pulumi preview --refresh --expect-no-changes exit ${r.code}\n`);
  });

  // The HPAs, not Pulumi, move the pods after each step (docs/autoscaling.md): the floor is the gateway's
  // minReplicas. The steps that take a revision to 0 pods (abort, 100 %) raise the other's HPA minimum in the same
  // update: Pulumi waits for that minimum to be available (pulumi.com/waitFor) before the revision shrinks.
  it("walks the canary 25 → 50, ready pods never below minReplicas (4), each HPA's bounds as rendered", async () => {
    const { ws, api } = live();
    await rolloutStep(ws, api, "hpa walk", "next", "istio-ingressgateway", { floor: 4 });
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    assert.deepStrictEqual(await hpaBounds(api), [["istio-ingressgateway-1-25-1", 2, 5], ["istio-ingressgateway-1-26-0", 2, 5]]);
  });

  it("aborts 50 → 0: the stable's HPA brings its minimum before the canary's pods go, ready pods never below 4", async () => {
    const { ws, api } = live();
    // A quiet hour: the stable down to its HPA's minimum at 50 % (2; it runs 5 since the hand scaling above), as
    // its HPA would scale it with no load. Abort must then wait for the stable's HPA to bring it back to 4.
    await scaleAndSettle(api, "istio-ingressgateway-1-25-1", 2);
    await rolloutStep(ws, api, "hpa walk", "abort", "istio-ingressgateway", { floor: 4 });
    assert.deepStrictEqual(await hpaBounds(api), [["istio-ingressgateway-1-25-1", 4, 10]]);
    // The stable's count is its HPA's (at least its minimum; more if it was scaled up before), the canary's the plan's 0.
    const [[, stable], [, canary]] = await replicasByDeployment(api);
    assert.ok(stable !== undefined && stable >= 4, `the stable wants ${stable} pods, under its HPA's minimum 4`);
    assert.strictEqual(canary, 0);
  });

  it("walks 0 → 100 again and promotes, ready pods never below 4, the canary's HPA minimum available before the stable goes", async () => {
    const { ws, api } = live();
    await walkCanary(ws, api, "hpa walk", "istio-ingressgateway", 4);
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    assert.deepStrictEqual(await hpaBounds(api), [["istio-ingressgateway-1-26-0", 4, 10]]);
  });
});

/** `kubectl scale`, as an operator would, then until the Deployment has that many pods available and no more. */
async function scaleAndSettle(api: KubeApi, name: string, replicas: number): Promise<void> {
  const deployment = `/apis/apps/v1/namespaces/istio-ingress/deployments/${name}`;
  await api.patch(`${deployment}/scale`, { spec: { replicas } });
  await waitFor(`${name} scaled to ${replicas}`, 60000, async () => {
    const d = await api.get<KubeObject>(deployment);
    const status = d.status as { observedGeneration?: number; availableReplicas?: number; replicas?: number };
    return status.observedGeneration === d.metadata.generation && status.availableReplicas === replicas && status.replicas === replicas ? true : undefined;
  });
}

/** Each HPA's name, minimum and maximum, as the cluster holds them. */
async function hpaBounds(api: KubeApi): Promise<Array<[string, number | undefined, number | undefined]>> {
  const hpas = await api.list("/apis/autoscaling/v2/namespaces/istio-ingress/horizontalpodautoscalers");
  return hpas.map((h): [string, number | undefined, number | undefined] =>
    [h.metadata.name, h.spec?.minReplicas as number | undefined, h.spec?.maxReplicas as number | undefined]).sort();
}

/** Each Deployment's name and wanted pod count (the HPA's, or the plan's 0), as the cluster holds them. */
async function replicasByDeployment(api: KubeApi): Promise<Array<[string, number | undefined]>> {
  const deployments = await api.list("/apis/apps/v1/namespaces/istio-ingress/deployments");
  return deployments.map((d): [string, number | undefined] => [d.metadata.name, d.spec?.replicas as number | undefined]).sort();
}

describe("externally shifted stack, real engine", function () {
  const live = useStack(fixture("external"));

  it("comes up with a Service per revision, each given an address, and exports the weights", async () => {
    const { ws, api } = live();
    await watchedUp(ws, api, "external", "up from empty (50%)");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    const services = await api.list("/api/v1/namespaces/edge/services");
    const addressed = services.filter((s) => ((s.status?.loadBalancer as { ingress?: unknown[] })?.ingress ?? []).length > 0);
    assert.deepStrictEqual(addressed.map((s) => s.metadata.name).sort(), ["edge-gateway", "edge-gateway-1-25-1", "edge-gateway-1-26-0"]);
    const outputs = await ws.outputs() as { gateways: Record<string, { externalWeights?: Record<string, number> }> };
    assert.deepStrictEqual(outputs.gateways["edge-gateway"].externalWeights, { "1-25-1": 50, "1-26-0": 50 });
    await ws.expectNoChanges();
  });

  it("walks 50 → 100 and promotes: each step exports its weights and keeps a Service per running revision, the floor held", async () => {
    const { ws, api } = live();
    const seen: string[] = [];
    const record = async (step: string) => {
      const outputs = await ws.outputs() as { gateways: Record<string, { externalWeights?: Record<string, number> }> };
      const services = (await api.list("/api/v1/namespaces/edge/services")).map((s) => s.metadata.name).sort();
      seen.push(`${step}: ${JSON.stringify(outputs.gateways["edge-gateway"].externalWeights)} ${services.join(",")}`);
      assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    };
    await rolloutStep(ws, api, "external walk", "next", "edge-gateway");
    await record("100%");
    await rolloutStep(ws, api, "external walk", "promote", "edge-gateway");
    await record("promoted");
    process.stdout.write(`      external walk: ${seen.join(" | ")}\n`);
    assert.deepStrictEqual(seen, [
      '100%: {"1-25-1":0,"1-26-0":100} edge-gateway,edge-gateway-1-25-1,edge-gateway-1-26-0',
      'promoted: {"1-26-0":100} edge-gateway,edge-gateway-1-26-0',
    ]);
  });
});

/**
 * The egress and east-west presets deployed beside each other (tests/fixtures/valid/Pulumi.modes.yaml): the egress
 * gateway's stable named by a revision tag, the east-west gateway in istio-system. Every pod injected by its
 * revision's istiod and given the listeners its Gateway's servers name (the xDS check of watchedUp).
 */
describe("egress and east-west gateways, real engine", function () {
  const live = useStack(path.join(ROOT, "tests", "fixtures", "valid", "Pulumi.modes.yaml"), undefined,
    { istiod: istiodChoice("1-25-1,1-26-0", "prod-stable=1-25-1") });

  it("comes up with both gateways' objects as render printed them, every pod injected and configured by istiod", async () => {
    const { ws, api } = live();
    await createExpectedNamespaces(api, ws);
    await watchedUp(ws, api, "modes", "up from empty");
    // The egress gateway's restartGeneration (3) gives its pods a restart token: a random value on the cluster, a
    // stand-in in the offline render. The token is there; every other field is as rendered.
    const differences = await liveDifferences(api, await ws.render());
    const token = /^Deployment istio-egress\/istio-egressgateway-prod-stable \.spec\.template\.metadata\.annotations\.pulumi-istio-gateway\/restart-token: rendered "[0-9a-f]{8}", live "[0-9a-f]{8}"$/;
    assert.deepStrictEqual(differences.filter((d) => !token.test(d)), []);
    assert.strictEqual(differences.filter((d) => token.test(d)).length, 1, differences.join("\n"));
    const ready = async (ns: string) => (await api.list(`/apis/apps/v1/namespaces/${ns}/deployments`))
      .filter((d) => d.metadata.labels?.["app.kubernetes.io/managed-by"] !== undefined)
      .map((d) => `${d.metadata.name}: ${(d.status as { readyReplicas?: number }).readyReplicas ?? 0}`);
    assert.deepStrictEqual([...await ready("istio-egress"), ...await ready("istio-system")],
      ["istio-egressgateway-prod-stable: 2", "istio-eastwestgateway-1-25-1: 2"]);
  });

  it("leaves nothing for a second pulumi up to change", async () => {
    await live().ws.expectNoChanges();
  });
});
