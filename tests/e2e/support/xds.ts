/**
 * What istiod generates for the gateway pods, asked of istiod itself: the toolchain's `xds-probe` (a Go ADS client,
 * tools/cluster/go/istio/xds-probe) connects to the plaintext xDS port of the istiod that injected a pod, as that
 * pod (`router~<podIP>~<pod>.<ns>~<ns>.svc.cluster.local`, its labels in the metadata), and prints the listeners,
 * routes and clusters istiod sends it. The checks read the cluster (Gateways, Services, pods) and istiod's answer,
 * never the program's render.
 */
import { execFile } from "child_process";
import * as http from "http";
import * as path from "path";
import { selects } from "../../../components/core";
import { IstiodInstance } from "../../../tools/cluster/istiod";
import { KubeApi, KubeObject, podServes, sleep } from "../../../tools/cluster/kube-api";
import { expectedInjector, RevisionRoutes } from "./injection";
import { podsPath } from "./watch";

export interface XdsChain { name?: string; serverNames?: string[]; transportProtocol?: string; filters: string[]; route?: string; cluster?: string }
export interface XdsListener { name: string; address: string; port: number; filterChains: XdsChain[] }
export interface XdsRoute { name: string; virtualHosts: Array<{ name: string; domains: string[]; routes: number }> }
export interface XdsReport { node: string; listeners: XdsListener[]; routes: XdsRoute[]; clusters: string[]; answered: string[] }

/** The identity a probe takes: a real pod's, or one made up to stand for a pod no Gateway selects. */
export interface ProxyIdentity { name: string; namespace: string; ip: string; labels: Record<string, string> }

export function identityOf(pod: KubeObject): ProxyIdentity {
  return {
    name: pod.metadata.name, namespace: pod.metadata.namespace as string,
    ip: (pod.status as { podIP?: string } | undefined)?.podIP ?? "", labels: pod.metadata.labels ?? {},
  };
}

