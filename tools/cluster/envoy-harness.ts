/**
 * Traffic for real, the process: an upstream Envoy behind every gateway pod kwok runs (envoy.ts decides; this
 * file does). Run by the cluster (control-plane.ts, `up --envoy`) as `node … envoy-harness.ts <cluster dir> <envoy>`;
 * it exits, removing every network namespace it made, when it is told to stop (SIGTERM) or the cluster's state
 * file goes away.
 *
 * The pods' network is its own: a hub namespace holding a bridge (no uplink, no route out), one namespace per pod
 * with the pod's IP on a veth into the bridge, one for the echo backend. Nothing is added to the host's namespace
 * but Unix sockets in the cluster's folder: the relays from each pod's Envoy to its istiod's xDS port on loopback.
 *
 * Every 200 ms it lists the pods: an injected gateway pod with an IP gets its Envoy (bootstrap: envoy.ts); its
 * Ready condition follows Istio's readiness probe run on that Envoy's stats (config accepted from istiod, server
 * LIVE, workers started: envoy.ts readinessVerdict), as the kubelet would write it (kwok otherwise plays it:
 * stages.ts leaves these pods Running and unready); a pod that is deleted or terminating gets Istio's drain (graceful listener
 * drain, then exit after its terminationDrainDuration); an Envoy that exits while its pod runs is started again after
 * the kubelet's restart back-off (envoy.ts restartDelaySeconds). It writes endpoints.json, the Services' endpoints as
 * kube-proxy would program them, for the load generator (load.ts) that runs in the hub.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { KubeApi, KubeApiError, KubeObject, podReady, sleep } from "./kube-api";
import { stateFile } from "./control-plane";
import {
  bootstrap, ECHO_IP, ECHO_PORT, echoObjects, endpointTable, envoyArgs, gatewayPod, GatewayPod, HUB_IP, netNames, parseStats, podNet,
  readinessPatch, readinessVerdict, READINESS_STATS_FILTER, restartDelaySeconds, tokenRequest,
} from "./envoy";
import { istiodCaFile } from "./istiod";
import { createEndpointNamespace, createHub, ip, removeNamespaces } from "./netns";

interface Running {
  pod: GatewayPod;
  netns: string;
  admin: string;
  process: ChildProcess;
  /** Istio's readiness probe passed (once it has, it holds while Envoy runs: probe.go caches it too). */
  ready: boolean;
  /** Why the probe last failed, to log each new reason once. */
  reason?: string;
  /** Set once its pod is gone or terminating: when its Envoy stops. */
  drainUntil?: number;
  exited: boolean;
  /** How often its Envoy was started again after exiting while the pod ran, and when the next start is due. */
  restarts: number;
  restartAt?: number;
  bootstrapFile: string;
}

const POLL_MS = 200;

