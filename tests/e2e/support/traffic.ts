/**
 * Requests through real Envoys (issue 34): a cluster started with an Envoy behind every gateway pod
 * (tools/cluster/envoy-harness.ts), a VirtualService that sends the gateway's requests to the echo backend, and the
 * load generator (tools/cluster/load.ts) running through a whole scenario. Each step is judged by the requests sent
 * while it ran and in a steady window after it: none may fail, and each revision's share of the answers must be its
 * planned share within the binomial bound for the count.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ClusterState, LoadRun, startLoad } from "../../../tools/cluster/control-plane";
import { ECHO_HOST, ECHO_PORT } from "../../../tools/cluster/envoy";
import { KubeApi, KubeApiError, sleep } from "../../../tools/cluster/kube-api";
import { LoadOptions, LoadRecord, readRecords, shareTolerance, summarize, TrafficSummary } from "../../../tools/cluster/load";
import { ClusterChoices, LiveStack, useStack } from "./cluster";
import { recordTraffic } from "./steps";

/** A VirtualService in `namespace` that binds `gateway` (`<ns>/<name>`) and sends every request to the echo backend. */
export async function routeToEcho(api: KubeApi, namespace: string, gateway: string): Promise<void> {
  if (!(await api.find(`/api/v1/namespaces/${namespace}`))) await api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  const vs = {
    apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "echo", namespace },
    spec: { hosts: ["*"], gateways: [gateway], http: [{ route: [{ destination: { host: ECHO_HOST, port: { number: ECHO_PORT } } }] }] },
  };
  await api.create(`/apis/networking.istio.io/v1/namespaces/${namespace}/virtualservices`, vs)
    .catch((e) => { if (!(e instanceof KubeApiError && e.status === 409)) throw e; });
}

/** Load through a scenario: started once, judged step by step, stopped after. */
export class TrafficRun {
  private run: LoadRun | undefined;
  readonly records: string;

  /** `load`: the port, host and CA (HTTPS) of the requests; plain HTTP to port 80 by default. */
  constructor(readonly state: ClusterState, readonly service: string, readonly rps = 50, readonly load: Partial<LoadOptions> = {}) {
    this.records = path.join(state.dir, `traffic-${service.replace("/", "-")}-${Date.now()}.jsonl`);
  }

  /** Starts the generator and waits until the first request is answered by a gateway pod. */
  async start(): Promise<void> {
    this.run = startLoad(this.state, { ...this.load, service: this.service, rps: this.rps, seconds: 1800 }, this.records);
    this.run.done.catch(() => undefined);
    const deadline = Date.now() + 60000;
    for (;;) {
      const answered = this.all().filter((r) => r.status === 200);
      if (answered.length > 0) return;
      if (Date.now() > deadline) throw new Error(`no request to ${this.service} was answered 200 within 60 s: ${JSON.stringify(this.all().slice(-3))}`);
      await sleep(250);
    }
  }

  private seen: LoadRecord[] = [];
  private offset = 0;

  /** Every request recorded so far: only the lines appended since the last call are read and parsed. */
  all(): LoadRecord[] {
    if (!fs.existsSync(this.records)) return this.seen;
    const fd = fs.openSync(this.records, "r");
    try {
      const size = fs.fstatSync(fd).size;
      if (size > this.offset) {
        const chunk = Buffer.alloc(size - this.offset);
        fs.readSync(fd, chunk, 0, chunk.length, this.offset);
        const text = chunk.toString("utf8");
        const whole = text.lastIndexOf("\n") + 1; // a line still being written waits for the next call
        for (const line of text.slice(0, whole).split("\n")) if (line.trim()) this.seen.push(JSON.parse(line) as LoadRecord);
        this.offset += Buffer.byteLength(text.slice(0, whole));
      }
    } finally {
      fs.closeSync(fd);
    }
    return this.seen;
  }

  /** The records sent in [from, to), once every one of them is answered (the generator has sent past `to`). */
  async between(from: number, to: number): Promise<TrafficSummary> {
    // A request sent before `to` is recorded when its answer comes: wait until one sent after `to` plus the
    // generator's per-request timeout (5 s) is in, or that timeout has passed.
    const deadline = to + 6000;
    while (Date.now() < deadline && !this.all().some((r) => r.t >= to + 1000)) await sleep(200);
    return summarize(this.all(), from, to);
  }

