/**
 * A throwaway Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kwok (fake nodes whose pods kwok marks Ready) and a load-balancer stand-in. Every process is
 * started in a process group of its own and recorded in the cluster's state file, so `down` (or the watchdog,
 * when the process that started them dies) stops each by its pid and nothing stays behind.
 *
 * The flags are those ../shared/e2e/RECIPE.md measured: a self-signed serving certificate, a token file with one
 * admin, RBAC, no node lifecycle controller (so the not-ready taint that admission puts on new Nodes is removed here).
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { UserError } from "../engine/errors";
import { KubeApi, sleep, waitFor } from "./kube-api";
import { clusterNodes, NodeSpec } from "./nodes";
import { IstiodChoice, istiodExportLines, IstiodHost, IstiodInstance, istiodProcessName, restartIstiod, startIstiods } from "./istiod";
import { kwokConfig, RevisionReadiness } from "./stages";
import { ROOT, Toolchain } from "./toolchain";
import { PrometheusInstance, preparePrometheus, prometheusArgs, prometheusReady } from "./prometheus";
import { ECHO_HOST, netNames } from "./envoy";
import type { LoadOptions } from "./load";
import { removeNamespaces } from "./netns";

export class ClusterError extends UserError {}

export interface ClusterProcess {
  name: string;
  /** Also the session id: each is started detached, as a session leader. */
  pid: number;
}

export interface ClusterState {
  name: string;
  /** Holds state.json, logs/, etcd's data, certificates and the kubeconfig; removed by `down`. */
  dir: string;
  server: string;
  token: string;
  kubeconfig: string;
  /** The toolchain's bin folder, for PATH. */
  bin: string;
  ports: Record<string, number>;
  processes: ClusterProcess[];
  /** Each revision's istiod (`up --istiod`), keyed by revision. */
  istiod?: Record<string, IstiodInstance>;
  /** Prometheus and the traffic stand-in (`up --prometheus`). */
  prometheus?: PrometheusInstance;
  /** The Envoy harness (`up --envoy`): its network namespaces and the endpoints table the load generator reads. */
  envoy?: EnvoyHarness;
}

export interface EnvoyHarness {
  /** The hub namespace: the pods' bridge, where the load generator runs. */
  hub: string;
  /** Every network namespace of this cluster starts with it. */
  prefix: string;
  /** endpoints.json: each Service's endpoints as kube-proxy would program them (envoy.ts endpointTable). */
  endpoints: string;
}

/** Where clusters keep their state: one folder per cluster name. */
export function clustersRoot(): string {
  return process.env.ISTIO_GATEWAY_CLUSTERS ?? path.join(os.tmpdir(), "istio-gateway-clusters");
}

export function stateFile(dir: string): string {
  return path.join(dir, "state.json");
}

export function readState(name: string): ClusterState | undefined {
  const file = stateFile(path.join(clustersRoot(), name));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as ClusterState) : undefined;
}

