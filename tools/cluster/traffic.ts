/**
 * Traffic, played: the request metrics an Istio gateway's Envoy would report, for every gateway pod the API server
 * lists, so that a real Prometheus scrapes them and the canary analysis (tools/analysis/) queries them. kwok's pods
 * run no Envoy, so these series are synthesized; everything downstream of them (Prometheus, the queries, the
 * verdicts, the engine, the cluster) is real. docs/analysis.md says which is which.
 *
 * What it serves at `/metrics`, in Prometheus's text format, per pod that is Ready and not terminating:
 * `istio_requests_total` and `istio_request_duration_milliseconds` (a histogram with Istio's default buckets),
 * with the labels Istio's telemetry gives a gateway's outbound requests: `reporter="source"`, `source_workload`
 * (the pod's Deployment), `source_workload_namespace`, `source_canonical_service` and `source_canonical_revision`
 * (from the pod's `service.istio.io/canonical-*` labels, or Istio's fallbacks), `response_code`, and `pod`.
 *
 * The traffic a test (or a person) sets, in `traffic.json` in the cluster's folder, read again whenever it changes:
 * a request rate per gateway, divided evenly among its Ready pods as the Service's endpoints would divide it, and
 * per revision an error share and a p99 latency. Counts grow with time as Envoy's counters do, and a pod's series
 * start at zero when it appears and vanish with it.
 *
 * Run by the cluster (control-plane.ts) as `node … traffic.ts <cluster dir> <port>`; it exits when the cluster's
 * state file goes away.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { KubeApi, KubeObject, podReady, sleep } from "./kube-api";
import { stateFile } from "./control-plane";

/** Istio's default buckets for istio_request_duration_milliseconds (its stats filter's histogram). */
export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

export interface RevisionTraffic {
  /** Percent of requests answered 503. @default 0 */
  errorPercent?: number;
  /** The 99th percentile of request durations, milliseconds. @default 25 */
  p99Ms?: number;
}

export interface GatewayTraffic {
  /** Requests per second through the gateway, all its Ready pods together. @default 20 */
  rps?: number;
  /** By canonical revision. */
  revisions?: Record<string, RevisionTraffic>;
}

/** traffic.json: by `<namespace>/<gateway>`. */
export interface TrafficSettings {
  gateways?: Record<string, GatewayTraffic>;
}

export const TRAFFIC_FILE = "traffic.json";
const DEFAULT_RPS = 20;
const DEFAULT_P99_MS = 25;

/** A gateway pod as the metrics name it. */
export interface ServingPod {
  pod: string;
  namespace: string;
  gateway: string;
  revision: string;
  workload: string;
}

/**
 * The gateway pods that take traffic: Ready, not terminating, with the canonical name Istio would report. Istio
 * falls back from `service.istio.io/canonical-name` to `app.kubernetes.io/name` and `app`, and from
 * `service.istio.io/canonical-revision` to `app.kubernetes.io/version`, `version`, then `latest` (its
 * "Canonical service" labels); the workload is the Deployment, the pod's ReplicaSet's name without its hash.
 */
export function servingPods(pods: readonly KubeObject[]): ServingPod[] {
  return pods.flatMap((p) => {
    const labels = (p.metadata.labels ?? {}) as Record<string, string>;
    const gateway = labels["service.istio.io/canonical-name"] ?? labels["app.kubernetes.io/name"] ?? labels.app;
    const ready = podReady(p);
    // Every gateway's pods carry the `istio` selector label (this component's, the istio/gateway chart's, istioctl's).
    if (labels.istio === undefined || !gateway || !ready || p.metadata.deletionTimestamp) return [];
    const owner = ((p.metadata.ownerReferences ?? []) as Array<{ kind: string; name: string }>).find((o) => o.kind === "ReplicaSet");
    const workload = owner ? owner.name.replace(/-[a-z0-9]+$/, "") : p.metadata.name;
    const revision = labels["service.istio.io/canonical-revision"] ?? labels["app.kubernetes.io/version"] ?? labels.version ?? "latest";
    return [{ pod: p.metadata.name, namespace: p.metadata.namespace ?? "default", gateway, revision, workload }];
  }).sort((a, b) => `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`));
}

/** One pod's running totals: requests (fractional, shown rounded down) and the share that failed. */
interface Totals {
  requests: number;
  errors: number;
  buckets: number[];
  sumMs: number;
}

/**
 * Latencies as an exponential distribution with the given p99 (CDF 1 − e^(−λx), λ = ln 100 / p99), so that
 * Prometheus's histogram_quantile over the buckets gives back about the p99 set.
 */
export function bucketShares(p99Ms: number): number[] {
  const lambda = Math.log(100) / p99Ms;
  return DURATION_BUCKETS_MS.map((le) => 1 - Math.exp(-lambda * le));
}

