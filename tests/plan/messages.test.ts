/**
 * The exact words of every refusal in the bad-input corpus (tests/fixtures/bad-input.yaml), as the stack program
 * reads the stack file: one message, naming the stack, the gateway, the key, the bad value and what is allowed.
 * The corpus test checks the words a case must hold through the render command; this one holds each whole message
 * (tests/fixtures/bad-input.messages.yaml), so that a message that loses a word, a value or its hint fails here.
 * When a message is changed on purpose, the failure prints the new one to put in that file.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { readStackConfig } from "../../stacks/config";
import { ROOT } from "../support/run";

export interface Case { name: string; strict?: boolean; gateway?: unknown; gateways?: Record<string, unknown>; config?: Record<string, unknown> }

const cases = (parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/bad-input.yaml"), "utf8")) as { cases: Case[] }).cases;
const messages = parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/bad-input.messages.yaml"), "utf8")) as Record<string, string>;

/** The message a case is refused with, as the stack program's reading throws it; "(accepted)" if it is not. */
export function messageOf(c: Case): string {
  const config = c.config ?? { "istio-gateways:gateways": c.gateways ?? { gw: c.gateway }, ...(c.strict && { "istio-gateways:strict": true }) };
  try {
    readStackConfig(c.name, config["istio-gateways:gateways"], Object.keys(config), config["istio-gateways:strict"] ?? false);
    return "(accepted)";
  } catch (e) {
    return (e as Error).message;
  }
}

describe("every refusal of the bad-input corpus, word for word", () => {
  it("has one message per case, and no message for a case that is gone", () => {
    assert.deepStrictEqual(Object.keys(messages).sort(), cases.map((c) => c.name).sort());
  });

  for (const c of cases) {
    it(`${c.name}`, () => {
      const actual = messageOf(c);
      assert.strictEqual(actual, messages[c.name], `the message of ${c.name} is now:\n${actual}`);
    });
  }
});