function saveState(state: ClusterState): void {
  fs.writeFileSync(stateFile(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

export interface ClusterOptions {
  name: string;
  toolchain: Toolchain;
  nodes?: NodeSpec[];
  /** Extra kwok Stage documents (YAML), e.g. one that keeps chosen pods unready. */
  extraStages?: string;
  /** Revisions whose pods kwok never marks Ready, or marks Ready later than the others. @default none */
  revisions?: RevisionReadiness;
  /** How long kwok waits before it marks a new pod Ready, as a kubelet with probes would. @default 1000 */
  podReadyDelayMs?: number;
  /** Revisions (and tags) whose istiod runs as a local process, with its webhooks installed. @default none */
  istiod?: IstiodChoice;
  /** Prometheus, scraping a stand-in that plays each gateway pod's Envoy metrics (prometheus.ts, traffic.ts). @default false */
  prometheus?: boolean;
  /**
   * An upstream Envoy behind every gateway pod, configured over ADS by its revision's istiod, and the pod Ready only
   * while its Envoy is (envoy-harness.ts). Needs `istiod` and the toolchain's envoy part. @default false
   */
  envoy?: boolean;
  /**
   * With `envoy`: revisions whose istiod keeps Istio's own filters on (ALPN, metadata exchange), so the upstream
   * Envoys of their pods refuse the listeners it sends and never pass the readiness probe: a canary refused its
   * config. @default none
   */
  istioFiltersFor?: string[];
  /** Stop the cluster when this process dies (the e2e run): a killed test run leaves nothing behind. */
  watchPid?: number;
  log?: (line: string) => void;
}

/** Starts the control plane, creates the nodes and the Istio and Gateway API CRDs, and returns once pods can be scheduled. */
export async function startCluster(opts: ClusterOptions): Promise<ClusterState> {
  const log = opts.log ?? (() => undefined);
  if (opts.envoy && !opts.istiod) throw new ClusterError("cluster: --envoy needs --istiod: each gateway pod's Envoy takes its config from its revision's istiod");
  // Network namespaces and links: Linux, root (CAP_NET_ADMIN and CAP_SYS_ADMIN), iproute2's `ip` (docs/traffic.md).
  if (opts.envoy && (process.platform !== "linux" || process.getuid?.() !== 0)) {
    throw new ClusterError("cluster: --envoy makes a network namespace per gateway pod, which takes Linux and root (iproute2's ip); run it as root, or leave --envoy out");
  }
  const dir = path.join(clustersRoot(), opts.name);
  if (readState(opts.name)) throw new ClusterError(`cluster "${opts.name}" is already up (${dir}); \`npm run cluster -- down --name ${opts.name}\` stops it`);
  fs.rmSync(dir, { recursive: true, force: true });
  // The file backend refuses a state folder that does not exist.
  for (const sub of ["logs", "pulumi-state", "pulumi-home"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const ports = await freePorts(["etcd", "etcdPeer", "apiserver", "controllerManager", "scheduler"]);
  const token = crypto.randomBytes(24).toString("hex");
  const state: ClusterState = {
    name: opts.name, dir, server: `https://127.0.0.1:${ports.apiserver}`, token,
    kubeconfig: path.join(dir, "kubeconfig"), bin: opts.toolchain.bin, ports, processes: [],
  };
  saveState(state);
  if (opts.watchPid) startWatchdog(state, opts.watchPid);
  try {
    writeCredentials(state);
    await startProcesses(state, opts, log);
    return state;
  } catch (e) {
    await stopCluster(state);
    throw e;
  }
}

async function startProcesses(state: ClusterState, opts: ClusterOptions, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const { dir, ports } = state;
  const api = new KubeApi(state);
  launch(state, "etcd", [
    `--data-dir=${path.join(dir, "etcd")}`, "--name=default", "--unsafe-no-fsync",
    `--listen-client-urls=http://127.0.0.1:${ports.etcd}`, `--advertise-client-urls=http://127.0.0.1:${ports.etcd}`,
    `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${ports.etcdPeer}`,
  ]);
  await startApiServer(state);
  log(`cluster: API server ready at ${state.server} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const kube = [`--kubeconfig=${state.kubeconfig}`, `--authentication-kubeconfig=${state.kubeconfig}`,
    `--authorization-kubeconfig=${state.kubeconfig}`, "--leader-elect=false", "--bind-address=127.0.0.1"];
  // No node lifecycle, IPAM, cloud or route controllers: kwok's nodes have no kubelet and no cloud.
  launch(state, "kube-controller-manager", [...kube, `--secure-port=${ports.controllerManager}`,
    `--service-account-private-key-file=${path.join(dir, "sa.key")}`, "--use-service-account-credentials=false",
    "--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route"]);
  launch(state, "kube-scheduler", [...kube, `--secure-port=${ports.scheduler}`]);
  const revisions = opts.envoy ? { ...opts.revisions, envoy: true } : opts.revisions;
  fs.writeFileSync(path.join(dir, "kwok.yaml"), kwokConfig(opts.toolchain.kwokStages, opts.podReadyDelayMs ?? 1000, opts.extraStages, revisions));
  // Pod and node addresses are data in etcd only: nothing listens on them and nothing sends traffic to them.
  launch(state, "kwok", [`--kubeconfig=${state.kubeconfig}`, `--config=${path.join(dir, "kwok.yaml")}`,
    "--manage-all-nodes=true", "--cidr=10.244.0.1/16", "--node-ip=10.0.0.1"]);
  launchLoadBalancer(state);
  await createNodes(api, opts.nodes ?? clusterNodes());
  await applyCrds(state, opts.toolchain);
  await waitFor("the default ServiceAccount", 60000, () => api.find("/api/v1/namespaces/default/serviceaccounts/default"));
  if (opts.istiod) {
    const upstream = opts.envoy ? opts.istiod.revisions.filter((r) => !(opts.istioFiltersFor ?? []).includes(r)) : [];
    state.istiod = await startIstiods(istiodHost(state), opts.istiod, log, upstream);
    saveState(state);
  }
  if (opts.envoy) await startEnvoyHarness(state, log);
  if (opts.prometheus) {
    const p = await freePorts(["prometheus", "traffic"]);
    state.ports = { ...state.ports, ...p };
    state.prometheus = preparePrometheus(dir, p);
    saveState(state);
    launch(state, "traffic", ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "cluster", "traffic.ts"), state.dir, String(p.traffic)], process.execPath);
    await startPrometheus(state);
    log(`cluster: Prometheus at ${state.prometheus.url}, scraping the traffic stand-in (${state.prometheus.trafficFile})`);
  }
  log(`cluster: "${state.name}" up in ${((Date.now() - started) / 1000).toFixed(1)} s (${(opts.nodes ?? clusterNodes()).length} nodes, Istio and Gateway API CRDs${state.istiod ? `, istiod ${Object.keys(state.istiod).join(", ")}` : ""}${state.prometheus ? ", Prometheus" : ""}${state.envoy ? ", an Envoy per gateway pod" : ""})`);
}

function apiServerArgs(state: ClusterState): string[] {
  const { dir, ports } = state;
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcd}`, "--bind-address=127.0.0.1", `--secure-port=${ports.apiserver}`,
    "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none", `--cert-dir=${path.join(dir, "certs")}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${path.join(dir, "sa.pub")}`, `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
    `--token-auth-file=${path.join(dir, "tokens.csv")}`, "--authorization-mode=RBAC", "--service-cluster-ip-range=10.96.0.0/16",
    "--profiling=false",
  ];
}

/**
 * The Envoy harness as a process of the cluster (envoy-harness.ts), once its network and the echo backend are up:
 * it writes the first endpoints table then.
 */
async function startEnvoyHarness(state: ClusterState, log: (line: string) => void): Promise<void> {
  const names = netNames(state.dir);
  state.envoy = { hub: names.hub, prefix: names.prefix, endpoints: path.join(state.dir, "envoy", "endpoints.json") };
  saveState(state);
  launch(state, "envoy-harness", ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", "cluster", "envoy-harness.ts"), state.dir,
    path.join(state.bin, "envoy")], process.execPath);
  const endpoints = state.envoy.endpoints;
  await waitFor("the Envoy harness's first endpoints table", 60000, async () => (fs.existsSync(endpoints) ? true : undefined), 200)
    .catch(() => { throw new ClusterError(`cluster "${state.name}": the Envoy harness did not start; see ${path.join(state.dir, "logs", "envoy-harness.log")}`); });
  log(`cluster: an Envoy per gateway pod (envoy ${path.join(state.bin, "envoy")}), pods' network in ${names.hub}, echo backend ${ECHO_HOST}`);
}

export interface LoadRun {
  /** Resolves once the generator has ended and every response is in the records file. */
  done: Promise<void>;
  /** Ends it early (SIGTERM: it stops sending and waits for the requests in flight). */
  stop(): void;
}

/**
 * The load generator (load.ts) in the cluster's hub namespace, where the pods' addresses route, sending to the
 * Service's ready endpoints; every response appended to `records` (JSON lines). Recorded as a cluster process, so
 * `down` and the watchdog stop it too.
 */
export function startLoad(state: ClusterState, options: LoadOptions, records: string): LoadRun {
  if (!state.envoy) throw new ClusterError(`cluster "${state.name}" runs no Envoys; start it with up --istiod <revisions> --envoy`);
  const out = fs.openSync(path.join(state.dir, "logs", "load.log"), "a");
  const child = spawn("ip", ["netns", "exec", state.envoy.hub, process.execPath, "-r", "ts-node/register/transpile-only",
    path.join(ROOT, "tools", "cluster", "load.ts"), state.envoy.endpoints, JSON.stringify(options), records], { detached: true, stdio: ["ignore", out, out], cwd: ROOT });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ClusterError("cluster: cannot start the load generator (ip netns exec)");
  adopt(state, { name: "load", pid });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      release(state, pid);
      if (code === 0) resolve();
      else reject(new ClusterError(`cluster: the load generator exited ${code}; see ${path.join(state.dir, "logs", "load.log")}`));
    });
  });
  return { done, stop: () => { try { process.kill(pid, "SIGTERM"); } catch { /* ended */ } } };
}

/** Starts kube-apiserver (same flags, certificates and etcd every time) and returns once /readyz answers ok. */
export async function startApiServer(state: ClusterState): Promise<void> {
  launch(state, "kube-apiserver", apiServerArgs(state));
  const api = new KubeApi(state);
  await waitFor("the API server's /readyz", 90000, async () => ((await api.ready()) ? true : undefined), 300)
    .catch(() => { throw new ClusterError(`cluster "${state.name}": kube-apiserver did not become ready; see ${path.join(state.dir, "logs")}`); });
}

/**
 * Stops kube-apiserver alone (stopSessions), as a control-plane outage: etcd keeps the objects, and
 * the controllers and kwok keep running and reconnect when it is back (startApiServer).
 */
export async function stopApiServer(state: ClusterState): Promise<void> {
  await stopSessions(state.processes.filter((p) => p.name === "kube-apiserver"));
  state.processes = state.processes.filter((p) => p.name !== "kube-apiserver");
  saveState(state);
}

/** The service-account key pair, the admin token and a kubeconfig for the provider, the controllers and kubectl. */
function writeCredentials(state: ClusterState): void {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  fs.writeFileSync(path.join(state.dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }));
  fs.writeFileSync(path.join(state.dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  fs.writeFileSync(path.join(state.dir, "tokens.csv"), `${state.token},admin,admin,system:masters\n`);
  fs.writeFileSync(state.kubeconfig, [
    "apiVersion: v1", "kind: Config", "current-context: local",
    "clusters:", "- name: local", "  cluster:", `    server: ${state.server}`, "    insecure-skip-tls-verify: true",
    "users:", "- name: admin", "  user:", `    token: ${state.token}`,
    "contexts:", "- name: local", "  context:", "    cluster: local", "    user: admin", "",
  ].join("\n"), { mode: 0o600 });
}

/** What istiod.ts needs of the cluster: its folder, its binaries, ports, and a way to start processes it records. */
function istiodHost(state: ClusterState): IstiodHost {
  return {
    dir: state.dir, kubeconfig: state.kubeconfig, bin: state.bin, api: new KubeApi(state), freePorts,
    launch: (name, args, env, cwd) => launch(state, name, args, path.join(state.bin, "pilot-discovery"), { env, cwd }),
    kubectl: (args) => kubectl(state, args),
  };
}

/** Stops one revision's istiod alone, as an outage of that control plane: its webhooks stay and now fail. */
export async function stopIstiod(state: ClusterState, revision: string): Promise<void> {
  const name = istiodProcessName(revision);
  await stopSessions(state.processes.filter((p) => p.name === name));
  state.processes = state.processes.filter((p) => p.name !== name);
  saveState(state);
}

/** Starts a stopped revision's istiod again, with the folder, ports and certificates it had. */
export async function startIstiod(state: ClusterState, revision: string): Promise<void> {
  const instance = state.istiod?.[revision];
  if (!instance) throw new ClusterError(`cluster "${state.name}" runs no istiod of revision ${revision}`);
  await restartIstiod(istiodHost(state), instance);
}

/** Starts Prometheus (again, after stopPrometheus: same port, data and configuration) and returns once it is ready. */
export async function startPrometheus(state: ClusterState): Promise<void> {
  if (!state.prometheus) throw new ClusterError(`cluster "${state.name}" runs no Prometheus; start it with up --prometheus`);
  launch(state, "prometheus", prometheusArgs(state.dir, state.ports.prometheus));
  const url = state.prometheus.url;
  await waitFor("Prometheus's /-/ready", 60000, async () => ((await prometheusReady(url)) ? true : undefined), 200)
    .catch(() => { throw new ClusterError(`cluster "${state.name}": Prometheus did not become ready; see ${path.join(state.dir, "logs", "prometheus.log")}`); });
}

/** Stops Prometheus alone, as an outage of the metrics store: the analysis must read it as an error. */
export async function stopPrometheus(state: ClusterState): Promise<void> {
  await stopSessions(state.processes.filter((p) => p.name === "prometheus"));
  state.processes = state.processes.filter((p) => p.name !== "prometheus");
  saveState(state);
}

/** Starts a binary of the toolchain as a group leader, output to logs/<name>.log, and records its pid. */
function launch(state: ClusterState, name: string, args: string[], command = path.join(state.bin, name),
  extra: { env?: Record<string, string>; cwd?: string } = {}): void {
  const out = fs.openSync(path.join(state.dir, "logs", `${name}.log`), "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", out, out], cwd: extra.cwd, env: { ...process.env, KUBECONFIG: state.kubeconfig, ...extra.env } });
  fs.closeSync(out);
  if (child.pid === undefined) throw new ClusterError(`cluster: cannot start ${command}`);
  child.on("error", () => undefined);
  child.unref();
  state.processes.push({ name, pid: child.pid });
  saveState(state);
}

/** The load-balancer stand-in runs as its own process, so it outlives `npm run cluster -- up`. */
function launchLoadBalancer(state: ClusterState): void {
  const script = path.join(ROOT, "tools", "cluster", "load-balancer.ts");
  launch(state, "load-balancer", ["-r", "ts-node/register/transpile-only", script, state.dir], process.execPath);
}

async function createNodes(api: KubeApi, nodes: NodeSpec[]): Promise<void> {
  for (const node of nodes) {
    await api.create("/api/v1/nodes", {
      apiVersion: "v1", kind: "Node",
      metadata: { name: node.name, labels: { "kubernetes.io/hostname": node.name, "type": "kwok", ...node.labels },
        annotations: { "kwok.x-k8s.io/node": "fake" } },
      spec: { taints: node.taints ?? [] },
      status: { allocatable: node.capacity, capacity: node.capacity },
    });
  }
  // Admission (TaintNodesByCondition) adds node.kubernetes.io/not-ready to every new Node; only the node
  // lifecycle controller, which has no kubelet to watch here, would remove it. Without this, pods stay Pending.
  for (const node of nodes) {
    await waitFor(`node ${node.name} without the not-ready taint`, 30000, async () => {
      const live = await api.get(`/api/v1/nodes/${node.name}`);
      const taints = ((live.spec?.taints ?? []) as Array<{ key: string }>);
      if (!taints.some((t) => t.key.startsWith("node.kubernetes.io/"))) return true;
      await api.patch(`/api/v1/nodes/${node.name}`, { spec: { taints: node.taints ?? [] } });
      return undefined;
    });
  }
}

/**
 * The real Istio CRDs (istio.io/api's) and the Gateway API's standard channel, so the API server validates every
 * Gateway against its own schema and CEL rules, as a cluster with Istio and the Gateway API installed does.
 */
async function applyCrds(state: ClusterState, toolchain: Toolchain): Promise<void> {
  const file = path.join(toolchain.istioCrds, "kubernetes", "customresourcedefinitions.gen.yaml");
  await kubectl(state, ["apply", "--server-side", "-f", file]);
  await kubectl(state, ["apply", "--server-side", "-f", path.join(toolchain.gatewayApi, "config", "crd", "standard")]);
  await kubectl(state, ["wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"]);
}

export function kubectl(state: ClusterState, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(state.bin, "kubectl"), [`--kubeconfig=${state.kubeconfig}`, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new ClusterError(`kubectl ${args.join(" ")}: ${err.trim()}`))));
  });
}

