/** The Gateway rules corpus (tests/fixtures/istio-rules.yaml), read by the offline test and the istioctl e2e test. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface IstioRuleCase {
  name: string;
  /** Istio's verdict on a Gateway holding these servers as written (checked by tests/e2e/istio-validate.e2e.ts). */
  istio: "error" | "warning" | "accept";
  /** Words the preview's refusal contains; none: the preview accepts it. */
  expect?: string[];
  servers: unknown[];
}

export function istioRuleCases(): IstioRuleCase[] {
  return (parse(fs.readFileSync(path.join(__dirname, "../fixtures/istio-rules.yaml"), "utf8")) as { cases: IstioRuleCase[] }).cases;
}
