/**
 * Validation at the edges of its rules (tests/fixtures/refusals.yaml): for each config next to a boundary, the whole
 * refusal the preview gives, or "(accepted)" with what the validated gateway holds at the case's `show` path
 * (tests/fixtures/refusals.messages.yaml). Where the bad-input corpus holds mistakes users make, this holds the
 * line between a rule's two sides: a limit moved by one, an anchor dropped from a pattern, a key's name lost from a
 * message each change a line here. When a message is changed on purpose, the failure prints the new one.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, prepareGateway } from "../../components/core";
import { ROOT } from "../support/run";

interface Case { name: string; gateway: Record<string, unknown>; show?: string }

const cases = (parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/refusals.yaml"), "utf8")) as { cases: Case[] }).cases;
const expected = parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/refusals.messages.yaml"), "utf8")) as Record<string, string>;

/** The refusal of a case, or "(accepted)" and the validated value at its `show` path. */
export function verdictOf(c: Case): string {
  try {
    const { gateway } = prepareGateway({ stack: "refusals", gateway: "gw" }, { namespace: "ns", ...c.gateway });
    if (c.show === undefined) return "(accepted)";
    const value = c.show.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], gateway);
    return `(accepted) ${c.show}: ${JSON.stringify(value)}`;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

describe("validation at the edges of its rules, word for word", () => {
  it("has one verdict per case, and none for a case that is gone", () => {
    assert.deepStrictEqual(Object.keys(expected).sort(), cases.map((c) => c.name).sort());
  });

  it("never changes the arguments it reads: a program's own objects stay as the program wrote them", () => {
    const changed = cases.filter((c) => {
      const before = JSON.stringify(c.gateway);
      verdictOf(c);
      return JSON.stringify(c.gateway) !== before;
    });
    assert.deepStrictEqual(changed.map((c) => c.name), []);
  });

  for (const c of cases) {
    it(c.name, () => {
      const actual = verdictOf(c);
      assert.strictEqual(actual, expected[c.name], `${c.name} is now:\n${actual}`);
    });
  }
});