/** Ports nobody listens on now, asked of the kernel; two clusters started side by side get different ones. */
export async function freePorts<K extends string>(names: K[]): Promise<Record<K, number>> {
  const servers = await Promise.all(names.map(() => new Promise<net.Server>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return Object.fromEntries(names.map((n, i) => [n, ports[i]])) as Record<K, number>;
}

/**
 * A shell loop that waits for `pid` to exit, then stops the cluster's process groups (read from the state file
 * at that moment, so processes started later, such as `pulumi up`, are included) and removes its folder.
 * Each recorded process leads a session of its own (spawned detached, so setsid), and `pkill -s` signals the
 * whole session: Pulumi starts its plugins in process groups of their own, but within its session.
 */
function startWatchdog(state: ClusterState, pid: number): void {
  const script = `while kill -0 ${pid} 2>/dev/null && [ -f "$1" ]; do sleep 1; done
[ -f "$1" ] || exit 0
pids=$(grep -o '"pid": [0-9]*' "$1" | grep -o '[0-9]*')
for p in $pids; do pkill -TERM -s "$p"; done
sleep 3
for p in $pids; do pkill -KILL -s "$p"; done
for n in $(ip netns list 2>/dev/null | cut -d' ' -f1 | grep "^$3-"); do ip netns del "$n"; done
rm -rf "$2"`;
  const child = spawn("sh", ["-c", script, "watchdog", stateFile(state.dir), state.dir, netNames(state.dir).prefix], { detached: true, stdio: "ignore" });
  child.unref();
}

/** Records a process group started for the cluster (e.g. `pulumi up`), so `down` and the watchdog stop it too. */
export function adopt(state: ClusterState, proc: ClusterProcess): void {
  state.processes.push(proc);
  if (fs.existsSync(stateFile(state.dir))) saveState(state);
}

export function release(state: ClusterState, pid: number): void {
  state.processes = state.processes.filter((p) => p.pid !== pid);
  if (fs.existsSync(stateFile(state.dir))) saveState(state);
}

/**
 * The processes of a session (Linux: field 6 of /proc/<pid>/stat). Every process recorded here was spawned
 * detached, so it leads a session of its own; Pulumi puts each plugin in a new process group but keeps it in
 * its session, so a session, not a group, is what holds all of a `pulumi up`.
 */
export function sessionMembers(sid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[3]) === sid && fields[0] !== "Z") pids.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return pids;
}

