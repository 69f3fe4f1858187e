/**
 * A fleet wave gated by the canary analysis (docs/fleet.md, docs/analysis.md): two stacks in two namespaces of one
 * cluster with a real Prometheus, one per wave, each gateway's canary with `canary.analysis`. The canary wave's
 * canary answers 20 % of its requests with 503 (the traffic stand-in, tools/cluster/traffic.ts). `fleet next` moves
 * the canary wave, bakes, measures, and halts there; the later wave's file, pods and update history stay as they were.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ROOT } from "../support/run";
import { useCluster } from "./support/cluster";
import { initStack, stackHistory } from "./support/fleet";
import { readyByDeployment } from "./support/live";
import { Workspace } from "./support/workspace";

const FIXTURES = path.join(__dirname, "fixtures", "fleet");
const FLEET = `# The fleet of tests/e2e/fleet-analysis.e2e.ts.
revision: 1-26-0
gateways: [istio-ingressgateway]
waves:
  - name: canary
    stacks: [dev]
    bakeSeconds: 12
  - name: rest
    stacks: [prod-us]
`;
const NAMESPACES: Record<string, string> = { dev: "istio-ingress", "prod-us": "istio-ingress-us" };

describe("a fleet wave halted by its canary analysis, real Prometheus (docs/fleet.md)", function () {
  const cluster = useCluster({ prometheus: true });
  let ws: Workspace;
  const stackFile = (stack: string) => path.join(ws.dir, `Pulumi.${stack}.yaml`);
  const api = () => cluster().api;

  before(async function () {
    this.timeout(10 * 60 * 1000);
    const state = cluster().state;
    ws = new Workspace(state, path.join(FIXTURES, "Pulumi.dev.yaml"));
    const trafficFile = state.prometheus?.trafficFile as string;
    // The canary wave's canary fails a fifth of its requests; the later wave's is healthy.
    fs.writeFileSync(trafficFile, JSON.stringify({ gateways: {
      "istio-ingress/istio-ingressgateway": { rps: 50, revisions: { "1-26-0": { errorPercent: 20 } } },
      "istio-ingress-us/istio-ingressgateway": { rps: 50 },
    } }));
    for (const [stack, namespace] of Object.entries(NAMESPACES)) {
      const doc = parse(fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
      const gw = doc.config["istio-gateways:gateways"]["istio-ingressgateway"];
      gw.namespace = namespace;
      gw.canary.analysis = { prometheus: state.prometheus?.url, interval: "4s", window: "10s", minRequests: 20 };
      doc.config = { "kubernetes:kubeconfig": state.kubeconfig, ...doc.config };
      fs.writeFileSync(stackFile(stack), stringify(doc));
      await initStack(ws, stack);
    }
    fs.writeFileSync(path.join(ws.dir, "fleet.yaml"), FLEET);
  });
  after(() => ws?.remove());

  it("next moves the canary wave, bakes, finds its canary failing, and halts (exit 2) before the later wave", async function () {
    this.timeout(5 * 60 * 1000);
    const restText = fs.readFileSync(stackFile("prod-us"), "utf8");
    const pods = async () => (await api().list(`/api/v1/namespaces/${NAMESPACES["prod-us"]}/pods`)).map((p) => p.metadata.uid as string).sort();
    const [restPods, restHistory] = [await pods(), await stackHistory(ws, "prod-us")];
    const r = await ws.run(process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "fleet", "next", "--fleet", path.join(ws.dir, "fleet.yaml")]);
    process.stdout.write(`      fleet next: exit ${r.code} in ${r.seconds.toFixed(1)} s\n${`${r.stdout}${r.stderr}`.replace(/^/gm, "        ")}\n`);
    assert.strictEqual(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\[canary\] dev: analysis of istio-ingressgateway at 50%: fail \(success-rate\)/);
    assert.match(r.stderr, /fleet halted at wave "canary": stack "dev": after the 12 s bake: the canary analysis of gateway "istio-ingressgateway" is fail \(success-rate\); later waves \(rest\) untouched/);
    assert.strictEqual(fs.readFileSync(stackFile("prod-us"), "utf8"), restText, "the later wave's stack file changed");
    assert.deepStrictEqual(await pods(), restPods, "the later wave's pods changed");
    assert.deepStrictEqual(await stackHistory(ws, "prod-us"), restHistory, "an update ran on the later wave");
    assert.deepStrictEqual(readyByDeployment(await api().list(`/apis/apps/v1/namespaces/${NAMESPACES.dev}/deployments`)),
      { "istio-ingressgateway-1-25-1": 1, "istio-ingressgateway-1-26-0": 1 });
  });
});
