/**
 * Traffic for real (issue 34, docs/traffic.md): every gateway pod runs an upstream Envoy, configured over ADS by its
 * own revision's istiod, Ready only while that Envoy is; requests go to the gateway Service's ready endpoints as
 * kube-proxy spreads them, through the Envoys, to an echo backend bound by a VirtualService. Through each runbook
 * step (a watched `pulumi up`, the floor held, nothing left to change) no request may fail, and after it each
 * revision answers its planned share of the requests.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { deploymentName } from "../../components/core";
import { istiodChoice } from "../../tools/cluster/istiod";
import { ROOT } from "../support/run";
import { netNames, podNet } from "../../tools/cluster/envoy";
import { podReady, waitFor } from "../../tools/cluster/kube-api";
import { LoadRecord, requestFailed } from "../../tools/cluster/load";
import { createExpectedNamespaces } from "./support/cluster";
import { rolloutStep, watchedCommand, watchedUp } from "./support/steps";
import { Certificate, makeTestCa, putTlsSecret, TestCa } from "./support/tls";
import { burst, routeToEcho, stepUnderLoad, useTrafficStack } from "./support/traffic";

const DEV = path.join(ROOT, "Pulumi.dev.yaml");
const PROD = path.join(ROOT, "Pulumi.prod.yaml");
const ONE_STEP = path.join(ROOT, "tests", "e2e", "fixtures", "Pulumi.traffic.yaml");
const FAULTS = path.join(ROOT, "tests", "e2e", "fixtures", "Pulumi.faults.yaml");

describe("traffic: the dev runbook under load, through real Envoys configured by istiod", function () {
  const GATEWAY = "istio-ingressgateway";
  const { live, traffic } = useTrafficStack(DEV, async ({ ws, api }) => {
    await watchedUp(ws, api, "dev traffic", "up from empty (25%)");
    await routeToEcho(api, "bookinfo", `istio-ingress/${GATEWAY}`);
  }, `istio-ingress/${GATEWAY}`);

  // From 25 % of 4 pods (docs/canary.md: 4 pods make each step exact): the verb, then the pods the plan runs per revision.
  const WALK: Array<[step: string, planned: Record<string, number>, verb?: string]> = [
    ["steady at 25 %", { "1-25-1": 3, "1-26-0": 1 }],
    ["next (25% → 50%)", { "1-25-1": 2, "1-26-0": 2 }, "next"],
    ["next (50% → 100%)", { "1-26-0": 4 }, "next"],
    ["promote", { "1-26-0": 4 }, "promote"],
  ];
  for (const [step, planned, verb] of WALK) {
    it(`${step}: no request fails, and each revision answers its planned share (${JSON.stringify(planned)} pods)`, async function () {
      this.timeout(5 * 60 * 1000);
      const { ws, api } = live();
      await stepUnderLoad(traffic(), "dev traffic", step, planned, async () => {
        if (verb) await rolloutStep(ws, api, "dev traffic", verb, GATEWAY);
      });
    });
  }

  it("restartGeneration 0 → 1: every pod replaced, no request fails", async function () {
    this.timeout(5 * 60 * 1000);
    const { ws, api } = live();
    await stepUnderLoad(traffic(), "dev traffic", "restartGeneration 0 → 1", { "1-26-0": 4 }, async () => {
      ws.setGateway(GATEWAY, (gw) => { gw.restartGeneration = 1; });
      await watchedUp(ws, api, "dev traffic", "restartGeneration 0 → 1");
      await ws.expectNoChanges();
    });
  });

  // A proxy that dies is restarted as the kubelet restarts a container (after 10 s the first time); its pod leaves the
  // Service's endpoints meanwhile. Requests in flight on it when it died fail, as with any crashing proxy: counted, not judged.
  it("an Envoy killed under load is started again after the kubelet's back-off, its pod unready meanwhile and Ready after", async function () {
    this.timeout(2 * 60 * 1000);
    const { api, state } = live();
    const [pod] = (await api.list(`/api/v1/namespaces/istio-ingress/pods`)).filter((p) => podReady(p));
    const bootstrapFile = path.join(state.dir, "envoy", podNet(netNames(state.dir), pod.metadata.uid ?? "").key, "bootstrap.json");
    const pid = Number(execFileSync("pgrep", ["-f", bootstrapFile], { encoding: "utf8" }).trim().split("\n")[0]);
    const killed = Date.now();
    process.kill(pid, "SIGKILL");
    const ready = async () => podReady(await api.get(`/api/v1/namespaces/istio-ingress/pods/${pod.metadata.name}`));
    await waitFor(`${pod.metadata.name} unready`, 10000, async () => ((await ready()) ? undefined : true), 100);
    const unready = Date.now();
    await waitFor(`${pod.metadata.name} Ready again`, 60000, async () => ((await ready()) ? true : undefined), 200);
    const back = Date.now();
    const during = await traffic().between(killed, back);
    const log = fs.readFileSync(path.join(state.dir, "logs", "envoy-harness.log"), "utf8").split("\n").filter((l) => l.includes(pod.metadata.name));
    process.stdout.write(`      dev traffic · Envoy of ${pod.metadata.name} killed: unready after ${((unready - killed) / 1000).toFixed(1)} s, Ready again after ${((back - killed) / 1000).toFixed(1)} s; `
      + `${during.sent} requests meanwhile, ${during.failed} failed (in flight on it when it died)\n`);
    assert.ok(log.some((l) => l.includes("Envoy started again (restart 1)")), `the harness did not start it again: ${log.slice(-3).join(" | ")}`);
    assert.ok(back - killed >= 10000, `Ready again ${back - killed} ms after the kill: sooner than the kubelet's first back-off (10 s)`);
  });
});

describe("traffic: prod over HTTPS, each server with the certificate its credentialName names, its runbook under load", function () {
  const GATEWAY = "istio-ingressgateway";
  const PAYMENTS = "payments/payments-gateway";
  let ca: TestCa | undefined;
  let wildcard: Certificate | undefined;
  const tls = () => {
    if (!ca || !wildcard) throw new Error("the test CA was not made (the suite's before hook failed)");
    return { ca, wildcard };
  };
  // The shared gateway's servers: *.example.com for the route namespaces shop and blog, HTTPS with the Secret
  // wildcard-example-com, port 80 redirecting to HTTPS. Requests go to shop.example.com:443, SNI and all.
  const { live, traffic } = useTrafficStack(PROD, async ({ ws, api, state }) => {
    assert.deepStrictEqual(await createExpectedNamespaces(api, ws), ["payments"]);
    await watchedUp(ws, api, "prod traffic", "up from empty (10%)");
    ca = makeTestCa(path.join(state.dir, "tls"));
    wildcard = ca.issue("wildcard", ["*.example.com"]);
    await putTlsSecret(api, "istio-ingress", "wildcard-example-com", wildcard);
    await routeToEcho(api, "shop", `istio-ingress/${GATEWAY}`);
    await routeToEcho(api, "payments", PAYMENTS);
  }, `istio-ingress/${GATEWAY}`, {}, () => ({ port: 443, host: "shop.example.com", ca: tls().ca.file }));

  it("serves shop.example.com over HTTPS with the certificate of the Secret its credentialName names, on every handshake", () => {
    const records = traffic().all();
    const presented = [...new Set(records.map((r) => r.cert ?? "(none)"))];
    process.stdout.write(`      prod traffic · HTTPS: ${records.length} requests so far, ${records.filter(requestFailed).length} failed; certificates presented: ${presented.join(", ")}\n`);
    assert.ok(records.length > 0 && records.every((r) => !requestFailed(r)), `requests failed: ${JSON.stringify(records.filter(requestFailed).slice(0, 3))}`);
    assert.deepStrictEqual(presented, [tls().wildcard.fingerprint], "the gateway presented another certificate than the Secret's");
  });

  it("redirects plain HTTP on port 80 to HTTPS (httpsRedirect): 301 from the gateway itself", async () => {
    const records = await burst(live().state, { service: `istio-ingress/${GATEWAY}`, port: 80, host: "shop.example.com", requests: 10 });
    assert.deepStrictEqual([...new Set(records.map((r) => r.status ?? r.error))], [301]);
  });

  // The dedicated payments gateway has no Secret yet: what a team sees before its certificate exists, then with the
  // wrong one, then with the right one; istiod sends each change over SDS, no pod restarts.
  const payments = (requests: number) => burst(live().state, { service: PAYMENTS, port: 443, host: "pay.example.com", ca: tls().ca.file, requests });
  const outcomes = (records: LoadRecord[]) => [...new Set(records.map((r) => (r.status === undefined ? r.error ?? "?" : `${r.status}`)))].sort();
  let paymentPods: string[] = [];

  // Envoy holds a new listener back while its secret is missing, for SDS's initial fetch timeout (15 s; istiod leaves
  // it set for credentialName so one missing Secret cannot block the rest: pilot/pkg/security/model SDSAdsConfig),
  // then serves it without a certificate: connections refused first, handshakes reset after.
  it("a credentialName whose Secret does not exist: connections refused, then every handshake reset, no certificate presented", async function () {
    this.timeout(90 * 1000);
    const { api } = live();
    paymentPods = (await api.list("/api/v1/namespaces/payments/pods")).map((p) => p.metadata.uid ?? "").sort();
    const seen: string[] = [];
    await waitFor("the listener served without its certificate", 60000, async () => {
      const now = outcomes(await payments(6)).join();
      if (seen[seen.length - 1] !== now) seen.push(now);
      return now === "ECONNRESET" ? true : undefined;
    });
    const records = await payments(10);
    process.stdout.write(`      prod traffic · pay.example.com without its Secret: ${seen.join(" → ")}; then ${outcomes(records).join(", ")}\n`);
    assert.ok(records.every((r) => r.status === undefined && r.cert === undefined), `a request got an answer: ${JSON.stringify(records.find((r) => r.status !== undefined))}`);
    assert.deepStrictEqual(outcomes(records), ["ECONNRESET"]);
    assert.ok(seen.every((o) => o === "ECONNREFUSED" || o === "ECONNRESET"), `other failures on the way: ${seen.join(" → ")}`);
  });

  it("a Secret whose certificate names another host: the client refuses it (ERR_TLS_CERT_ALTNAME_INVALID), as a browser would", async function () {
    this.timeout(90 * 1000);
    const { api } = live();
    await putTlsSecret(api, "payments", "pay-example-com", tls().ca.issue("other", ["other.example.com"]));
    await waitFor("the wrong certificate to reach the payments Envoys", 60000, async () => outcomes(await payments(6)).join() === "ERR_TLS_CERT_ALTNAME_INVALID" ? true : undefined);
    const records = await payments(10);
    process.stdout.write(`      prod traffic · pay.example.com with a certificate for other.example.com: ${outcomes(records).join(", ")}\n`);
    assert.deepStrictEqual(outcomes(records), ["ERR_TLS_CERT_ALTNAME_INVALID"]);
  });

  it("the right Secret: every handshake gets its certificate and every request is answered, no pod restarted", async function () {
    this.timeout(90 * 1000);
    const { api } = live();
    const right = tls().ca.issue("pay", ["pay.example.com"]);
    await putTlsSecret(api, "payments", "pay-example-com", right);
    await waitFor("the right certificate to reach the payments Envoys", 60000, async () => outcomes(await payments(6)).join() === "200" ? true : undefined);
    const records = await payments(20);
    process.stdout.write(`      prod traffic · pay.example.com with its certificate: ${outcomes(records).join(", ")}, ${records.filter((r) => r.cert === right.fingerprint).length} of ${records.length} handshakes with it\n`);
    assert.deepStrictEqual(records.filter(requestFailed), []);
    assert.deepStrictEqual([...new Set(records.map((r) => r.cert))], [right.fingerprint]);
    assert.deepStrictEqual((await api.list("/api/v1/namespaces/payments/pods")).map((p) => p.metadata.uid ?? "").sort(), paymentPods);
  });

  // From 10 % of 10 pods, as `npm run rollout -- --stack prod status` plans it: the verb, then the pods per revision.
  const WALK: Array<[step: string, planned: Record<string, number>, verb?: string]> = [
    ["steady at 10 %", { "1-25-1": 9, "1-26-0": 1 }],
    ["next (10% → 25%)", { "1-25-1": 7, "1-26-0": 3 }, "next"],
    ["next (25% → 50%)", { "1-25-1": 5, "1-26-0": 5 }, "next"],
    ["next (50% → 100%)", { "1-26-0": 10 }, "next"],
    ["promote", { "1-26-0": 10 }, "promote"],
  ];
  for (const [step, planned, verb] of WALK) {
    it(`${step} over HTTPS: no request fails, each revision answers its planned share (${JSON.stringify(planned)} pods)`, async function () {
      this.timeout(6 * 60 * 1000);
      const { ws, api } = live();
      await stepUnderLoad(traffic(), "prod traffic", step, planned, async () => {
        if (verb) await rolloutStep(ws, api, "prod traffic", verb, GATEWAY);
      });
    });
  }

  it("gave every handshake of the walk, on both revisions, the Secret's certificate", () => {
    const records = traffic().all();
    assert.deepStrictEqual([...new Set(records.map((r) => r.cert ?? "(none)"))], [tls().wildcard.fingerprint], `of ${records.length} requests`);
  });
});

describe("traffic: a canary from 0 % to 100 % in one step, under load", function () {
  const { live, traffic } = useTrafficStack(ONE_STEP, async ({ ws, api }) => {
    await watchedUp(ws, api, "one-step traffic", "up from empty (0%)");
    await routeToEcho(api, "edge", "edge/edge-gateway");
  }, "edge/edge-gateway");

  it("moves both pods to the canary with no request failed: the stable shrinks only once the canary's pods are Ready", async function () {
    this.timeout(5 * 60 * 1000);
    const { ws, api } = live();
    await stepUnderLoad(traffic(), "one-step traffic", "next (0% → 100%)", { "1-26-0": 2 }, () => rolloutStep(ws, api, "one-step traffic", "next", "edge-gateway"));
  });
});

describe("traffic: a canary whose Envoys refuse their config (istiod 1-27-0 keeps Istio's own filters), under load", function () {
  const REFUSED = "1-27-0";
  const TIMEOUT_SECONDS = 30; // the faults stack's updateTimeoutSeconds
  const { live, traffic } = useTrafficStack(FAULTS, async ({ ws, api }) => {
    await watchedUp(ws, api, "refused config", "up from empty");
    await routeToEcho(api, "edge", "edge/edge-gateway");
  }, "edge/edge-gateway", { istiod: istiodChoice(`1-25-1,${REFUSED}`), istioFiltersFor: [REFUSED] });

  it("fails the update within updateTimeoutSeconds, the canary's pod unready for Istio's own reason; the stable answers every request", async function () {
    this.timeout(5 * 60 * 1000);
    const { ws, api, state } = live();
    ws.setGateway("edge-gateway", (gw) => { gw.canary = { revision: REFUSED, weight: 25, steps: [25, 50, 100], previousWeight: 0 }; });
    await stepUnderLoad(traffic(), "refused config", `canary ${REFUSED} at 25% (refused)`, { "1-25-1": 4 }, async () => {
      const { result } = await watchedCommand(ws, api, "refused config", `canary ${REFUSED} at 25% (refused)`,
        () => ws.pulumi(["up", "--yes", "--skip-preview"], { timeoutMs: (TIMEOUT_SECONDS + 90) * 1000 }), { settle: false });
      assert.notStrictEqual(result.code, 0, "pulumi up succeeded with a canary whose Envoys refuse their config");
      assert.ok(result.seconds < TIMEOUT_SECONDS + 45, `the update took ${result.seconds.toFixed(1)} s, past its ${TIMEOUT_SECONDS + 45} s bound`);
      assert.match(result.stdout + result.stderr, new RegExp(deploymentName("edge-gateway", REFUSED)));
    });
    const harness = fs.readFileSync(path.join(state.dir, "logs", "envoy-harness.log"), "utf8");
    const reasons = harness.split("\n").filter((l) => l.includes(`edge-gateway-${REFUSED}`) && l.includes("not ready:")).map((l) => l.replace(/^\S+ /, ""));
    process.stdout.write(`      refused config: the canary's readiness, as the harness logged it:\n${reasons.map((r) => `        ${r}`).join("\n")}\n`);
    // Istio's probe words a config refused whole (CDS and LDS) as "config not received from XDS server (is Istiod
    // running?)", and one refused in part as "received … but was rejected": either way its counts name the refusals.
    assert.ok(reasons.some((r) => /lds updates: 0 successful, [1-9]\d* rejected/.test(r)), `no readiness failure for a rejected config: ${JSON.stringify(reasons)}`);
  });

  it("rollout abort: the canary back to 0 % with no request failed", async function () {
    this.timeout(5 * 60 * 1000);
    const { ws, api } = live();
    await stepUnderLoad(traffic(), "refused config", "abort (25% → 0%)", { "1-25-1": 4 }, () => rolloutStep(ws, api, "refused config", "abort", "edge-gateway"));
  });
});