export class Traffic {
  private totals = new Map<string, Totals>();

  /** Adds `seconds` of traffic to every serving pod, at the settings' rates. */
  advance(pods: readonly ServingPod[], settings: TrafficSettings, seconds: number): void {
    const live = new Set(pods.map((p) => `${p.namespace}/${p.pod}`));
    for (const key of [...this.totals.keys()]) if (!live.has(key)) this.totals.delete(key);
    const perGateway = new Map<string, number>();
    for (const p of pods) perGateway.set(`${p.namespace}/${p.gateway}`, (perGateway.get(`${p.namespace}/${p.gateway}`) ?? 0) + 1);
    for (const p of pods) {
      const g = settings.gateways?.[`${p.namespace}/${p.gateway}`] ?? {};
      const r = g.revisions?.[p.revision] ?? {};
      const n = ((g.rps ?? DEFAULT_RPS) / (perGateway.get(`${p.namespace}/${p.gateway}`) as number)) * seconds;
      const key = `${p.namespace}/${p.pod}`;
      const t = this.totals.get(key) ?? { requests: 0, errors: 0, buckets: DURATION_BUCKETS_MS.map(() => 0), sumMs: 0 };
      const p99 = r.p99Ms ?? DEFAULT_P99_MS;
      t.requests += n;
      t.errors += (n * (r.errorPercent ?? 0)) / 100;
      bucketShares(p99).forEach((share, i) => { t.buckets[i] += n * share; });
      t.sumMs += (n * p99) / Math.log(100); // the mean of the exponential: 1/λ
      this.totals.set(key, t);
    }
  }

  /** The exposition text, series sorted, counts rounded down (so each only ever grows). */
  exposition(pods: readonly ServingPod[]): string {
    const lines = [
      "# TYPE istio_requests_total counter",
    ];
    const labelsOf = (p: ServingPod) => `reporter="source",source_workload="${p.workload}",source_workload_namespace="${p.namespace}",`
      + `source_canonical_service="${p.gateway}",source_canonical_revision="${p.revision}",source_app="${p.gateway}",pod="${p.pod}",namespace="${p.namespace}"`;
    const shown = pods.filter((p) => this.totals.has(`${p.namespace}/${p.pod}`));
    for (const p of shown) {
      const t = this.totals.get(`${p.namespace}/${p.pod}`) as Totals;
      const errors = Math.floor(t.errors);
      lines.push(`istio_requests_total{${labelsOf(p)},response_code="200"} ${Math.floor(t.requests) - errors}`);
      lines.push(`istio_requests_total{${labelsOf(p)},response_code="503"} ${errors}`);
    }
    lines.push("# TYPE istio_request_duration_milliseconds histogram");
    for (const p of shown) {
      const t = this.totals.get(`${p.namespace}/${p.pod}`) as Totals;
      const total = Math.floor(t.requests);
      DURATION_BUCKETS_MS.forEach((le, i) => lines.push(`istio_request_duration_milliseconds_bucket{${labelsOf(p)},le="${le}"} ${Math.min(total, Math.floor(t.buckets[i]))}`));
      lines.push(`istio_request_duration_milliseconds_bucket{${labelsOf(p)},le="+Inf"} ${total}`);
      lines.push(`istio_request_duration_milliseconds_sum{${labelsOf(p)}} ${t.sumMs.toFixed(3)}`);
      lines.push(`istio_request_duration_milliseconds_count{${labelsOf(p)}} ${total}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function readSettings(file: string): TrafficSettings {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as TrafficSettings;
  } catch {
    return {};
  }
}

async function main(dir: string, port: number): Promise<void> {
  const file = stateFile(dir);
  const { server, token } = JSON.parse(fs.readFileSync(file, "utf8")) as { server: string; token: string };
  const api = new KubeApi({ server, token });
  const traffic = new Traffic();
  const settingsFile = path.join(dir, TRAFFIC_FILE);
  let pods: ServingPod[] = [];
  let last = Date.now();
  const tick = () => {
    const now = Date.now();
    traffic.advance(pods, readSettings(settingsFile), (now - last) / 1000);
    last = now;
  };
  const http_ = http.createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.statusCode = 404;
      res.end();
      return;
    }
    tick();
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(traffic.exposition(pods));
  });
  await new Promise<void>((resolve) => http_.listen(port, "127.0.0.1", resolve));
  while (fs.existsSync(file)) {
    const listed = await api.list("/api/v1/pods").catch(() => undefined); // the API server may be restarting
    tick();
    if (listed) pods = servingPods(listed);
    await sleep(250);
  }
  http_.close();
}

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3])).then(() => process.exit(0), (e) => {
    process.stderr.write(`traffic: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
