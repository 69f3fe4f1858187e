/**
 * Autoscaling and external traffic shifting with the real engine: one stack each, up once. The objects are live
 * as render printed them (HPAs per revision; a Service per revision with its address), the update completes, and a
 * second update would change nothing: the HPAs own the pod counts, Pulumi does not fight them.
 */
import * as assert from "assert";
import * as path from "path";
import { KubeObject, waitFor } from "../../tools/cluster/kube-api";
import { useStack } from "./support/cluster";
import { liveDifferences } from "./support/live";
import { watchedUp } from "./support/steps";

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
    await api.patch(`${deployment}/scale`, { spec: { replicas: 5 } });
    // Once the scale has rolled out: a refresh that catches new pods still starting reads the Deployment as
    // unhealthy, and the provider proposes an update to wait for it again (seen in a run), which is not drift.
    await waitFor("the hand-scaled Deployment to settle", 60000, async () => {
      const d = await api.get<KubeObject>(deployment);
      const status = d.status as { observedGeneration?: number; availableReplicas?: number };
      return status.observedGeneration === d.metadata.generation && status.availableReplicas === d.spec?.replicas ? true : undefined;
    });
    const r = await ws.must(["preview", "--refresh", "--expect-no-changes"]);
    const live5 = await api.get<KubeObject>(deployment);
    process.stdout.write(`      hpa: scaled by hand to ${live5.spec?.replicas}; pulumi preview --refresh --expect-no-changes exit ${r.code}\n`);
  });
});

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
});
