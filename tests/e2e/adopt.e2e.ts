/**
 * Adopting a gateway that runs (docs/adoption.md), for three starting points: the seed's
 * plain YAML, the istio/gateway chart's defaults, istioctl's default profile. Each is applied the way its tool
 * applies it, a VirtualService is bound to its Istio Gateway, and then the runbook of docs/adoption.md runs, line by line, in
 * order: kubectl get, npm run adopt, pulumi preview/up, rollout next to 100 % and promote. Through every `pulumi up`
 * ready pods behind the Service never fall below the starting count; after every one the Service keeps its UID,
 * ClusterIP, node ports and load-balancer address and the Gateway its name and UID, and a repeated `pulumi up`
 * would change nothing. At the end Istio's own analyzers find the VirtualService's binding valid and every object
 * of the gateway's kinds in the namespace is in the stack. Before the runbook, istioctl's install is also given a
 * stack file that would change its Service's type: `pulumi up` must stop with the one-line reason, nothing imported.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { readLiveObjects } from "../../tools/adopt/command";
import { adoptFromLive } from "../../tools/adopt/from-live";
import { ClusterState, kubectl } from "../../tools/cluster/control-plane";
import { KubeApi, KubeObject, podServes, waitFor } from "../../tools/cluster/kube-api";
import { codeBlocksIn, doc } from "../support/readme";
import { ROOT } from "../support/run";
import { useCluster } from "./support/cluster";
import { GATEWAY_KINDS } from "./support/live";
import { podsPath } from "./support/watch";
import { watchedUp } from "./support/steps";
import { CommandFailed, Workspace } from "./support/workspace";

const SECTION = "# Adopting a gateway that runs: coming from istioctl, Helm or YAML";
const FIXTURES = path.join(ROOT, "tests", "e2e", "fixtures", "adopt");
const GATEWAY = "istio-ingressgateway";
const REVISION = "1-26-0";

interface Start {
  title: string;
  fixture: string;
  namespace: string;
  /** How its tool writes the objects: the field manager that owns them afterwards. */
  apply: string[];
  /** The app namespace whose VirtualService binds to the Istio Gateway. */
  routes: string;
  istioGateway: string;
}

const STARTS: Start[] = [
  { title: "the seed's plain YAML", fixture: "seed.yaml", namespace: "istio-ingress", apply: ["apply"], routes: "bookinfo", istioGateway: GATEWAY },
  { title: "the istio/gateway chart's defaults", fixture: "helm.yaml", namespace: "istio-ingress", apply: ["create", "--field-manager=helm"], routes: "shop", istioGateway: "public-gateway" },
  { title: "istioctl's default profile", fixture: "istioctl.yaml", namespace: "istio-system", apply: ["apply", "--server-side", "--force-conflicts", "--field-manager=istio-operator"], routes: "bookinfo", istioGateway: "bookinfo-gateway" },
];

