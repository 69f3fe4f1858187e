/**
 * docs/config.md is generated from components/args.ts and the validator's defaults (npm run reference): the
 * committed file is a fresh generation, it lists every key the validator accepts, and a default is written once.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS, GATEWAY_KEYS } from "../../components/core";
import { configReference, defaultDrift, literal, referenceRows } from "../../tools/reference/config-reference";
import { ROOT } from "../support/run";

const ARGS = path.join(ROOT, "components/args.ts");

describe("the config reference, docs/config.md", () => {
  const rows = referenceRows(ARGS);

  it("is what npm run reference generates from components/args.ts now", () => {
    assert.strictEqual(fs.readFileSync(path.join(ROOT, "docs/config.md"), "utf8"), configReference(ARGS),
      "docs/config.md is stale: run npm run reference and commit it");
  });

  it("has a row for every key the validator accepts", () => {
    const keys = new Set(rows.map((r) => r.key));
    assert.deepStrictEqual(GATEWAY_KEYS.filter((k) => !keys.has(k)), []);
  });

  it("takes each plain default from the validator, and args.ts's @default says the same", () => {
    assert.deepStrictEqual(defaultDrift(rows), []);
    for (const [key, value] of Object.entries(DEFAULTS)) {
      assert.ok(configReference(ARGS).includes(`| \`${key}\` |`) && configReference(ARGS).includes(`\`${literal(value)}\``), key);
    }
  });

  it("names a default that drifted from the validator's, key and both values", () => {
    assert.deepStrictEqual(defaultDrift(rows, { ...DEFAULTS, replicas: 3 }), ["replicas: components/args.ts says @default 2, the validator applies 3"]);
  });

  it("writes literal values the way args.ts's JSDoc writes them", () => {
    const cases: Array<[unknown, string]> = [[2, "2"], ["istio", '"istio"'], [[10, 25], "[10, 25]"], [{ cpu: "100m" }, '{ cpu: "100m" }'], [[{ hosts: ["*"] }], '[{ hosts: ["*"] }]']];
    for (const [value, written] of cases) assert.strictEqual(literal(value), written);
  });
});
