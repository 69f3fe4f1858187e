/**
 * The fleet after a halt (docs/fleet.md): the gate, the resume and `parallelism`, on three local clusters. The early
 * wave's stack halts on a fault its cluster can recover from (a ResourceQuota that refuses the canary's pods, as a
 * namespace's quota would); the later wave has two stacks (two namespaces of one cluster) and `parallelism: 1`.
 *  - the gate: with the canary wave's pods unready when `next` runs again, the fleet halts before any wave moves,
 *    the halted stack's update is not retried, and the later wave is untouched;
 *  - the resume: once both are fixed, the same `next` updates the halted stack again (its file already holds the
 *    step), moves the later wave, and moves no earlier wave further;
 *  - parallelism 1: the later wave's two updates, from `pulumi stack history`, do not overlap.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { KubeApi, KubeObject, waitFor } from "../../tools/cluster/kube-api";
import { ROOT } from "../support/run";
import { LiveCluster, useCluster } from "./support/cluster";
import { initStack, stackHistory } from "./support/fleet";
import { readyByDeployment } from "./support/live";
import { CommandResult, Workspace } from "./support/workspace";

const FIXTURES = path.join(__dirname, "fixtures", "fleet");
const FLEET = `# The fleet of tests/e2e/fleet-resume.e2e.ts.
revision: 1-26-0
gateways: [istio-ingressgateway]
waves:
  - name: canary
    stacks: [dev]
  - name: early
    stacks: [prod-eu]
  - name: rest
    stacks: [prod-us, prod-ap]
    parallelism: 1
`;
const CANARY = "1-26-0";

/** Polls until `done` holds (tools/cluster/kube-api.ts's waitFor), or fails naming `what`. */
const until = (what: string, done: () => Promise<boolean>, seconds = 60): Promise<true> =>
  waitFor(what, seconds * 1000, async () => ((await done()) ? true : undefined), 500);

