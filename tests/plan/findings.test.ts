/**
 * The exact words of every preflight finding: for each case of tests/fixtures/findings.yaml and of the Gateway rules
 * corpus (tests/fixtures/istio-rules.yaml), every finding the preview gives, in order, with its severity
 * (tests/fixtures/findings.messages.yaml). The analyzer tests say which code fires on which mistake; this one holds
 * what the user reads: the key, the value, the problem and the fix, so a finding that loses a word, a value or its
 * hint fails here. When a finding is changed on purpose, the failure prints the new list to put in that file.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
  analyzeGateway, analyzeNamespace, analyzeStack, blocking, ConfigError, errorsOf, Finding, planGateway, readinessGate, Severity, validateGateway, warningsOf,
} from "../../components/core";
import { istioRuleCases } from "../support/istio-rules";
import { ROOT } from "../support/run";

type Config = Record<string, unknown>;
interface Case {
  name: string;
  gateway?: Config;
  stack?: Record<string, Config>;
  namespace?: { labels: Record<string, string>; revisions: Array<string | null> };
  liveLabels?: Record<string, string>;
}

const BASE = { namespace: "ns", replicas: 4, revision: "1-25-1" };
const cases: Case[] = [
  ...(parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/findings.yaml"), "utf8")) as { cases: Case[] }).cases,
  ...istioRuleCases().map((c) => ({ name: `istio-rules/${c.name}`, gateway: { servers: c.servers } })),
];
const expected = parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/findings.messages.yaml"), "utf8")) as Record<string, string[]>;

const line = (f: Finding) => `${f.severity}: ${f.message}`;

/** Every finding of a case, as "<severity>: <message>"; a config validation refuses gives one "refused: <message>". */
export function findingsOf(c: Case): string[] {
  try {
    if (c.namespace) {
      const revisions = c.namespace.revisions.map((r) => r ?? undefined);
      return analyzeNamespace({ stack: "findings", gateway: "gw" }, "shop", c.namespace.labels, revisions).map(line);
    }
    if (c.stack) {
      const gateways = Object.entries(c.stack).map(([name, config]) => {
        const gw = validateGateway({ stack: "findings", gateway: name }, { ...BASE, ...config });
        return { gw, plan: planGateway(gw) };
      });
      return [...gateways.flatMap(({ gw, plan }) => analyzeGateway({ stack: "findings", gateway: gw.name }, gw, plan)), ...analyzeStack("findings", gateways)].map(line);
    }
    const where = { stack: "findings", gateway: "gw" };
    const gw = validateGateway(where, { ...BASE, ...c.gateway });
    const found = analyzeGateway(where, gw, planGateway(gw));
    return [...found, ...(c.liveLabels ? readinessGate(where, gw, c.liveLabels) : [])].map(line);
  } catch (e) {
    if (e instanceof ConfigError) return [`refused: ${e.message}`];
    throw e;
  }
}

describe("every preflight finding, word for word", () => {
  it("has one list per case, and no list for a case that is gone", () => {
    assert.deepStrictEqual(Object.keys(expected).sort(), cases.map((c) => c.name).sort());
  });

  for (const c of cases) {
    it(c.name, () => {
      const actual = findingsOf(c);
      assert.deepStrictEqual(actual, expected[c.name], `the findings of ${c.name} are now:\n${JSON.stringify(actual, null, 2)}`);
    });
  }
});

describe("which findings stop the preview", () => {
  const where = { stack: "s", gateway: "g" };
  const finding = (code: string, severity: Severity) => new Finding(where, code, severity, "key", 1, "problem", "fix");
  const findings = [finding("W1", Severity.Warning), finding("E1", Severity.Error), finding("W2", Severity.Warning), finding("E2", Severity.Error)];
  const codes = (fs: readonly Finding[]) => fs.map((f) => f.code);

  it("errors stop it; warnings do not", () => assert.deepStrictEqual(codes(blocking(findings, false)), ["E1", "E2"]));
  it("in strict mode every finding stops it, errors first, each once", () => assert.deepStrictEqual(codes(blocking(findings, true)), ["E1", "E2", "W1", "W2"]));
  it("the errors and the warnings are each kept in order", () => {
    assert.deepStrictEqual(codes(errorsOf(findings)), ["E1", "E2"]);
    assert.deepStrictEqual(codes(warningsOf(findings)), ["W1", "W2"]);
  });
  it("a warning's refusal says that strict mode refuses it; an error's does not", () => {
    assert.strictEqual(finding("W1", Severity.Warning).refusal().message,
      'stack "s", gateway "g": key is 1; [W1] problem; fix: fix; a warning, refused in strict mode (strict: true, or istio-gateways:strict)');
    assert.strictEqual(finding("E1", Severity.Error).refusal().message, 'stack "s", gateway "g": key is 1; [E1] problem; fix: fix');
  });
});