  async stop(): Promise<void> {
    if (!this.run) return;
    this.run.stop();
    await this.run.done.catch(() => undefined);
  }
}

/**
 * A fresh cluster with an Envoy behind every gateway pod, the stack on it (`setup`: its first `pulumi up` and the
 * routes), then load on `service` from before the suite's first test to after its last.
 */
export function useTrafficStack(stackFile: string, setup: (live: LiveStack) => Promise<unknown>, service: string, choices: ClusterChoices = {},
  load: () => Partial<LoadOptions> = () => ({})): { live: () => LiveStack; traffic: () => TrafficRun } {
  const live = useStack(stackFile, setup, { ...choices, envoy: true });
  let run: TrafficRun | undefined;
  before(async function () {
    this.timeout(90 * 1000);
    run = new TrafficRun(live().state, service, 50, load());
    await run.start();
  });
  after(async () => run?.stop());
  return {
    live,
    traffic: () => {
      if (!run) throw new Error("the load is not running (its before hook failed)");
      return run;
    },
  };
}

/** A short run of requests (at most `requests`, 20 a second), waited for: every record. */
export async function burst(state: ClusterState, options: LoadOptions & { requests: number }): Promise<LoadRecord[]> {
  const records = path.join(state.dir, `burst-${options.service.replace("/", "-")}-${Date.now()}.jsonl`);
  await startLoad(state, { rps: 20, seconds: Math.ceil(options.requests / 20) + 5, ...options }, records).done;
  return readRecords(records);
}

/** Percent, one decimal. */
function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10;
}

/**
 * A step under load: `action` (a rollout verb and its watched `pulumi up`) with the requests sent meanwhile judged
 * first — none may fail — then the steady window after it: `planned` pods per revision, and each revision's share of
 * the window's answers within four binomial standard deviations of its share of the pods. A failure in `action`
 * itself (the floor, the preview) is reported after the requests.
 */
export async function stepUnderLoad(traffic: TrafficRun, scenario: string, step: string, planned: Record<string, number>,
  action: () => Promise<unknown>, windowMs = 4000): Promise<void> {
  const from = Date.now();
  let actionError: unknown;
  await action().catch((e) => { actionError = e; });
  const settled = Date.now();
  await sleep(windowMs);
  const during = await traffic.between(from, settled + windowMs);
  const window = summarize(traffic.all(), settled, settled + windowMs);
  const pods = Object.values(planned).reduce((a, b) => a + b, 0);
  const answered = window.sent - window.failed;
  const split = Object.fromEntries(Object.keys({ ...planned, ...window.byRevision }).map((r) => [r, percent(window.byRevision[r] ?? 0, answered)]));
  const plannedShare = Object.fromEntries(Object.entries(planned).map(([r, n]) => [r, percent(n, pods)]));
  recordTraffic({ scenario, step, sent: during.sent, failed: during.failed, split, planned: plannedShare, p99Ms: during.p99Ms });
  process.stdout.write(`      ${scenario} · ${step} · traffic: ${during.sent} requests, ${during.failed} failed, p99 ${during.p99Ms} ms; `
    + `answered by ${JSON.stringify(split)} % (planned ${JSON.stringify(plannedShare)} %)\n`);
  assert.strictEqual(during.failed, 0, `${scenario} · ${step}: ${during.failed} of ${during.sent} requests failed through the gateway:\n  ${during.examples.join("\n  ")}`);
  assert.ok(answered > 0, `${scenario} · ${step}: no request answered in the steady window`);
  for (const [revision, n] of Object.entries(planned)) {
    const expected = n / pods;
    const seen = (window.byRevision[revision] ?? 0) / answered;
    assert.ok(Math.abs(seen - expected) <= shareTolerance(expected, answered),
      `${scenario} · ${step}: revision ${revision} answered ${percent(window.byRevision[revision] ?? 0, answered)} % of ${answered} requests; its pods are ${percent(n, pods)} % of the gateway's`);
  }
  for (const revision of Object.keys(window.byRevision)) {
    assert.ok(revision in planned, `${scenario} · ${step}: pods of ${revision}, which the plan no longer runs, answered ${window.byRevision[revision]} requests`);
  }
  if (actionError) throw actionError;
}
