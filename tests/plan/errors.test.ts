import * as assert from "assert";
import { ConfigError, show } from "../../components/core";

describe("values in messages, as a reader of the stack file wrote them", () => {
  const cases: Array<[rule: string, value: unknown, shown: string]> = [
    ["a missing value reads as missing", undefined, "missing"],
    ["a string is quoted", "shop", '"shop"'],
    ["a number and a boolean read as written", 4, "4"],
    ["a list reads as JSON", [10, 25], "[10,25]"],
    ["a value of 120 characters is shown whole", "x".repeat(118), `"${"x".repeat(118)}"`],
    ["a longer value is cut to 117 characters and an ellipsis", "x".repeat(119), `"${"x".repeat(116)}...`],
  ];
  for (const [rule, value, shown] of cases) it(rule, () => assert.strictEqual(show(value), shown));
});

describe("a refusal", () => {
  const e = new ConfigError({ stack: "prod", gateway: "gw" }, "replicas", 0, "use a whole number from 1");

  it("names the stack, the gateway, the key, the value and what is allowed, in one line", () => {
    assert.strictEqual(e.message, 'stack "prod", gateway "gw": replicas is 0; use a whole number from 1');
  });

  it("reads as a ConfigError where it is printed whole, and keeps the key it refuses", () => {
    assert.strictEqual(String(e), 'ConfigError: stack "prod", gateway "gw": replicas is 0; use a whole number from 1');
    assert.strictEqual(e.key, "replicas");
  });
});