/** Asks one istiod for the config of one proxy. */
export function probe(bin: string, istiod: IstiodInstance, who: ProxyIdentity): Promise<XdsReport> {
  const args = ["-addr", `127.0.0.1:${istiod.ports.grpc}`, "-ip", who.ip, "-pod", who.name, "-namespace", who.namespace,
    "-labels", JSON.stringify(who.labels), "-timeout", "15s"];
  return new Promise((resolve, reject) => {
    execFile(path.join(bin, "xds-probe"), args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`xds-probe as ${who.namespace}/${who.name} (istiod ${istiod.revision}): ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout) as XdsReport);
    });
  });
}

interface Server { port: { number: number; name: string; protocol: string }; hosts: string[] }

export interface XdsCheck {
  /** Pods probed, each as itself. */
  pods: number;
  /** Listener ports per Istio Gateway (namespace/name), as seen on its pods. */
  listeners: Record<string, number[]>;
  /** What istiod's own counters say: rejected configs and conflicts, summed over every istiod. */
  rejected: number;
  conflicts: number;
  problems: string[];
}

/** A gateway of the stack under test: where its pods run and the labels its Service selects them by. */
export interface GatewayPods { name: string; namespace: string; selector: Record<string, string> }

/**
 * Every Ready pod of the stack's gateways gets listeners from the istiod of its revision, and every Istio Gateway
 * selecting it has each server as a listener on it: on the targetPort of the Service port of that number, or on
 * the number itself when it is a targetPort of a Service selecting the pod; a pod gets no listener that no Gateway asked for (where no Gateway API Gateway adds its own); a proxy
 * that no Gateway selects gets none at all; istiod counts no rejected or conflicting config. Retried for
 * `withinMs`: istiod debounces a change before it pushes it.
 */
export async function checkXds(api: KubeApi, bin: string, istiods: Record<string, IstiodInstance>, routes: RevisionRoutes,
  gateways: GatewayPods[], withinMs = 20000): Promise<XdsCheck> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const check = await checkOnce(api, bin, istiods, routes, gateways);
    if (check.problems.length === 0 || Date.now() > deadline) return check;
    await sleep(1000);
  }
}

async function checkOnce(api: KubeApi, bin: string, istiods: Record<string, IstiodInstance>, routes: RevisionRoutes,
  stackGateways: GatewayPods[]): Promise<XdsCheck> {
  const problems: string[] = [];
  const gateways = await api.list("/apis/networking.istio.io/v1/gateways");
  const gatewayApi = (await api.list("/apis/gateway.networking.k8s.io/v1/gateways").catch(() => [])).length > 0;
  const listeners: Record<string, number[]> = {};
  let pods = 0;
  for (const gw of stackGateways) {
    const ns = gw.namespace;
    const services = await api.list(`/api/v1/namespaces/${ns}/services`);
    for (const pod of (await api.list(podsPath(ns, gw.selector))).filter(podServes)) {
      const labels = pod.metadata.labels ?? {};
      const where = `${ns}/${pod.metadata.name}`;
      const revision = expectedInjector(pod, routes);
      const istiod = revision === undefined ? undefined : istiods[revision];
      if (!istiod) {
        problems.push(`${where}: no istiod serves it`);
        continue;
      }
      pods++;
      const report = await probe(bin, istiod, identityOf(pod)).catch((e: Error) => e);
      if (report instanceof Error) {
        problems.push(report.message);
        continue;
      }
      const ports = new Set(report.listeners.map((l) => l.port));
      if (ports.size === 0) problems.push(`${where}: istiod ${istiod.revision} sent gateway ${gw.name}'s pod no listener at all (does a Gateway's selector name its pods?)`);
      const servicePorts = services.filter((s) => selects((s.spec?.selector ?? {}) as Record<string, string>, labels))
        .flatMap((s) => ((s.spec?.ports ?? []) as Array<{ port: number; targetPort?: number | string }>)
          .map((p) => ({ port: p.port, target: typeof p.targetPort === "number" ? p.targetPort : p.port })));
      const targetPorts = new Set(servicePorts.map((p) => p.target));
      // istiod reads a server's port as a Service port when a Service selecting the pod has it, and listens on that
      // port's targetPort (istioctl's profiles map 80 → 8080); otherwise the number itself must be a targetPort.
      const listenerPort = (n: number) => servicePorts.find((p) => p.port === n)?.target ?? n;
      const asked = new Set<number>();
      for (const g of gateways.filter((x) => selects((x.spec?.selector ?? {}) as Record<string, string>, labels))) {
        const key = `${g.metadata.namespace}/${g.metadata.name}`;
        const mine = new Set<number>();
        for (const s of (g.spec?.servers ?? []) as Server[]) {
          const port = listenerPort(s.port.number);
          asked.add(port);
          mine.add(port);
          if (!ports.has(port)) problems.push(`${where}: istiod ${istiod.revision} sent no listener on ${port} for Gateway ${key}'s server ${s.port.name} (port ${s.port.number}; listeners: ${[...ports].join(", ") || "none"})`);
          if (!targetPorts.has(port)) problems.push(`${where}: Gateway ${key}'s server port ${s.port.number} is neither a port nor a targetPort of a Service selecting the pod (${[...targetPorts].join(", ")})`);
        }
        listeners[key] = [...new Set([...(listeners[key] ?? []), ...[...ports].filter((p) => mine.has(p))])].sort((a, b) => a - b);
      }
      const extra = [...ports].filter((p) => !asked.has(p));
      if (extra.length > 0 && !gatewayApi) problems.push(`${where}: istiod ${istiod.revision} sent listeners no Gateway selecting the pod asked for: ${extra.join(", ")}`);
    }
  }
  // A proxy in each namespace that no Gateway selects: a Gateway's selector must keep its servers to its own pods.
  for (const ns of [...new Set(stackGateways.map((g) => g.namespace))]) {
    for (const istiod of Object.values(istiods)) {
      const stranger = { name: "not-a-gateway", namespace: ns, ip: "10.250.0.1", labels: { app: "not-a-gateway" } };
      const report = await probe(bin, istiod, stranger).catch((e: Error) => e);
      if (report instanceof Error) problems.push(report.message);
      else if (report.listeners.length > 0) problems.push(`${ns}: istiod ${istiod.revision} sent a proxy no Gateway selects listeners on ${report.listeners.map((l) => l.port).join(", ")}`);
    }
  }
  const counters = await Promise.all(Object.values(istiods).map((i) => metrics(i)));
  const rejected = counters.reduce((n, c) => n + sum(c, /^pilot_total_rejected_configs\b/), 0);
  const conflicts = counters.reduce((n, c) => n + sum(c, /^pilot_conflict_/), 0);
  if (rejected > 0) problems.push(`istiod rejected ${rejected} configs (pilot_total_rejected_configs)`);
  if (conflicts > 0) problems.push(`istiod counted ${conflicts} conflicts (pilot_conflict_*)`);
  return { pods, listeners, rejected, conflicts, problems };
}

/** istiod's own Prometheus counters, from its monitoring port. */
export function metrics(istiod: IstiodInstance): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(`http://127.0.0.1:${istiod.ports.monitoring}/metrics`, { timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => { body += c; });
      res.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

/** The sum of every sample of the series whose line matches `name`. */
export function sum(text: string, name: RegExp): number {
  return text.split("\n").filter((l) => name.test(l)).reduce((n, l) => n + Number(l.trim().split(/\s+/).pop()), 0);
}
