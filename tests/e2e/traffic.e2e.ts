/**
 * Traffic for real (issue 34, docs/traffic.md): every gateway pod runs an upstream Envoy, configured over ADS by its
 * own revision's istiod, Ready only while that Envoy is; requests go to the gateway Service's ready endpoints as
 * kube-proxy spreads them, through the Envoys, to an echo backend bound by a VirtualService. Through each runbook
 * step (a watched `pulumi up`, the floor held, nothing left to change) no request may fail, and after it each
 * revision answers its planned share of the requests.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { deploymentName } from "../../components/core";
import { istiodChoice } from "../../tools/cluster/istiod";
import { ROOT } from "../support/run";
import { rolloutStep, watchedCommand, watchedUp } from "./support/steps";
import { routeToEcho, stepUnderLoad, useTrafficStack } from "./support/traffic";

const DEV = path.join(ROOT, "Pulumi.dev.yaml");
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
