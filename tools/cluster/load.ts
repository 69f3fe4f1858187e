/**
 * A client that behaves like a Service: HTTP or HTTPS requests to a Service's ready endpoints, round-robin as kube-proxy
 * spreads connections, each on a new connection, from the hub namespace of the Envoy harness (envoy-harness.ts)
 * where the pods' addresses are routable. Every response is recorded: status, which pod and revision answered, the
 * address the backend saw the request come from (the gateway pod's own, when it went through that pod's Envoy) and
 * the latency. Bounded in requests and time.
 *
 * Run as `ip netns exec <hub> node … load.ts <endpoints.json> <options JSON> <records.jsonl>` by `npm run cluster --
 * load` and the traffic e2e suite; the pure half (the choice of endpoint, the failure rule, the summaries) is tested
 * offline.
 */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import * as tls from "tls";
import { UserError } from "../engine/errors";
import { EndpointTable, routableEndpoints, ServiceEndpoint } from "./envoy";

export interface LoadOptions {
  /** `<namespace>/<service>` */
  service: string;
  /** The Service port. @default 80 */
  port?: number;
  /** Requests per second. @default 20 */
  rps?: number;
  /** Stop after this many seconds. @default 60 */
  seconds?: number;
  /** Stop after this many requests. @default rps × seconds */
  requests?: number;
  /** Host header (a Gateway server's hosts decide which routes match). @default "echo.local" */
  host?: string;
  /** @default "/" */
  path?: string;
  /** A file whose existence stops the run early (the e2e suites stop it between scenarios). */
  stopFile?: string;
  /** Milliseconds a request may take before it counts as failed. @default 5000 */
  timeoutMs?: number;
  /**
   * HTTPS, as a browser reaches a TLS server: SNI and the certificate checked for `host`, against this CA (a PEM
   * file). @default plain HTTP
   */
  ca?: string;
}

/** A whole positive number from a flag, or the usage problem. */
function count(flags: Record<string, string | undefined>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`cluster: --${name} is ${JSON.stringify(v)}; give a number above 0`);
  return n;
}

/** `load`: the options from the flags, or the one-line problem. */
export function loadOptions(flags: Record<string, string | undefined>): LoadOptions {
  const service = flags.service;
  if (!service || !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(service)) throw new UserError(`cluster: load needs --service <namespace>/<name>${service ? `, not ${JSON.stringify(service)}` : ""}; e.g. --service istio-ingress/istio-ingressgateway`);
  const ca = flags.ca === undefined ? undefined : path.resolve(flags.ca);
  if (ca !== undefined && !fs.existsSync(ca)) throw new UserError(`cluster: --ca ${flags.ca}: no such file; give the PEM file of the CA that signed the gateway's certificate`);
  return { service, port: count(flags, "port") ?? (ca ? 443 : 80), rps: count(flags, "rps") ?? 20, seconds: count(flags, "seconds") ?? 10, requests: count(flags, "requests"),
    host: flags.host ?? "echo.local", path: flags.path ?? "/", ...(ca && { ca }) };
}

/** One request, as recorded. */
export interface LoadRecord {
  /** When it was sent, ms since the epoch. */
  t: number;
  ms: number;
  ip?: string;
  pod?: string;
  revision?: string;
  status?: number;
  /** The address the backend saw the request come from. */
  via?: string;
  /** Over HTTPS: the SHA-256 fingerprint of the certificate the gateway presented. */
  cert?: string;
  error?: string;
}

/**
 * A request failed when it got no answer, an answer other than 200, or an answer from another path than the pod it
 * was sent to (the backend saw another address: not through that pod's Envoy).
 */
export function requestFailed(r: LoadRecord): boolean {
  return r.error !== undefined || r.status !== 200 || (r.ip !== undefined && r.via !== undefined && r.via !== r.ip);
}

/** The endpoint for the n-th request: round-robin over what kube-proxy would send new connections to. */
export function pickEndpoint(table: EndpointTable, service: string, n: number): ServiceEndpoint | undefined {
  const routable = routableEndpoints(table[service] ?? []);
  return routable.length === 0 ? undefined : routable[n % routable.length];
}

export interface TrafficSummary {
  sent: number;
  failed: number;
  /** Requests answered, by the revision of the pod they were sent to. */
  byRevision: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** Up to 5 failures, for the message. */
  examples: string[];
}