/** A request over a Unix socket (Envoy's admin): the status and body, or undefined when nothing answers. */
function adminRequest(socketPath: string, method: string, urlPath: string): Promise<{ status?: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath, method, path: urlPath, timeout: 1000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** A Unix socket that forwards each connection to a TCP port on the host's loopback. */
function relay(socketPath: string, port: number): net.Server {
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  server.listen(socketPath);
  return server;
}

const ECHO_SERVER = `const http = require("http");
http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ remote: req.socket.remoteAddress.replace(/^::ffff:/, ""), host: req.headers.host, path: req.url, method: req.method }));
  });
}).listen(${ECHO_PORT}, "0.0.0.0");`;

async function main(): Promise<void> {
  const [dir, envoyBin] = process.argv.slice(2);
  const state = JSON.parse(fs.readFileSync(stateFile(dir), "utf8")) as { server: string; token: string; istiod?: Record<string, { revision: string; ports: { secureGrpc: number } }> };
  const api = new KubeApi(state);
  const names = netNames(dir);
  const work = path.join(dir, "envoy");
  fs.mkdirSync(work, { recursive: true });
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

  removeNamespaces(names.prefix); // a harness killed before it cleaned up
  createHub(names);
  createEndpointNamespace(names, names.echo, "vecho", ECHO_IP);
  const echo = spawn("ip", ["netns", "exec", names.echo, process.execPath, "-e", ECHO_SERVER], { stdio: "inherit" });
  for (const o of echoObjects()) {
    const base = o.kind === "Namespace" ? "/api/v1/namespaces" : o.kind === "Service" ? `/api/v1/namespaces/${o.metadata.namespace}/services`
      : `/apis/discovery.k8s.io/v1/namespaces/${o.metadata.namespace}/endpointslices`;
    await api.create(base, o).catch((e) => { if (!(e instanceof KubeApiError && e.status === 409)) throw e; });
  }
  const relays = new Map<string, net.Server>();
  for (const i of Object.values(state.istiod ?? {})) relays.set(i.revision, relay(path.join(work, `xds-${i.revision}.sock`), i.ports.secureGrpc));
  log(`envoy-harness: hub ${names.hub} (${HUB_IP}), echo ${ECHO_IP}:${ECHO_PORT}, xDS relays for ${[...relays.keys()].join(", ") || "no istiod"}`);

  const running = new Map<string, Running>(); // by pod UID
  let stopping = false;
  const stopEnvoy = (r: Running) => {
    if (!r.exited) r.process.kill("SIGTERM");
  };
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    for (const r of running.values()) stopEnvoy(r);
    echo.kill("SIGTERM");
    await sleep(300);
    for (const r of running.values()) if (!r.exited) r.process.kill("SIGKILL");
    for (const s of relays.values()) s.close();
    removeNamespaces(names.prefix);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());

  const start = async (pod: GatewayPod) => {
    const { netns, hubLink, key } = podNet(names, pod.uid);
    // kwok hands a deleted pod's IP to the next pod at once, where a kubelet would still hold it while the old pod
    // terminates: the draining Envoy that holds it goes first, so two namespaces never answer for one address.
    for (const [uid, r] of running) {
      if (r.pod.ip === pod.ip && r.drainUntil !== undefined) {
        log(`${r.pod.namespace}/${r.pod.name}: drain cut short, its IP ${pod.ip} now belongs to ${pod.name}`);
        await retire(uid, r);
      }
    }
    const socketDir = path.join(work, key);
    fs.mkdirSync(socketDir, { recursive: true });
    const admin = path.join(socketDir, "admin.sock");
    // The token a kubelet would project into the pod for Istio's agent (istio-token), bound to this pod.
    const issued = await api.request("POST", `/api/v1/namespaces/${pod.namespace}/serviceaccounts/${pod.serviceAccount}/token`, tokenRequest(pod)) as { status?: { token?: string } };
    const token = issued.status?.token;
    if (!token) throw new Error(`no token issued for ServiceAccount ${pod.namespace}/${pod.serviceAccount}`);
    const xds = { socket: path.join(work, `xds-${pod.revision}.sock`), caFile: istiodCaFile(dir), token };
    const file = path.join(socketDir, "bootstrap.json");
    fs.writeFileSync(file, JSON.stringify(bootstrap(pod, { xds, admin }), null, 2), { mode: 0o600 });
    createEndpointNamespace(names, netns, hubLink, pod.ip);
    const r = { pod, netns, admin, ready: false, exited: false, restarts: 0, bootstrapFile: file } as Running;
    launch(r);
    running.set(pod.uid, r);
    log(`${pod.namespace}/${pod.name}: Envoy started in ${netns} (${pod.ip}), ADS to istiod ${pod.revision}${relays.has(pod.revision) ? "" : " (no such istiod runs)"}`);
  };

  /** Runs the pod's Envoy in its namespace, as its container; an exit while the pod runs is logged with its cause. */
  const launch = (r: Running) => {
    const { pod } = r;
    const out = fs.openSync(path.join(dir, "logs", `envoy-${pod.namespace}-${pod.name}.log`), "a");
    const child = spawn("ip", ["netns", "exec", r.netns, envoyBin, ...envoyArgs(r.bootstrapFile, pod)], { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    r.process = child;
    r.exited = false;
    r.ready = false;
    r.reason = undefined;
    child.on("exit", (code, signal) => {
      r.exited = true;
      if (!stopping && r.drainUntil === undefined) {
        r.restartAt = Date.now() + restartDelaySeconds(r.restarts) * 1000;
        log(`${pod.namespace}/${pod.name}: Envoy exited (${signal ?? `exit ${code}`}) while its pod runs; started again in ${restartDelaySeconds(r.restarts)} s, as the kubelet restarts a container`);
      }
    });
  };

  const drain = (r: Running, why: string) => {
    r.drainUntil = Date.now() + r.pod.drainSeconds * 1000;
    log(`${r.pod.namespace}/${r.pod.name}: ${why}; draining for ${r.pod.drainSeconds} s`);
    // What Istio's agent does on SIGTERM: drain the listeners gracefully, keep serving, exit after the drain duration.
    void adminRequest(r.admin, "POST", "/drain_listeners?graceful");
  };

  /** Stops a pod's Envoy (SIGTERM, SIGKILL after 2 s) and removes its namespace once nothing runs in it. */
  const retire = async (uid: string, r: Running) => {
    running.delete(uid);
    stopEnvoy(r);
    for (let waited = 0; !r.exited && waited < 2000; waited += 50) await sleep(50);
    if (!r.exited) r.process.kill("SIGKILL");
    for (let waited = 0; !r.exited && waited < 2000; waited += 50) await sleep(50);
    try {
      ip(["netns", "del", r.netns]);
    } catch { /* gone */ }
  };

  let lastEndpoints = "";
  while (!stopping && fs.existsSync(stateFile(dir))) {
    let pods: KubeObject[];
    try {
      pods = await api.list("/api/v1/pods");
    } catch {
      await sleep(POLL_MS); // the API server restarting (the outage scenarios)
      continue;
    }
    const live = new Map<string, KubeObject>();
    for (const p of pods) {
      const g = gatewayPod(p);
      if (!("skip" in g)) live.set(g.uid, p);
      if (!("skip" in g) && !g.terminating && !running.has(g.uid)) {
        try {
          await start(g);
        } catch (e) {
          log(`${g.namespace}/${g.name}: cannot start its Envoy: ${(e as Error).message.split("\n")[0]}`);
        }
      }
    }
    for (const [uid, r] of running) {
      const pod = live.get(uid);
      if (r.drainUntil === undefined && (!pod || pod.metadata.deletionTimestamp)) drain(r, pod ? "terminating" : "deleted");
      if (r.drainUntil !== undefined) {
        if (Date.now() >= r.drainUntil) void retire(uid, r);
        continue;
      }
      if (r.exited) {
        r.ready = false;
        if (r.restartAt !== undefined && Date.now() >= r.restartAt) {
          r.restarts += 1;
          r.restartAt = undefined;
          launch(r);
          log(`${r.pod.namespace}/${r.pod.name}: Envoy started again (restart ${r.restarts})`);
        }
      } else if (!r.ready) {
        const answer = await adminRequest(r.admin, "GET", `/stats?filter=${encodeURIComponent(READINESS_STATS_FILTER)}`);
        const verdict = answer?.status === 200 ? readinessVerdict(parseStats(answer.body)) : { ready: false, reason: "Envoy's admin does not answer" };
        r.ready = verdict.ready;
        if (verdict.reason && verdict.reason !== r.reason) log(`${r.pod.namespace}/${r.pod.name}: not ready: ${verdict.reason}`);
        r.reason = verdict.reason;
      }
      if (pod && podReady(pod) !== r.ready) {
        await api.request("PATCH", `/api/v1/namespaces/${r.pod.namespace}/pods/${r.pod.name}/status`, readinessPatch(pod, r.ready, new Date()),
          "application/strategic-merge-patch+json").then(() => log(`${r.pod.namespace}/${r.pod.name}: ${r.ready ? "Ready (Istio's readiness checks pass)" : "not Ready"}`))
          .catch((e) => log(`${r.pod.namespace}/${r.pod.name}: readiness not written: ${(e as Error).message.split("\n")[0]}`));
      }
    }
    try {
      const [services, slices] = await Promise.all([api.list("/api/v1/services"), api.list("/apis/discovery.k8s.io/v1/endpointslices")]);
      const text = JSON.stringify(endpointTable(services, slices, pods));
      if (text !== lastEndpoints) {
        fs.writeFileSync(path.join(work, "endpoints.json.tmp"), text);
        fs.renameSync(path.join(work, "endpoints.json.tmp"), path.join(work, "endpoints.json"));
        lastEndpoints = text;
      }
    } catch { /* next round */ }
    await sleep(POLL_MS);
  }
  await shutdown();
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`envoy-harness: ${(e as Error).stack ?? e}\n`);
    try {
      removeNamespaces(netNames(process.argv[2]).prefix);
    } catch { /* nothing made */ }
    process.exit(1);
  });
}