describe("fleet after a halt: the unhealthy-wave gate, the resume, parallelism (docs/fleet.md)", function () {
  const devCluster = useCluster();
  const euCluster = useCluster();
  const restCluster = useCluster();
  /** Each stack: its cluster and its gateway's namespace (prod-us and prod-ap share a cluster). */
  const stacks: Record<string, { cluster: () => LiveCluster; namespace: string }> = {
    dev: { cluster: devCluster, namespace: "istio-ingress" },
    "prod-eu": { cluster: euCluster, namespace: "istio-ingress" },
    "prod-us": { cluster: restCluster, namespace: "istio-ingress" },
    "prod-ap": { cluster: restCluster, namespace: "istio-ingress-ap" },
  };
  let ws: Workspace;
  const api = (stack: string): KubeApi => stacks[stack].cluster().api;
  const ns = (stack: string) => stacks[stack].namespace;
  const fleetFile = () => path.join(ws.dir, "fleet.yaml");
  const stackFile = (stack: string) => path.join(ws.dir, `Pulumi.${stack}.yaml`);
  const fleet = (verb: string): Promise<CommandResult> =>
    ws.run(process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "fleet", verb, "--fleet", fleetFile()]);
  const show = (what: string, r: CommandResult) =>
    process.stdout.write(`      fleet ${what}: exit ${r.code} in ${r.seconds.toFixed(1)} s\n${`${r.stdout}${r.stderr}`.replace(/^/gm, "        ")}\n`);
  const deployments = async (stack: string) => readyByDeployment(await api(stack).list(`/apis/apps/v1/namespaces/${ns(stack)}/deployments`));
  const podUids = async (stack: string) => (await api(stack).list(`/api/v1/namespaces/${ns(stack)}/pods`)).map((p) => p.metadata.uid as string).sort();
  const history = (stack: string) => stackHistory(ws, stack);
  const updates = async (stack: string) => (await history(stack)).filter((u) => u.kind === "update");

  /** A ResourceQuota on the stack's namespace allowing `pods` pods, once the quota controller has counted them. */
  async function quota(stack: string, pods: number): Promise<void> {
    const at = `/api/v1/namespaces/${ns(stack)}/resourcequotas`;
    await api(stack).create(at, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pods" }, spec: { hard: { pods: String(pods) } } });
    await until(`the quota of ${stack} is counted`, async () => ((await api(stack).get<KubeObject>(`${at}/pods`)).status as { used?: object } | undefined)?.used !== undefined);
  }
  const unquota = (stack: string) => api(stack).delete(`/api/v1/namespaces/${ns(stack)}/resourcequotas/pods`);
  /** Every Deployment of the stack's gateway with all its pods ready. */
  async function healthy(stack: string): Promise<void> {
    await until(`every pod of ${stack} is ready`, async () => (await api(stack).list(`/apis/apps/v1/namespaces/${ns(stack)}/deployments`))
      .every((d) => ((d.status as { readyReplicas?: number }).readyReplicas ?? 0) === (d.spec as { replicas: number }).replicas), 4 * 60);
  }

  before(async function () {
    this.timeout(10 * 60 * 1000);
    ws = new Workspace(devCluster().state, path.join(FIXTURES, "Pulumi.dev.yaml"));
    for (const [stack, { cluster, namespace }] of Object.entries(stacks)) {
      const text = fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack === "prod-ap" ? "prod-us" : stack}.yaml`), "utf8")
        .replace("config:\n", `config:\n  kubernetes:kubeconfig: ${cluster().state.kubeconfig}\n`)
        .replace("namespace: istio-ingress\n", `namespace: ${namespace}\n`);
      fs.writeFileSync(stackFile(stack), text);
      await initStack(ws, stack);
    }
    fs.writeFileSync(fleetFile(), FLEET);
  });
  after(() => ws?.remove());

  it("halts at the early wave, whose namespace's quota refuses the canary's pods", async function () {
    this.timeout(5 * 60 * 1000);
    await quota("prod-eu", 2); // the stable's 2 pods fill it
    const r = await fleet("next");
    show("next", r);
    assert.strictEqual(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /fleet halted at wave "early": stack "prod-eu": pulumi up failed: /);
    assert.deepStrictEqual(await deployments("prod-eu"), { "istio-ingressgateway-1-25-1": 2, "istio-ingressgateway-1-26-0": 0 });
  });

  it("gate: with the canary wave's pods unready, next halts before any wave moves, retries nothing, touches no later wave", async function () {
    this.timeout(5 * 60 * 1000);
    // The canary wave's canary pod is lost and cannot come back (its namespace's quota now holds 1 pod).
    await quota("dev", 1);
    const [canaryPod] = (await api("dev").list(`/api/v1/namespaces/istio-ingress/pods`)).filter((p) => p.metadata.labels?.["istio.io/rev"] === CANARY);
    await api("dev").delete(`/api/v1/namespaces/istio-ingress/pods/${canaryPod.metadata.name}`);
    await until("dev's canary pod is gone", async () => (await deployments("dev"))[`istio-ingressgateway-${CANARY}`] === 0);
    const before = { eu: await updates("prod-eu"), files: ["prod-eu", "prod-us", "prod-ap"].map((s) => fs.readFileSync(stackFile(s), "utf8")),
      us: await podUids("prod-us"), ap: await podUids("prod-ap"), usHistory: await history("prod-us"), apHistory: await history("prod-ap") };
    const r = await fleet("next");
    show("next (gate)", r);
    assert.strictEqual(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /fleet halted at wave "canary": stack "dev": not every pod is ready \(1-26-0 0\/1\); later waves \(early, rest\) untouched/);
    assert.doesNotMatch(r.stdout, /pulumi up/, "an update ran behind the gate");
    assert.deepStrictEqual(await updates("prod-eu"), before.eu, "the halted stack was updated again behind the gate");
    assert.deepStrictEqual(["prod-eu", "prod-us", "prod-ap"].map((s) => fs.readFileSync(stackFile(s), "utf8")), before.files, "a stack file moved");
    assert.deepStrictEqual([await podUids("prod-us"), await podUids("prod-ap")], [before.us, before.ap], "a pod of the rest wave changed");
    assert.deepStrictEqual([await history("prod-us"), await history("prod-ap")], [before.usHistory, before.apHistory], "the engine ran on the rest wave");
  });

  it("resume: fixed, the same next updates the halted stack again and moves the rest wave, one stack at a time, and no earlier wave further", async function () {
    this.timeout(10 * 60 * 1000);
    // The operator's fixes: each namespace's quota lifted, and its pods back (the ReplicaSets retry on their own).
    await unquota("dev");
    await unquota("prod-eu");
    await healthy("dev");
    await healthy("prod-eu");
    const devFile = fs.readFileSync(stackFile("dev"), "utf8");
    const devUpdates = await updates("dev");
    const r = await fleet("next");
    show("next (resume)", r);
    assert.strictEqual(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\[early\] prod-eu: last update failed; pulumi up again at 50% \(step 1\/2\)/);
    assert.strictEqual(fs.readFileSync(stackFile("dev"), "utf8"), devFile, "the canary wave moved further");
    assert.deepStrictEqual(await updates("dev"), devUpdates, "the canary wave was updated again");
    for (const stack of ["prod-eu", "prod-us", "prod-ap"]) {
      assert.deepStrictEqual(await deployments(stack), { "istio-ingressgateway-1-25-1": 1, "istio-ingressgateway-1-26-0": 1 }, stack);
    }
    const [us] = await updates("prod-us");
    const [ap] = await updates("prod-ap");
    const [first, second] = [us, ap].sort((a, b) => a.start - b.start);
    process.stdout.write(`      rest wave (parallelism 1): ${((first.end - first.start) / 1000).toFixed(1)} s, then ${((second.end - second.start) / 1000).toFixed(1)} s, `
      + `${((second.start - first.end) / 1000).toFixed(1)} s apart\n`);
    assert.ok(second.start >= first.end, `the rest wave's updates overlapped: ${JSON.stringify({ us, ap })}`);
  });
});
