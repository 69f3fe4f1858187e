/**
 * Gateway API mode with the real engine, against an API server that holds the Gateway API's standard CRDs (their
 * schemas and CEL rules): the stack of docs/gateway-api.md comes up with a gateway.networking.k8s.io Gateway bound to the
 * Service, the HTTPRoute of docs/gateway-api.md from another namespace is accepted with the stack's exported parentRefs, and the
 * canary walks to promotion with the ready-pod floor held. istiod runs (one per revision): its gateway controller
 * writes the Gateway's and the route's status, and must leave a manually deployed gateway's pods and Service alone.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { KubeObject, waitFor } from "../../tools/cluster/kube-api";
import { doc, yamlBlocksIn } from "../support/readme";
import { useStack } from "./support/cluster";
import { apiPath, liveDifferences } from "./support/live";
import { walkCanary, watchedUp } from "./support/steps";

const SECTION = "# Kubernetes Gateway API";
const [stackYaml, routeYaml] = yamlBlocksIn(doc("gateway-api"), SECTION);
const GATEWAY = "edge";

/** The stack file of docs/gateway-api.md, as a user would save it. */
function readmeStackFile(): string {
  assert.ok(stackYaml && routeYaml, `docs/gateway-api.md's "${SECTION}" has no stack file and HTTPRoute`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-api-stack-"));
  const file = path.join(dir, "Pulumi.gateway-api.yaml");
  fs.writeFileSync(file, stackYaml);
  return file;
}

const GATEWAY_PATH = `/apis/gateway.networking.k8s.io/v1/namespaces/edge/gateways/${GATEWAY}`;

describe("Gateway API stack (docs/gateway-api.md's), real engine", function () {
  const stackFile = readmeStackFile();
  after(() => fs.rmSync(path.dirname(stackFile), { recursive: true, force: true }));
  const live = useStack(stackFile);

  it("comes up with a Gateway API Gateway bound to the Service, as render printed it, and no Istio Gateway", async () => {
    const { ws, api } = live();
    await watchedUp(ws, api, "gateway-api", "up from empty (0%)");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    const gateway = await api.get(GATEWAY_PATH);
    assert.deepStrictEqual(gateway.spec?.addresses, [{ type: "Hostname", value: "edge.edge.svc.cluster.local" }]);
    assert.strictEqual(await api.find(`/apis/networking.istio.io/v1/namespaces/edge/gateways/${GATEWAY}`), undefined);
    await ws.expectNoChanges();
  });

  it("has the Gateway API CRD's own rules live: the API server refuses two listeners with one name", async () => {
    const { api } = live();
    const gateway = await api.get(GATEWAY_PATH);
    const listener = (gateway.spec?.listeners as unknown[])[0];
    const twice = { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "twice" }, spec: { ...gateway.spec, listeners: [listener, listener] } };
    await assert.rejects(api.create("/apis/gateway.networking.k8s.io/v1/namespaces/edge/gateways?dryRun=All", twice), /Listener name must be unique/);
  });

  it("accepts the HTTPRoute of docs/gateway-api.md from another namespace, whose parentRefs are the stack's exported ones", async () => {
    const { ws, api } = live();
    const route = parse(routeYaml) as KubeObject & { apiVersion: string; kind: string; spec: { parentRefs: unknown } };
    const namespace = route.metadata.namespace as string;
    await api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    await api.create(apiPath(route).replace(/\/[^/]+$/, ""), route);
    const outputs = await ws.outputs() as { gateways: Record<string, { parentRefs?: unknown; gatewayRef?: string }> };
    assert.deepStrictEqual(route.spec.parentRefs, outputs.gateways[GATEWAY].parentRefs);
    assert.strictEqual(outputs.gateways[GATEWAY].gatewayRef, undefined);
    const stored = await api.get(apiPath(route));
    process.stdout.write(`      gateway-api: HTTPRoute ${namespace}/${route.metadata.name} stored (uid ${stored.metadata.uid}), parentRefs = the stack's output\n`);
  });

  it("is served by istiod's gateway controller: the Gateway Accepted and Programmed, the route Accepted by it, no Deployment or Service of istiod's own", async () => {
    const { ws, api } = live();
    const conditions = (status: unknown) => Object.fromEntries(((status as { conditions?: Array<{ type: string; status: string; reason: string }> } | undefined)?.conditions ?? [])
      .map((c) => [c.type, `${c.status} (${c.reason})`]));
    const gateway = await waitFor("istiod to accept and program the Gateway", 60000, async () => {
      const g = await api.get(GATEWAY_PATH);
      const c = conditions(g.status);
      return c.Accepted?.startsWith("True") && c.Programmed?.startsWith("True") ? g : undefined;
    }).catch(async (e: Error) => { throw new Error(`${e.message}: ${JSON.stringify(conditions((await api.get(GATEWAY_PATH)).status))}`); });
    const route = parse(routeYaml) as KubeObject & { apiVersion: string; kind: string };
    const parents = await waitFor("istiod to write the HTTPRoute's parent status", 60000, async () => {
      const stored = await api.get(apiPath(route));
      const p = ((stored.status as { parents?: Array<{ parentRef: { name: string }; controllerName: string; conditions: unknown[] }> } | undefined)?.parents ?? []);
      return p.some((x) => x.parentRef.name === GATEWAY && conditions(x).Accepted?.startsWith("True")) ? p : undefined;
    });
    // A manual deployment (spec.addresses names the Service): istiod's deployment controller must create nothing.
    const deployments = (await api.list("/apis/apps/v1/namespaces/edge/deployments")).map((d) => d.metadata.name).sort();
    const services = (await api.list("/api/v1/namespaces/edge/services")).map((d) => d.metadata.name).sort();
    const rendered = await ws.render();
    const named = (kind: string) => rendered.filter((m) => m.kind === kind && (m.metadata as { namespace?: string }).namespace === "edge").map((m) => (m.metadata as { name: string }).name).sort();
    process.stdout.write(`      gateway-api: Gateway ${JSON.stringify(conditions(gateway.status))}; route parents ${JSON.stringify(parents.map((p) => [p.controllerName, conditions(p)]))}; deployments ${JSON.stringify(deployments)}, services ${JSON.stringify(services)}\n`);
    assert.deepStrictEqual(deployments, named("Deployment"));
    assert.deepStrictEqual(services, named("Service"));
  });

  it("walks the canary to promotion with the ready-pod floor held; the Gateway API Gateway and the route stay as they were", async () => {
    const { ws, api } = live();
    const before = await api.get(GATEWAY_PATH);
    await walkCanary(ws, api, "gateway-api", GATEWAY);
    const after = await api.get(GATEWAY_PATH);
    assert.deepStrictEqual([after.metadata.uid, after.metadata.generation], [before.metadata.uid, before.metadata.generation]);
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    assert.ok(await api.find("/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/shop"), "the HTTPRoute is gone");
  });
});
