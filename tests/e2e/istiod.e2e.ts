/**
 * What only istiod can show, with one istiod per revision running (npm run cluster's `--istiod`, tools/cluster/
 * istiod.ts): the dev stack's pods injected by their own revision's injector, every Istio object admitted by
 * istiod's validation webhook and a Gateway Istio refuses denied by it, the listeners and routes istiod generates
 * for each gateway pod (asked of istiod over xDS, as that pod), and a revision's istiod going down mid-canary.
 * Every assertion reads the cluster or istiod, never the program's render.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploymentName, TRACK_LABEL } from "../../components/core";
import { kubectl, startIstiod, stopIstiod } from "../../tools/cluster/control-plane";
import { defaultRevisionOf, istiodChoice, IstiodInstance } from "../../tools/cluster/istiod";
import { KubeObject, podServes } from "../../tools/cluster/kube-api";
import { ROOT } from "../support/run";
import { E2E_ISTIOD, useStack } from "./support/cluster";
import { injectionProblem, revisionRoutes } from "./support/injection";
import { watchedCommand, watchedUp } from "./support/steps";
import { identityOf, metrics, probe, sum } from "./support/xds";

const GATEWAY = "istio-ingressgateway";
const NAMESPACE = "istio-ingress";
const STABLE = "1-25-1";
const CANARY = "1-26-0";
const UPDATE_TIMEOUT = 40;

/** A Gateway Istio's validation refuses (two servers, one port name) that Kubernetes' CRD schema lets through. */
function badGateway(name: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name, namespace: NAMESPACE, labels },
    spec: { selector: { app: GATEWAY }, servers: [
      { port: { number: 80, name: "web", protocol: "HTTP" }, hosts: ["*"] },
      { port: { number: 8080, name: "web", protocol: "HTTP" }, hosts: ["*"] },
    ] },
  });
}

function tempFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "istiod-e2e-")), "object.json");
  fs.writeFileSync(file, text);
  return file;
}