/** The runbook's commands, as docs/adoption.md prints them (comments and blank lines dropped). */
function runbook(): string[] {
  const [block] = codeBlocksIn(doc("adoption"), SECTION, "sh");
  assert.ok(block, `docs/adoption.md has no sh block under "${SECTION}"`);
  return block.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

interface Identity {
  service: { uid: unknown; clusterIP: unknown; nodePorts: unknown; ingress: unknown };
  gateway: { name: string; uid: unknown };
}

async function identity(api: KubeApi, start: Start): Promise<Identity> {
  const svc = await api.get(`/api/v1/namespaces/${start.namespace}/services/${GATEWAY}`);
  const ports = (svc.spec?.ports as Array<{ port: number; nodePort?: number }>).map((p) => `${p.port}:${p.nodePort ?? "-"}`).sort();
  const gw = await api.get(`/apis/networking.istio.io/v1/namespaces/${start.namespace}/gateways/${start.istioGateway}`);
  return {
    service: { uid: svc.metadata.uid, clusterIP: svc.spec?.clusterIP, nodePorts: ports, ingress: (svc.status?.loadBalancer as { ingress?: unknown })?.ingress ?? null },
    gateway: { name: gw.metadata.name, uid: gw.metadata.uid },
  };
}

/** Pods behind the Service that serve: the starting count every step must keep. */
async function servingPods(api: KubeApi, start: Start): Promise<number> {
  const svc = await api.get(`/api/v1/namespaces/${start.namespace}/services/${GATEWAY}`);
  return (await api.list(podsPath(start.namespace, svc.spec?.selector as Record<string, string>))).filter(podServes).length;
}

/**
 * What `istioctl analyze` (Istio's own analyzers, against the live cluster) says of the VirtualService. A run that
 * did not analyze (a crash, a timeout, an exit status other than 0, or 79 for "issues found") fails here: it would
 * otherwise read as "no findings".
 */
function virtualServiceFindings(state: ClusterState, start: Start): string[] {
  const r = spawnSync(path.join(state.bin, "istioctl"), ["analyze", "-n", start.routes, `--kubeconfig=${state.kubeconfig}`], { encoding: "utf8", timeout: 120000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.strictEqual(r.error, undefined, `istioctl analyze did not run: ${r.error?.message}`);
  const issues = out.split("\n").filter((l) => /^(Error|Warning|Info) \[IST\d+\]/.test(l));
  assert.ok(r.status === 0 || (r.status === 79 && issues.length > 0), `istioctl analyze exited ${r.status}:\n${out}`);
  if (issues.length === 0) assert.match(out, new RegExp(`No validation issues found when analyzing namespace: ${start.routes}`), out);
  return issues.filter((l) => /^(Error|Warning)/.test(l) && l.includes("VirtualService"));
}

/** Objects of the kinds a gateway install is made of, in its namespace, that the stack does not hold. */
async function unmanaged(api: KubeApi, ws: Workspace, namespace: string): Promise<string[]> {
  type Exported = { type: string; external?: boolean; outputs?: { kind?: string; metadata?: { name?: string; namespace?: string } } };
  const state = JSON.parse((await ws.must(["stack", "export"])).stdout) as { deployment: { resources?: Exported[] } };
  // Reads (`external`: the namespace check's, the adoption check's) are not managed.
  const held = new Set((state.deployment.resources ?? []).filter((r) => !r.type.startsWith("pulumi:") && !r.external && r.outputs?.metadata?.name)
    .map((r) => `${r.outputs?.kind}/${r.outputs?.metadata?.namespace}/${r.outputs?.metadata?.name}`));
  // The install's kinds are the component's, less the Gateway API's Gateway (no install here makes one).
  const kinds = GATEWAY_KINDS.filter(([, base]) => !base.includes("gateway.networking.k8s.io"));
  const live: KubeObject[] = [];
  for (const [kind, base, resource] of kinds) {
    for (const o of await api.list(`${base}/namespaces/${namespace}/${resource}`)) live.push({ ...o, kind });
  }
  // The namespace's own account, made by Kubernetes for every namespace; in istio-system, the control plane's own
  // accounts and roles (istiod's and the reader's, from the base and istiod charts), which no gateway install holds.
  const controlPlane = (o: KubeObject) => ["istiod", "istio-reader"].includes(o.metadata.labels?.["app.kubernetes.io/name"] ?? "");
  return live.filter((o) => !(o.kind === "ServiceAccount" && o.metadata.name === "default") && !controlPlane(o))
    .map((o) => `${o.kind}/${namespace}/${o.metadata.name}`).filter((k) => !held.has(k));
}

/** The install as its tool leaves it, a route bound to its Gateway, and its pods serving. */
async function install(api: KubeApi, state: ClusterState, start: Start): Promise<void> {
  // istio-system is there already where istiod runs (as on a real cluster, where istioctl installed both).
  for (const ns of [start.namespace, start.routes]) {
    if (!(await api.find(`/api/v1/namespaces/${ns}`))) await api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }
  await kubectl(state, [...start.apply, "-f", path.join(FIXTURES, start.fixture)]);
  // The route's destination, so that the analyzers have nothing to say of the VirtualService but its binding.
  await api.create(`/api/v1/namespaces/${start.routes}/services`, { apiVersion: "v1", kind: "Service", metadata: { name: "productpage" },
    spec: { selector: { app: "productpage" }, ports: [{ name: "http", port: 9080 }] } });
  await api.create(`/apis/networking.istio.io/v1/namespaces/${start.routes}/virtualservices`, {
    apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "shop" },
    spec: { hosts: ["*"], gateways: [`${start.namespace}/${start.istioGateway}`], http: [{ route: [{ destination: { host: "productpage", port: { number: 9080 } } }] }] },
  });
  await waitFor(`${start.title}: its pods to serve`, 120000, async () => {
    const deployments = await api.list(`/apis/apps/v1/namespaces/${start.namespace}/deployments`);
    const ready = deployments.every((d) => ((d.status?.readyReplicas as number | undefined) ?? 0) >= ((d.spec?.replicas as number | undefined) ?? 1));
    return ready && (await servingPods(api, start)) > 0 ? true : undefined;
  });
}

for (const start of STARTS) {
  describe(`adopting ${start.title}: the adoption runbook, real engine`, function () {
    const cluster = useCluster();
    let ws: Workspace | undefined;
    let floor = 0;
    let was: Identity | undefined;

    before(async function () {
      this.timeout(5 * 60 * 1000);
      const { api, state } = cluster();
      await install(api, state, start);
      floor = await servingPods(api, start);
      was = await identity(api, start);
      const stack = path.join(state.dir, `Pulumi.adopt-${start.fixture.replace(".yaml", "")}.yaml`);
      fs.writeFileSync(stack, "# written by npm run adopt (docs/adoption.md)\n");
      ws = new Workspace(state, stack);
      await ws.init();
      process.stdout.write(`      ${start.title}: ${floor} pod(s) serving; Service ${JSON.stringify(was.service)}, Gateway ${JSON.stringify(was.gateway)}\n`);
    });
    after(() => ws?.remove());

    it("binds the VirtualService before anything changes (Istio's analyzers find nothing wrong)", async () => {
      assert.deepStrictEqual(virtualServiceFindings(cluster().state, start), []);
    });

    if (start.fixture === "istioctl.yaml") {
      it("stops before anything is imported when the stack file would change the Service's type (its address would go)", async function () {
        this.timeout(5 * 60 * 1000);
        const { state } = cluster();
        const objects = readLiveObjects(fs.readFileSync(path.join(FIXTURES, start.fixture), "utf8"), start.fixture);
        const { entry } = adoptFromLive({ gateway: GATEWAY, namespace: start.namespace, revision: REVISION }, objects);
        (entry.service as Record<string, unknown>).type = "NodePort";
        const file = path.join(state.dir, "Pulumi.adopt-type.yaml");
        fs.writeFileSync(file, stringify({ config: { "istio-gateways:gateways": { [GATEWAY]: entry } } }));
        const other = new Workspace(state, file);
        try {
          await other.init();
          const r = await other.pulumi(["up", "--yes", "--skip-preview"]);
          assert.notStrictEqual(r.code, 0);
          const exported = JSON.parse((await other.must(["stack", "export"])).stdout) as { deployment: { resources?: Array<{ type: string; external?: boolean }> } };
          assert.deepStrictEqual((exported.deployment.resources ?? []).filter((x) => x.type.startsWith("kubernetes:") && !x.external).map((x) => x.type), [], "something was imported or created");
          assert.match(r.stdout + r.stderr, /service\.type is "NodePort"; the adopted Service istio-system\/istio-ingressgateway is LoadBalancer; changing its type would give up its address: keep "LoadBalancer"/);
          const trace = (r.stdout + r.stderr).split("\n").filter((l) => /^\s+at .*\.(ts|js):\d+/.test(l));
          assert.deepStrictEqual(trace, [], `a stack trace in:\n${r.stdout}\n${r.stderr}`);
          assert.deepStrictEqual(await identity(cluster().api, start), was);
        } finally {
          other.remove();
        }
      });
    }

    it("runs the runbook: ready pods never below the starting count, the Service and Gateway never replaced", async function () {
      this.timeout(15 * 60 * 1000);
      const { api } = cluster();
      const w = ws as Workspace;
      const vars = `export NS=${start.namespace} GATEWAY=${GATEWAY} STACK=${w.stack} REVISION=${REVISION}`;
      const same = async (step: string) => {
        assert.deepStrictEqual(await identity(api, start), was, `${start.title} · ${step}: the Service or the Gateway changed identity`);
        process.stdout.write(`      ${start.title} · ${step}: Service uid, ClusterIP, node ports, load-balancer address and Gateway uid unchanged\n`);
      };
      const step = async (label: string) => {
        await watchedUp(w, api, `adopt: ${start.title}`, label, floor);
        await same(label);
        await w.expectNoChanges();
      };
      for (const line of runbook()) {
        if (/^NS=/.test(line)) continue; // the variables: set per starting point above
        if (line.startsWith("kubectl get ")) {
          const r = await w.run("bash", ["-c", `${vars}; ${line}`]);
          if (r.code !== 0) throw new CommandFailed(line, r);
        } else if (line.startsWith("npm run adopt -- --stack \"$STACK\" ")) {
          const rest = line.slice("npm run adopt -- --stack \"$STACK\" ".length);
          const r = await w.run("bash", ["-c", `${vars}; node ${path.join(ROOT, "tools", "engine", "launch.js")} adopt --stack-file ${w.stackFile} ${rest}`]);
          if (r.code !== 0) throw new CommandFailed(line, r);
          process.stdout.write(r.stdout.split("\n").filter((l) => l.startsWith("  keep") || l.startsWith("  retire")).map((l) => `      ${l}\n`).join(""));
        } else if (line === "pulumi preview --diff --stack \"$STACK\"") {
          const r = await w.must(["preview", "--diff"]);
          assert.match(r.stdout, /= \d+ to import/, "the preview imports nothing");
          assert.doesNotMatch(r.stdout, /\+ kubernetes:core\/v1:Service /, "the preview creates a Service beside the running one");
        } else if (line === "pulumi up --stack \"$STACK\"") {
          // Taking over creates and deletes no pod: the running Deployment's pods, by UID, before and after.
          const pods = async () => (await api.list(`/api/v1/namespaces/${start.namespace}/pods`)).map((p) => p.metadata.uid as string).sort();
          const running = await pods();
          await step("adopt (import)");
          assert.deepStrictEqual(await pods(), running, `${start.title}: adopting created or deleted pods`);
          process.stdout.write(`      ${start.title} · adopt (import): the same ${running.length} pods (by UID) before and after\n`);
        } else if (line.startsWith("npm run rollout -- --stack \"$STACK\" next && pulumi up")) {
          while ((w.gateways()[GATEWAY].canary?.weight ?? 100) < 100) {
            const from = w.gateways()[GATEWAY].canary?.weight;
            await w.rollout("next", GATEWAY);
            await step(`next (${from}% → ${w.gateways()[GATEWAY].canary?.weight}%)`);
          }
        } else if (line.startsWith("npm run rollout -- --stack \"$STACK\" promote && pulumi up")) {
          await w.rollout("promote", GATEWAY);
          assert.strictEqual(w.gateways()[GATEWAY].adopt, undefined, "promote left the adopt block");
          await step("promote (retire)");
        } else if (line === "pulumi preview --expect-no-changes --stack \"$STACK\"") {
          await w.expectNoChanges();
        } else {
          assert.fail(`the runbook's line is not one this suite knows how to run: ${line}`);
        }
      }
    });

    it("leaves the VirtualService bound (same Gateway, Istio's analyzers find nothing wrong) and nothing unmanaged", async () => {
      const { api, state } = cluster();
      assert.deepStrictEqual(virtualServiceFindings(state, start), []);
      assert.deepStrictEqual(await unmanaged(api, ws as Workspace, start.namespace), []);
      const deployments = (await api.list(`/apis/apps/v1/namespaces/${start.namespace}/deployments`)).map((d) => d.metadata.name);
      assert.deepStrictEqual(deployments, [`${GATEWAY}-${REVISION}`]);
    });
  });
}
