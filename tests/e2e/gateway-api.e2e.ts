/**
 * Gateway API mode with the real engine, against an API server that holds the Gateway API's standard CRDs (their
 * schemas and CEL rules): the README's stack comes up with a gateway.networking.k8s.io Gateway bound to the
 * Service, the README's HTTPRoute from another namespace is accepted with the stack's exported parentRefs, and the
 * canary walks to promotion with the ready-pod floor held. istiod does not run here, so the Gateway's Accepted and
 * Programmed conditions and the route's attachment status stay unset (docs/E2E.md).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { KubeObject } from "../../tools/cluster/kube-api";
import { yamlBlocksIn } from "../support/readme";
import { ROOT } from "../support/run";
import { useStack } from "./support/cluster";
import { apiPath, liveDifferences } from "./support/live";
import { walkCanary, watchedUp } from "./support/steps";

const SECTION = "## Kubernetes Gateway API";
const [stackYaml, routeYaml] = yamlBlocksIn(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), SECTION);
const GATEWAY = "edge";

/** The README's stack file, as a user would save it. */
function readmeStackFile(): string {
  assert.ok(stackYaml && routeYaml, `the README's "${SECTION}" has no stack file and HTTPRoute`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-api-stack-"));
  const file = path.join(dir, "Pulumi.gateway-api.yaml");
  fs.writeFileSync(file, stackYaml);
  return file;
}

const GATEWAY_PATH = `/apis/gateway.networking.k8s.io/v1/namespaces/edge/gateways/${GATEWAY}`;

describe("Gateway API stack (the README's), real engine", function () {
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

  it("accepts the README's HTTPRoute from another namespace, whose parentRefs are the stack's exported ones", async () => {
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
