import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { warningsOf } from "../components/core";
import { readStackConfig } from "../stacks/config";
import { InProcessResult, runInProcess } from "./support/in-process";
import { ROOT } from "./support/run";
import { tempStackFile } from "./support/stack-files";

/** One gateway "gw" (`gateway`), a map of them (`gateways`), or the whole stack config (`config`). */
interface Case { name: string; expect: string[]; strict?: boolean; gateway?: unknown; gateways?: Record<string, unknown>; config?: Record<string, unknown> }
const cases = (parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/bad-input.yaml"), "utf8")) as { cases: Case[] }).cases;

describe("bad-input corpus (tests/fixtures/bad-input.yaml), through the render command", function () {
  this.timeout(600000);
  // In-process, each case in its own test: the command's function, its streams and exit code captured (the process
  // boundary itself is tested in tests/tools/render.test.ts). Rendered inside the test, not in a `before` hook, so
  // that Stryker (npm run mutation) counts the code each case reaches as that test's.
  const render = (c: Case): Promise<InProcessResult> => {
    const file = tempStackFile(c.name, stringify({ config: c.config ?? { "istio-gateways:gateways": c.gateways ?? { gw: c.gateway }, ...(c.strict && { "istio-gateways:strict": true }) } }));
    return runInProcess("render", ["--stack-file", file]);
  };

  it("holds at least 60 cases, each with a unique name and the words to expect", () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    assert.strictEqual(new Set(cases.map((c) => c.name)).size, cases.length);
    for (const c of cases) assert.ok(c.expect.length > 0, c.name);
  });

  for (const c of cases) {
    it(`${c.name}: exit 1, ${c.expect.map((e) => JSON.stringify(e)).join(" and ")}, one line, no stack trace, no stdout, nothing registered`, async () => {
      const r = await render(c);
      assert.strictEqual(r.status, 1, r.stderr);
      assert.strictEqual(r.stdout, "");
      for (const words of c.expect) assert.ok(r.stderr.includes(words), `"${words}" not in: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: stack "${c.name}"`));
      assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
      assert.strictEqual(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      assert.deepStrictEqual(r.registered.map((x) => x.name), []);
    });
    if (c.strict) {
      // The stack program's own reading, without the render around it (the render prints what it logs: tests/tools/render.test.ts).
      it(`${c.name}: passes without strict mode, warning with the same words`, () => {
        const config = readStackConfig(c.name, c.gateways ?? { gw: c.gateway }, [], false);
        const warnings = config.components.flatMap((x) => warningsOf(x.prepared.findings)).map((f) => f.message);
        const words = c.expect.filter((w) => w !== "refused in strict mode");
        assert.ok(warnings.some((m) => words.every((w) => m.includes(w))), warnings.join("\n"));
      });
    }
  }
});
