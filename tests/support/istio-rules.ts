/**
 * The Gateway rules corpus (tests/fixtures/istio-rules.yaml) and the preview's verdict on a gateway's servers, read
 * by the offline test (tests/plan/istio-rules.test.ts) and the differential test against istiod's webhook
 * (tests/e2e/istio-webhook.e2e.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { analyzeGateway, ConfigError, errorsOf, Finding, ISTIO_VERDICT_CODES, IstioGatewayObject, planGateway, prepareGateway, Severity, validateGateway, warningsOf } from "../../components/core";

export type Verdict = "error" | "warning" | "accept";

export interface IstioRuleCase {
  name: string;
  /** istiod's verdict on the Gateway the component renders from these servers: its validation webhook's answer. */
  istio: Verdict;
  /** Words the preview's message for that verdict contains (its refusal, or its first warning of Istio's). */
  expect?: string[];
  /** Codes of this package's own advice (warnings where Istio is silent) the preview gives as well. */
  advice?: string[];
  servers: unknown[];
}

export const CORPUS = path.join(__dirname, "../fixtures/istio-rules.yaml");

export function istioRuleCases(): IstioRuleCase[] {
  return (parse(fs.readFileSync(CORPUS, "utf8")) as { cases: IstioRuleCase[] }).cases;
}

export interface Preflight {
  /** The verdict of the rules that mirror Istio's: the refusal, else a warning of Istio's, else accept. */
  verdict: Verdict;
  /** The refusal's message, or the first warning of Istio's. */
  message?: string;
  /** The codes of the preview's own advice: warnings where Istio says nothing. */
  advice: string[];
  /** The Istio Gateway the component plans (and renders, unless refused), when the servers pass validation. */
  gateway?: IstioGatewayObject;
}

export const WHERE = { stack: "rules", gateway: "gw" };

/** The preview's verdict on a gateway in namespace `ns` with these servers, every other setting at its default. */
export function preflight(servers: unknown[], namespace = "ns"): Preflight {
  let findings: Finding[];
  let gateway: IstioGatewayObject | undefined;
  try {
    const gw = validateGateway(WHERE, { namespace, servers });
    const plan = planGateway(gw);
    findings = analyzeGateway(WHERE, gw, plan);
    gateway = plan.gateway;
  } catch (e) {
    if (e instanceof ConfigError) return { verdict: "error", message: e.message, advice: [] };
    throw e;
  }
  const advice = warningsOf(findings).filter((f) => !ISTIO_VERDICT_CODES.includes(f.code)).map((f) => f.code);
  // No error is the package's own in this space (every setting but the servers is a default): any error counts.
  const error = errorsOf(findings)[0];
  if (error) return { verdict: "error", message: error.message, advice, gateway };
  const warning = findings.find((f) => f.severity === Severity.Warning && ISTIO_VERDICT_CODES.includes(f.code));
  return { verdict: warning ? "warning" : "accept", ...(warning && { message: warning.message }), advice, gateway };
}

/** Whether the preview in strict mode refuses a gateway in `namespace` with these servers. */
export function strictRefuses(servers: unknown[], namespace = "ns"): boolean {
  try {
    prepareGateway(WHERE, { namespace, servers, strict: true });
    return false;
  } catch (e) {
    if (e instanceof ConfigError) return true;
    throw e;
  }
}

/** A case as the corpus writes it, for a disagreement found by generation to be added to it. */
export function corpusEntry(c: IstioRuleCase): string {
  return stringify([c], { flowCollectionPadding: true, lineWidth: 0 }).replace(/^(?=.)/gm, "  ");
}
