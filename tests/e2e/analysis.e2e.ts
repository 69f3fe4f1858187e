/**
 * Canary analysis against a real Prometheus (docs/analysis.md): the toolchain's build of
 * github.com/prometheus/prometheus scrapes the traffic stand-in (tools/cluster/traffic.ts), which plays each
 * gateway pod's Envoy metrics at the request rate, error share and latency a test sets. Real: Prometheus, its
 * storage and PromQL, the queries, the verdicts, `rollout analyze` and `rollout run` through the Automation API,
 * the engine and the cluster. Synthesized: the series, in place of Envoy's.
 *
 * Every `rollout run` is watched for the ready-pod floor (steps.ts), as every `pulumi up` of the runbooks is.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { podServes } from "../../tools/cluster/kube-api";
import { startPrometheus, stopPrometheus } from "../../tools/cluster/control-plane";
import { TrafficSettings } from "../../tools/cluster/traffic";
import { ROOT } from "../support/run";
import { LiveStack, useStack } from "./support/cluster";
import { readyByDeployment } from "./support/live";
import { watchedCommand, watchedUp } from "./support/steps";
import { CommandResult } from "./support/workspace";

const GATEWAY = "istio-ingressgateway";
const NAMESPACE = "istio-ingress";
const DEV = path.join(ROOT, "Pulumi.dev.yaml");
const KEY = `${NAMESPACE}/${GATEWAY}`;

/** Flagger's checks at test speed: a measurement 4 s after each step, over 10 s of 1-s scrapes. */
const ANALYSIS = { interval: "4s", window: "10s", minRequests: 20, failureLimit: 2, inconclusiveLimit: 2, successRate: { min: 99 }, latency: { p99Max: 500 } };

function setTraffic(live: LiveStack, settings: TrafficSettings): void {
  const file = live.ws.cluster.prometheus?.trafficFile;
  assert.ok(file, "the cluster runs no traffic stand-in");
  fs.writeFileSync(file, JSON.stringify(settings));
}

const healthy = (rps = 50): TrafficSettings => ({ gateways: { [KEY]: { rps, revisions: { "1-25-1": { p99Ms: 40 }, "1-26-0": { p99Ms: 40 } } } } });

/** `npm run rollout -- run` on the stack file, as a user runs it, watched for the floor; its transcript printed. */
async function rolloutRun(live: LiveStack, step: string, during?: () => Promise<void>): Promise<CommandResult> {
  const { ws, api } = live;
  let done = false;
  const side = during ? (async () => { while (!done) { await during(); await new Promise((r) => setTimeout(r, 200)); } })() : Promise.resolve();
  try {
    const { result } = await watchedCommand(ws, api, "analysis", step,
      () => ws.run(process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "rollout", "--stack-file", ws.stackFile, "run"]), { settle: true });
    process.stdout.write(`      rollout run (${step}) exited ${result.code} after ${result.seconds.toFixed(1)} s:\n${`${result.stdout}${result.stderr}`.split("\n").map((l) => `        | ${l}`).join("\n")}\n`);
    return result;
  } finally {
    done = true;
    await side;
  }
}

async function analyze(live: LiveStack): Promise<CommandResult> {
  return live.ws.run(process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "rollout", "--stack-file", live.ws.stackFile, "analyze"]);
}

