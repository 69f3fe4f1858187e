import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ProcessResult, ROOT, startProcess } from "./support/run";
import { tempStackFile } from "./support/stack-files";

/** One gateway "gw" (`gateway`), a map of them (`gateways`), or the whole stack config (`config`). */
interface Case { name: string; expect: string[]; gateway?: unknown; gateways?: Record<string, unknown>; config?: Record<string, unknown> }
const cases = (parse(fs.readFileSync(path.join(ROOT, "tests/fixtures/bad-input.yaml"), "utf8")) as { cases: Case[] }).cases;

/** render as a process; several at once, the machine has two cores and most of a run is start-up. */
function render(file: string): Promise<ProcessResult> {
  return startProcess(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools/render/main.ts"), "--stack-file", file], { cwd: ROOT });
}

async function pooled<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

describe("bad-input corpus (tests/fixtures/bad-input.yaml), through render as a process", function () {
  this.timeout(600000);
  const results = new Map<string, ProcessResult>();
  before(async () => {
    const runs = await pooled(cases, 4, (c) =>
      render(tempStackFile(c.name, stringify({ config: c.config ?? { "istio-gateways:gateways": c.gateways ?? { gw: c.gateway } } }))));
    cases.forEach((c, i) => results.set(c.name, runs[i]));
  });

  it("holds at least 60 cases, each with a unique name and the words to expect", () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    assert.strictEqual(new Set(cases.map((c) => c.name)).size, cases.length);
    for (const c of cases) assert.ok(c.expect.length > 0, c.name);
  });

  for (const c of cases) {
    it(`${c.name}: exit 1, ${c.expect.map((e) => JSON.stringify(e)).join(" and ")}, one line, no stack trace, no stdout`, () => {
      const r = results.get(c.name)!; // eslint-disable-line @typescript-eslint/no-non-null-assertion
      assert.strictEqual(r.status, 1, r.stderr);
      assert.strictEqual(r.stdout, "");
      for (const words of c.expect) assert.ok(r.stderr.includes(words), `"${words}" not in: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: stack "${c.name}"`));
      assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
      assert.strictEqual(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    });
  }
});