/** Nearest-rank percentile of the values (0 for none). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The records sent in [from, to): counts, the split by revision, latency percentiles, a few failures. */
export function summarize(records: LoadRecord[], from = -Infinity, to = Infinity): TrafficSummary {
  const inside = records.filter((r) => r.t >= from && r.t < to);
  const failures = inside.filter(requestFailed);
  const byRevision: Record<string, number> = {};
  for (const r of inside) if (!requestFailed(r)) byRevision[r.revision ?? "?"] = (byRevision[r.revision ?? "?"] ?? 0) + 1;
  const ms = inside.filter((r) => !requestFailed(r)).map((r) => r.ms);
  return {
    sent: inside.length, failed: failures.length, byRevision, p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99),
    examples: failures.slice(0, 5).map((r) => `${new Date(r.t).toISOString()} ${r.pod ?? r.ip ?? "no endpoint"}: ${r.error ?? `status ${r.status}${r.via && r.via !== r.ip ? `, came through ${r.via}` : ""}`}`),
  };
}

/**
 * How far a revision's share of `n` requests may stray from `expected` (0..1) by chance: four standard deviations of
 * the binomial proportion (a false alarm about once in 16,000 checks), and never less than one request's worth.
 */
export function shareTolerance(expected: number, n: number): number {
  if (n === 0) return 1;
  return Math.max(4 * Math.sqrt((expected * (1 - expected)) / n), 1 / n);
}

export function readRecords(file: string): LoadRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as LoadRecord);
}

type SendOptions = Required<Pick<LoadOptions, "port" | "host" | "path" | "timeoutMs">> & { ca?: Buffer };

function send(endpoint: ServiceEndpoint, opts: SendOptions): Promise<LoadRecord> {
  const t = Date.now();
  const base = { t, ip: endpoint.ip, pod: endpoint.pod, revision: endpoint.revision };
  const target = endpoint.ports[String(opts.port)];
  if (target === undefined) return Promise.resolve({ ...base, ms: 0, error: `the Service has no port ${opts.port} on this endpoint` });
  return new Promise((resolve) => {
    let done = false;
    const end = (r: Omit<LoadRecord, "t" | "ms">) => {
      if (done) return;
      done = true;
      resolve({ ...r, t, ms: Date.now() - t });
    };
    // A new connection per request (agent: false), as kube-proxy balances connections, not requests. Over HTTPS the
    // server name goes in SNI (the gateway picks its server, and so its certificate, by it) and the certificate must
    // name the host and chain to the CA given, as a browser requires.
    const request = { host: endpoint.ip, port: target, path: opts.path, method: "GET", agent: false, headers: { host: opts.host } };
    const onResponse = (res: http.IncomingMessage) => {
      const cert = opts.ca ? (res.socket as tls.TLSSocket).getPeerCertificate().fingerprint256 : undefined;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        let via: string | undefined;
        try { via = (JSON.parse(body) as { remote?: string }).remote; } catch { /* not the echo backend's answer */ }
        end({ ...base, status: res.statusCode, via, ...(cert && { cert }) });
      });
      res.on("error", (e) => end({ ...base, status: res.statusCode, error: e.message }));
    };
    const req = opts.ca ? https.request({ ...request, servername: opts.host, ca: opts.ca }, onResponse) : http.request(request, onResponse);
    req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`no answer in ${opts.timeoutMs} ms`)));
    req.on("error", (e) => end({ ...base, error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end();
  });
}

async function main(): Promise<void> {
  const [endpointsFile, optionsJson, out] = process.argv.slice(2);
  const o = JSON.parse(optionsJson) as LoadOptions;
  const rps = o.rps ?? 20;
  const seconds = o.seconds ?? 60;
  const total = o.requests ?? Math.round(rps * seconds);
  const opts = { port: o.port ?? 80, host: o.host ?? "echo.local", path: o.path ?? "/", timeoutMs: o.timeoutMs ?? 5000, ...(o.ca && { ca: fs.readFileSync(o.ca) }) };
  let table: EndpointTable = {};
  let stamp = 0;
  const refresh = () => {
    try {
      const m = fs.statSync(endpointsFile).mtimeMs;
      if (m !== stamp) {
        table = JSON.parse(fs.readFileSync(endpointsFile, "utf8")) as EndpointTable;
        stamp = m;
      }
    } catch { /* being replaced: the old table stands */ }
  };
  const sink = fs.openSync(out, "a");
  let stop = false;
  process.on("SIGTERM", () => (stop = true));
  const started = Date.now();
  const pending: Array<Promise<void>> = [];
  for (let n = 0; n < total && !stop; n++) {
    const due = started + (n * 1000) / rps;
    while (Date.now() < due && !stop) await new Promise((r) => setTimeout(r, Math.min(20, due - Date.now())));
    if (Date.now() - started > seconds * 1000 || (o.stopFile && fs.existsSync(o.stopFile))) break;
    refresh();
    const endpoint = pickEndpoint(table, o.service, n);
    const p = endpoint ? send(endpoint, opts) : Promise.resolve<LoadRecord>({ t: Date.now(), ms: 0, error: `no ready endpoint for ${o.service}` });
    pending.push(p.then((r) => { fs.writeSync(sink, `${JSON.stringify(r)}\n`); }));
  }
  await Promise.all(pending);
  fs.closeSync(sink);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`load: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