const weight = (live: LiveStack) => live.ws.gateways()[GATEWAY].canary?.weight;
const readyDeployments = async (live: LiveStack) => readyByDeployment(await live.api.list(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`));
/** The stable's serving pods: their UIDs, and the pod-template hashes (one, unless its template changed). */
const stablePods = async (live: LiveStack) => {
  const pods = (await live.api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter(podServes).filter((p) => p.metadata.labels?.["istio.io/rev"] === "1-25-1");
  return { uids: pods.map((p) => p.metadata.uid as string), hashes: [...new Set(pods.map((p) => p.metadata.labels?.["pod-template-hash"]))] };
};

describe("canary analysis against a real Prometheus: rollout analyze and rollout run", function () {
  const live = useStack(DEV, async (l) => {
    l.ws.setGateway(GATEWAY, (gw) => { (gw.canary as Record<string, unknown>).analysis = { prometheus: l.ws.cluster.prometheus?.url, ...ANALYSIS }; });
    setTraffic(l, healthy());
    await watchedUp(l.ws, l.api, "analysis", "up from empty (25%)");
  }, { prometheus: true });

  it("a relative check passes a canary as bad as its baseline (both at 3 % errors) and fails a regression (8 %)", async () => {
    const l = live();
    const absolute = l.ws.gateways()[GATEWAY].canary as unknown as { analysis: Record<string, unknown> };
    l.ws.setGateway(GATEWAY, (gw) => { (gw.canary as { analysis: Record<string, unknown> }).analysis = { ...absolute.analysis, successRate: { maxDrop: 1 }, latency: undefined }; });
    const at = (errorPercent: number): TrafficSettings => ({ gateways: { [KEY]: { rps: 50, revisions: { "1-25-1": { errorPercent: 3 }, "1-26-0": { errorPercent } } } } });
    try {
      setTraffic(l, at(3));
      await new Promise((r) => setTimeout(r, 11_000)); // a whole window at the new rates
      const equal = await analyze(l);
      process.stdout.write(equal.stdout.split("\n").map((x) => `        | ${x}`).join("\n"));
      assert.strictEqual(equal.code, 0, equal.stdout + equal.stderr);
      assert.match(equal.stdout, /success-rate-drop\s+1-26-0 \(canary\)\s+9[67](\.\d+)? %\s+≥ 9[56](\.\d+)? % \(stable 9[67](\.\d+)? % − 1\)\s+pass/);
      setTraffic(l, at(8));
      await new Promise((r) => setTimeout(r, 11_000));
      const worse = await analyze(l);
      assert.strictEqual(worse.code, 2, worse.stdout + worse.stderr);
      assert.match(worse.stdout, /success-rate-drop\s+1-26-0 \(canary\)\s+9[123](\.\d+)? %.*fail/);
    } finally {
      // The later scenarios run on the absolute checks and healthy traffic, whatever this one found.
      l.ws.setGateway(GATEWAY, (gw) => { (gw.canary as { analysis: Record<string, unknown> }).analysis = absolute.analysis; });
      setTraffic(l, healthy());
    }
  });

  it("Prometheus stopped: the analysis is an error, rollout run exits 4 and takes no step", async () => {
    const l = live();
    await stopPrometheus(l.ws.cluster);
    try {
      const before = fs.readFileSync(l.ws.stackFile, "utf8");
      const r = await rolloutRun(l, "run with Prometheus stopped");
      assert.strictEqual(r.code, 4, r.stdout + r.stderr);
      assert.match(r.stdout, /cannot be reached \(ECONNREFUSED\)/);
      assert.match(r.stderr, /stopped at 25%: the analysis could not be made .*no step taken/);
      assert.strictEqual(fs.readFileSync(l.ws.stackFile, "utf8"), before);
    } finally {
      await startPrometheus(l.ws.cluster);
    }
  });

  it("errors raised at the second step: rollout run holds, then aborts by itself; the stable's pods untouched, exit 2", async () => {
    const l = live();
    await new Promise((r) => setTimeout(r, 11_000)); // a whole window of data since Prometheus came back
    const stableBefore = await stablePods(l);
    let raised = false;
    const r = await rolloutRun(l, "run, errors at 50%", async () => {
      if (!raised && weight(l) === 50) {
        setTraffic(l, { gateways: { [KEY]: { rps: 50, revisions: { "1-26-0": { errorPercent: 20, p99Ms: 40 } } } } });
        raised = true;
      }
    });
    assert.ok(raised, "the run never reached 50%");
    assert.strictEqual(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /next: the analysis passed at 25%/);
    assert.match(r.stdout, /hold at 50%: failure 1 of failureLimit 2 \(success-rate\)/);
    assert.match(r.stdout, /success-rate\s+1-26-0 \(canary\)\s+\d+(\.\d+)? %\s+≥ 99 %\s+fail/);
    assert.match(r.stderr, /aborted at 50% after 2 failed measurements \(success-rate\)/);
    assert.strictEqual(weight(l), 0);
    assert.deepStrictEqual(await readyDeployments(l), { [`${GATEWAY}-1-25-1`]: 4, [`${GATEWAY}-1-26-0`]: 0 });
    // The stable was scaled (3 → 2 → 4 pods), never restarted: the pods it kept at 50 % still run, on the same template.
    const stableAfter = await stablePods(l);
    assert.deepStrictEqual(stableAfter.hashes, stableBefore.hashes, "the stable's pod template changed");
    assert.ok(stableAfter.uids.filter((u) => stableBefore.uids.includes(u)).length >= 2, "the stable's pods kept at 50 % were replaced");
    await l.ws.expectNoChanges();
  });

  it("no traffic: inconclusive, holds, then aborts after inconclusiveLimit in a row, exit 3", async () => {
    const l = live();
    setTraffic(l, healthy(0));
    const r = await rolloutRun(l, "run without traffic");
    assert.strictEqual(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /next: the canary has no pods at 0%/);
    assert.match(r.stdout, /hold at 25%: inconclusive 1 of inconclusiveLimit 2/);
    assert.match(r.stdout, /1-26-0 served 0 requests in 10s, fewer than minRequests \(20\)/);
    assert.match(r.stderr, /aborted at 25% after 2 inconclusive measurements in a row/);
    assert.strictEqual(weight(l), 0);
    await l.ws.expectNoChanges();
  });

  it("a healthy canary: rollout run walks every step and promotes, exit 0, never below 4 ready pods", async () => {
    const l = live();
    setTraffic(l, healthy());
    const r = await rolloutRun(l, "run to promotion");
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    for (const w of [25, 50, 100]) assert.match(r.stdout, new RegExp(`verdict: pass[\\s\\S]*the analysis passed at ${w}%`));
    assert.match(r.stdout, /1-26-0 promoted/);
    assert.strictEqual(l.ws.gateways()[GATEWAY].revision, "1-26-0");
    assert.strictEqual(l.ws.gateways()[GATEWAY].canary, undefined);
    assert.deepStrictEqual(await readyDeployments(l), { [`${GATEWAY}-1-26-0`]: 4 });
    await l.ws.expectNoChanges();
  });
});
