/**
 * Traffic for real (issue 34, docs/traffic.md): every gateway pod runs an upstream Envoy, configured over ADS by its
 * own revision's istiod, Ready only while that Envoy is; requests go to the gateway Service's ready endpoints as
 * kube-proxy spreads them, through the Envoys, to an echo backend bound by a VirtualService. Through each runbook
 * step (a watched `pulumi up`, the floor held, nothing left to change) no request may fail, and after it each
 * revision answers its planned share of the requests.
 */
import * as path from "path";
import { ROOT } from "../support/run";
import { rolloutStep, watchedUp } from "./support/steps";
import { routeToEcho, stepUnderLoad, useTrafficStack } from "./support/traffic";

const DEV = path.join(ROOT, "Pulumi.dev.yaml");
const ONE_STEP = path.join(ROOT, "tests", "e2e", "fixtures", "Pulumi.traffic.yaml");

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
