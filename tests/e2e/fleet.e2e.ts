/**
 * The fleet command on three local clusters at once, one per stack (docs/fleet.md, its fleet file): the
 * "early" wave's cluster never readies pods of the new revision. `fleet next` moves the canary wave, halts at the
 * early wave with exit 2, and leaves the later wave untouched; `fleet abort` rolls the early wave back.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { KubeApi, KubeObject } from "../../tools/cluster/kube-api";
import { doc, yamlBlocksIn } from "../support/readme";
import { ROOT } from "../support/run";
import { LiveCluster, useCluster } from "./support/cluster";
import { initStack, stackHistory } from "./support/fleet";
import { CommandResult, Workspace } from "./support/workspace";

const FIXTURES = path.join(__dirname, "fixtures", "fleet");
const [fleetYaml] = yamlBlocksIn(doc("fleet"), "# Fleet rollouts: one revision across many clusters, in waves");
const fleetDoc = parse(fleetYaml) as { revision: string; waves: Array<{ name: string; stacks: string[] }> };
const [canaryStack, earlyStack, restStack] = fleetDoc.waves.map((w) => w.stacks[0]);
const DEPLOYMENTS = "/apis/apps/v1/namespaces/istio-ingress/deployments";

function readyByDeployment(deployments: KubeObject[]): Record<string, string> {
  return Object.fromEntries(deployments.map((d) => [d.metadata.name, `${(d.status as { readyReplicas?: number }).readyReplicas ?? 0}/${d.spec?.replicas}`]));
}

describe("fleet rollout across three clusters, real engine (docs/fleet.md)", function () {
  const clusters: Record<string, () => LiveCluster> = {
    [canaryStack]: useCluster(),
    // The early wave's cluster never readies the new revision's pods: a canary whose proxies never get ready.
    [earlyStack]: useCluster({ revisions: { neverReady: [fleetDoc.revision] } }),
    [restStack]: useCluster(),
  };
  let ws: Workspace;
  const fleetFile = () => path.join(ws.dir, "fleet.yaml");
  const fleet = (verb: string, ...rest: string[]): Promise<CommandResult> =>
    ws.run(process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "fleet", verb, "--fleet", fleetFile(), ...rest]);
  const api = (stack: string): KubeApi => clusters[stack]().api;
  const history = (stack: string) => stackHistory(ws, stack);
  const podUids = async (stack: string) => (await api(stack).list("/api/v1/namespaces/istio-ingress/pods")).map((p) => p.metadata.uid as string).sort();
  const show = (what: string, r: CommandResult) => process.stdout.write(`      fleet ${what}: exit ${r.code} in ${r.seconds.toFixed(1)} s\n${r.stdout.replace(/^/gm, "        ")}\n`);

  before(async function () {
    this.timeout(10 * 60 * 1000);
    // One project, three stack files; each names its own cluster's kubeconfig, as a real one names a context.
    ws = new Workspace(clusters[canaryStack]().state, path.join(FIXTURES, `Pulumi.${canaryStack}.yaml`));
    for (const stack of [canaryStack, earlyStack, restStack]) {
      const file = path.join(ws.dir, `Pulumi.${stack}.yaml`);
      const text = fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), "utf8");
      fs.writeFileSync(file, text.replace("config:\n", `config:\n  kubernetes:kubeconfig: ${clusters[stack]().state.kubeconfig}\n`));
      await initStack(ws, stack);
    }
    fs.writeFileSync(fleetFile(), fleetYaml);
  });
  after(() => ws?.remove());

  it("status: every stack at 0 %, its first update succeeded", async () => {
    const r = await fleet("status");
    show("status", r);
    assert.strictEqual(r.code, 0, r.stderr);
    for (const stack of [canaryStack, earlyStack, restStack]) assert.match(r.stdout, new RegExp(`${stack}\\s+0%\\s+succeeded\\s+move to 50%`));
  });

  it("plan: a preview of every stack, nothing pending, and next's move", async () => {
    const r = await fleet("plan");
    show("plan", r);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual((r.stdout.match(/no changes\s+move to 50% \(step 1\/2\)/g) ?? []).length, 3, r.stdout);
  });

  it("next: moves the canary wave, halts at the early wave (exit 2), leaves the later wave untouched", async () => {
    const restFile = path.join(ws.dir, `Pulumi.${restStack}.yaml`);
    const restBefore = fs.readFileSync(restFile, "utf8");
    const restLive = readyByDeployment(await api(restStack).list(DEPLOYMENTS));
    const [restPods, restHistory] = [await podUids(restStack), await history(restStack)];
    const r = await fleet("next");
    show("next", r);
    assert.strictEqual(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, new RegExp(`fleet halted at wave "early": stack "${earlyStack}": pulumi up failed: .*timed out waiting to be Ready`));
    assert.match(r.stderr, /later waves \(rest\) untouched/);
    assert.deepStrictEqual(readyByDeployment(await api(canaryStack).list(DEPLOYMENTS)), { "istio-ingressgateway-1-25-1": "1/1", "istio-ingressgateway-1-26-0": "1/1" });
    assert.strictEqual(fs.readFileSync(restFile, "utf8"), restBefore, "the rest wave's stack file changed");
    assert.deepStrictEqual(readyByDeployment(await api(restStack).list(DEPLOYMENTS)), restLive);
    // Untouched means no update ran on it and no pod of it changed, not only the same counts.
    assert.deepStrictEqual(await podUids(restStack), restPods, "the rest wave's pods changed");
    assert.deepStrictEqual(await history(restStack), restHistory, "an update ran on the rest wave's stack");
    // The canary wave baked: its health check after the update (a pulumi refresh) and the one after the bake (another)
    // are bakeSeconds apart at least. Without the bake they would follow each other at once.
    const bake = (fleetDoc.waves[0] as { bakeSeconds?: number }).bakeSeconds ?? 0;
    const canaryHistory = await history(canaryStack);
    const [afterBake, afterUpdate] = canaryHistory.slice(0, canaryHistory.findIndex((u) => u.kind === "update")).filter((u) => u.kind === "refresh");
    assert.ok(afterBake && afterUpdate, `the canary wave's history after its update: ${JSON.stringify(canaryHistory.slice(0, 3))}`);
    const baked = (afterBake.start - afterUpdate.end) / 1000;
    process.stdout.write(`      fleet next: the rest wave's ${restPods.length} pods (by UID) and its ${restHistory.length} updates unchanged; the canary wave's two health checks ${baked.toFixed(0)} s apart (bake ${bake} s)\n`);
    assert.ok(bake > 0 && baked >= bake, `the canary wave's health checks were ${baked} s apart; the bake is ${bake} s`);
    const status = await fleet("status");
    show("status after the halt", status);
    assert.match(status.stdout, new RegExp(`${canaryStack}\\s+50% \\(step 1/2\\)\\s+succeeded\\s+verify health`));
    assert.match(status.stdout, new RegExp(`${earlyStack}\\s+50% \\(step 1/2\\)\\s+failed\\s+pulumi up again`));
    assert.match(status.stdout, new RegExp(`${restStack}\\s+0%\\s+succeeded\\s+move to 50%`));
  });

  it("abort: rolls the halted wave back to 0 %, every pod of it ready on the stable revision", async () => {
    const r = await fleet("abort");
    show("abort", r);
    assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepStrictEqual(readyByDeployment(await api(earlyStack).list(DEPLOYMENTS)), { "istio-ingressgateway-1-25-1": "2/2", "istio-ingressgateway-1-26-0": "0/0" });
    assert.match(r.stdout, new RegExp(`${earlyStack}\\s+0%\\s+succeeded`));
  });
});