describe("istiod per revision, real: injection, the validation webhook, the config istiod generates, an istiod down", function () {
  const live = useStack(path.join(ROOT, "Pulumi.dev.yaml"), ({ ws, api }) => watchedUp(ws, api, "istiod", "up from empty (25%)"));
  const istiods = (): Record<string, IstiodInstance> => live().state.istiod ?? {};
  const gatewayPods = async (): Promise<KubeObject[]> => (await live().api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter(podServes);

  it("has every gateway pod injected by its own track's istiod: the canary's by the canary's, the stable's by the stable's", async () => {
    const pods = await gatewayPods();
    const routes = revisionRoutes(istiods());
    const byTrack: Record<string, number> = {};
    for (const pod of pods) {
      assert.strictEqual(injectionProblem(pod, routes), undefined);
      const track = pod.metadata.labels?.[TRACK_LABEL] as string;
      byTrack[track] = (byTrack[track] ?? 0) + 1;
    }
    // istiod's own count: each revision's injector injected at least its own pods.
    const injected = Object.fromEntries(await Promise.all(Object.values(istiods()).map(async (i) =>
      [i.revision, sum(await metrics(i), /^sidecar_injection_success_total\b/)] as const)));
    process.stdout.write(`      injection: ${pods.length} pods checked, per track ${JSON.stringify(byTrack)}; istiod's sidecar_injection_success_total ${JSON.stringify(injected)}\n`);
    assert.deepStrictEqual(byTrack, { [STABLE]: 3, [CANARY]: 1 });
    assert.ok(injected[STABLE] >= 3 && injected[CANARY] >= 1, JSON.stringify(injected));
  });

  it("admits the stack's Istio objects through the default tag's validator (failurePolicy Fail) and denies a Gateway Istio refuses, with istiod's message", async () => {
    const { api, state } = live();
    const defaultRevision = defaultRevisionOf(E2E_ISTIOD);
    const validator = await api.get<KubeObject>("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/istiod-default-validator");
    const hooks = (validator as unknown as { webhooks: Array<{ failurePolicy: string; clientConfig: { url?: string; caBundle?: string } }> }).webhooks;
    assert.ok(hooks.length > 0);
    for (const h of hooks) {
      assert.strictEqual(h.failurePolicy, "Fail");
      assert.strictEqual(h.clientConfig.url, `https://127.0.0.1:${istiods()[defaultRevision].ports.webhook}/validate`);
      assert.ok(h.clientConfig.caBundle, "the validator has no CA bundle");
    }
    const passed = sum(await metrics(istiods()[defaultRevision]), /^galley_validation_passed\b/);
    assert.ok(await api.find(`/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/gateways/${GATEWAY}`), "the stack's Gateway is missing");
    const denied = await kubectl(state, ["apply", "-f", tempFile(badGateway("duplicate-names"))]).then(() => "applied", (e: Error) => e.message);
    // The same object labelled with the canary revision goes to that revision's own validator.
    const deniedByCanary = await kubectl(state, ["apply", "-f", tempFile(badGateway("duplicate-names-canary", { "istio.io/rev": CANARY }))]).then(() => "applied", (e: Error) => e.message);
    process.stdout.write(`      webhook: galley_validation_passed ${passed} on istiod ${defaultRevision}; unlabelled: ${denied.split("\n").pop()}; labelled ${CANARY}: ${deniedByCanary.split("\n").pop()}\n`);
    assert.ok(passed >= 1, "istiod's validator counted no admitted object");
    for (const message of [denied, deniedByCanary]) {
      assert.match(message, /admission webhook "[^"]*validation\.istio\.io" denied the request: configuration is invalid: port names in servers must be unique: duplicate name web/);
    }
    assert.strictEqual(await api.find(`/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/gateways/duplicate-names`), undefined);
  });

  it("routes the hosts of VirtualServices in the namespaces the Gateway delegates to, on stable and canary pods alike, and none from elsewhere", async () => {
    const { api } = live();
    for (const [ns, host] of [["bookinfo", "reviews.example.com"], ["elsewhere", "elsewhere.example.com"]]) {
      if (!(await api.find(`/api/v1/namespaces/${ns}`))) await api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
      await api.create(`/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`, {
        apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "direct", namespace: ns },
        spec: { hosts: [host], gateways: [`${NAMESPACE}/${GATEWAY}`], http: [{ directResponse: { status: 200 } }] },
      });
    }
    const routes = revisionRoutes(istiods());
    const seen: Record<string, string[]> = {};
    for (const pod of await gatewayPods()) {
      const revision = routes[pod.metadata.labels?.[TRACK_LABEL] as string];
      let domains: string[] = [];
      // istiod debounces a change before it pushes it: ask again for a few seconds.
      for (let i = 0; i < 20 && !domains.includes("reviews.example.com"); i++) {
        const report = await probe(live().state.bin, istiods()[revision], identityOf(pod));
        domains = report.routes.flatMap((r) => r.virtualHosts.flatMap((v) => v.domains));
        if (!domains.includes("reviews.example.com")) await new Promise((r) => setTimeout(r, 500));
      }
      seen[`${pod.metadata.name} (${revision})`] = [...new Set(domains)].sort();
      assert.ok(domains.includes("reviews.example.com"), `${pod.metadata.name}: istiod ${revision} routes ${JSON.stringify(domains)}`);
      assert.ok(!domains.some((d) => d.startsWith("elsewhere.example.com")), `${pod.metadata.name}: a namespace the Gateway does not delegate to got a route: ${JSON.stringify(domains)}`);
    }
    process.stdout.write(`      routes: ${JSON.stringify(seen)}\n`);
    assert.deepStrictEqual(new Set(Object.keys(seen).map((k) => /\((.+)\)$/.exec(k)?.[1])), new Set([STABLE, CANARY]));
  });

  it(`fails the next step within updateTimeoutSeconds while the canary's istiod is down, the stable's pods intact; the same pulumi up completes once it is back`, async () => {
    const { ws, api, state } = live();
    ws.setGateway(GATEWAY, (gw) => { gw.updateTimeoutSeconds = UPDATE_TIMEOUT; });
    await watchedUp(ws, api, "istiod down", `updateTimeoutSeconds ${UPDATE_TIMEOUT}`);
    await stopIstiod(state, CANARY);
    await ws.rollout("next", GATEWAY);
    const { result, rows } = await watchedCommand(ws, api, "istiod down", `next (25% → 50%), istiod ${CANARY} stopped`,
      () => ws.pulumi(["up", "--yes", "--skip-preview"]), { settle: false });
    const canary = await api.get<KubeObject>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${deploymentName(GATEWAY, CANARY)}`);
    const conditions = ((canary.status as { conditions?: Array<{ type: string; status: string; message: string }> }).conditions ?? []);
    const failure = conditions.find((c) => c.type === "ReplicaFailure")?.message ?? "";
    const errors = (result.stdout + result.stderr).split("\n").map((l) => l.trim()).filter((l) => /^error:/.test(l) || /webhook|timed out/.test(l));
    process.stdout.write(`      istiod down: exit ${result.code} after ${result.seconds.toFixed(1)} s; the canary's ReplicaFailure: ${failure.slice(0, 220)}\n${errors.slice(0, 6).map((l) => `        ${l.slice(0, 300)}`).join("\n")}\n`);
    assert.notStrictEqual(result.code, 0, "pulumi up succeeded with the canary's injector down");
    assert.ok(result.seconds < UPDATE_TIMEOUT + 45, `the update took ${result.seconds} s`);
    assert.match(failure, /failed calling webhook "[^"]*sidecar-injector\.istio\.io"/);
    assert.ok(errors.some((l) => l.includes(deploymentName(GATEWAY, CANARY))), errors.join("\n"));
    assert.ok(rows[0].report.minTotal >= 4, `ready pods fell to ${rows[0].report.minTotal}`);
    const stable = await api.get<KubeObject>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${deploymentName(GATEWAY, STABLE)}`);
    assert.deepStrictEqual([stable.spec?.replicas, (stable.status as { readyReplicas?: number }).readyReplicas], [3, 3], "the stable shrank while its canary could not grow");

    await startIstiod(state, CANARY);
    await watchedUp(ws, api, "istiod down", `the same up, istiod ${CANARY} back`);
    await ws.expectNoChanges();
    const pods = await gatewayPods();
    assert.deepStrictEqual(pods.map((p) => p.metadata.labels?.[TRACK_LABEL]).sort(), [STABLE, STABLE, CANARY, CANARY].sort());
  });
});

/**
 * A stack that names a revision tag instead of a revision (`istioctl tag set prod-stable --revision 1-25-1`): its
 * pods go through the tag's webhook to 1-25-1's injector, and the injection and xDS checks of every step follow the
 * tag to that revision.
 */
describe("a revision tag: the stable named by its tag", function () {
  const live = useStack(path.join(ROOT, "Pulumi.dev.yaml"), async ({ ws }) => {
    ws.setGateway(GATEWAY, (gw) => { gw.revision = "prod-stable"; });
  }, { istiod: istiodChoice(`${STABLE},${CANARY}`, `prod-stable=${STABLE}`) });

  it("has the tag's pods injected by the revision the tag points at, and the canary's by its own", async () => {
    const { ws, api } = live();
    await watchedUp(ws, api, "revision tag", "up from empty (25%)");
    const images = (await live().api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter(podServes)
      .map((p) => `${p.metadata.labels?.[TRACK_LABEL]}: ${((p.spec?.containers ?? []) as Array<{ name: string; image: string }>).find((c) => c.name === "istio-proxy")?.image}`).sort();
    process.stdout.write(`      revision tag: ${JSON.stringify(images)}\n`);
    assert.deepStrictEqual(images, [
      `${CANARY}: docker.io/istio/proxyv2:1.26.0`,
      ...Array(3).fill("prod-stable: docker.io/istio/proxyv2:1.25.1"),
    ].sort());
  });
});