export function signalSession(sid: number, signal: NodeJS.Signals): void {
  for (const pid of sessionMembers(sid)) {
    try {
      process.kill(pid, signal);
    } catch { /* already gone */ }
  }
}

/**
 * Whether a recorded pid is still the cluster's own process: its command line names the cluster's folder (the
 * control plane's flags do) or it runs inside it (a `pulumi up` of a temp project). A cluster stopped long after a
 * crash must not signal an unrelated process that got the same pid since.
 */
function ownedBy(pid: number, dir: string): boolean {
  try {
    if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir)) return true;
    return fs.realpathSync(`/proc/${pid}/cwd`).startsWith(fs.realpathSync(dir));
  } catch {
    return false;
  }
}

/** Stops the sessions: TERM to each, in the order given, then KILL to what is left after 5 s; returns once all ended. */
async function stopSessions(procs: ClusterProcess[]): Promise<void> {
  const running = () => procs.some((p) => sessionMembers(p.pid).length > 0);
  for (const p of procs) signalSession(p.pid, "SIGTERM");
  const deadline = Date.now() + 5000;
  while (running() && Date.now() < deadline) await sleep(100);
  for (const p of procs) signalSession(p.pid, "SIGKILL");
  while (running()) await sleep(50);
}

/** Stops every recorded session (TERM, then KILL after 5 s) in reverse start order and removes the folder. */
export async function stopCluster(state: ClusterState): Promise<void> {
  await stopSessions([...state.processes].reverse().filter((p) => ownedBy(p.pid, state.dir)));
  // The harness removes its namespaces when stopped; these are what a harness killed outright left.
  if (state.envoy) removeNamespaces(state.envoy.prefix);
  fs.rmSync(state.dir, { recursive: true, force: true });
}

/** The shell exports that point pulumi and kubectl at this cluster, with a file backend in its folder. */
export function clusterEnv(state: ClusterState): Record<string, string> {
  return {
    KUBECONFIG: state.kubeconfig,
    PATH: `${state.bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: path.join(state.dir, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(state.dir, "pulumi-state")}`,
    PULUMI_CONFIG_PASSPHRASE: "",
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "1",
  };
}

/** The exports as shell lines, single-quoted: `eval "$(npm run -s cluster -- up)"`. */
export function exportsText(state: ClusterState): string {
  const quote = (v: string) => `'${v.replace(/'/g, "'\\''")}'`;
  // PATH keeps the user's own entries as their shell has them, not this process's (npm adds its own).
  const value = (k: string, v: string) => (k === "PATH" ? `${quote(state.bin)}:"$PATH"` : quote(v));
  const lines = Object.entries(clusterEnv(state)).map(([k, v]) => `export ${k}=${value(k, v)}`);
  const prometheus = state.prometheus ? [`# canary.analysis.prometheus: ${state.prometheus.url}; traffic: ${state.prometheus.trafficFile}`] : [];
  return `${[...lines, ...istiodExportLines(state.istiod ?? {}), ...prometheus].join("\n")}\n`;
}
