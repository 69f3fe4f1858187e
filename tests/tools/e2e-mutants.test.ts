/**
 * The e2e mutants (tests/e2e/support/mutants.ts, `npm run e2e -- --mutants`) still apply to the code as it is:
 * each one's text is in its file exactly once, its suite exists and its --grep names a describe or test there.
 * A mutant that no longer applies would fail its e2e run; this says so offline, in seconds.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { applyMutant, E2E_MUTANTS } from "../e2e/support/mutants";
import { ROOT } from "../support/run";

describe("the e2e mutants apply to the code as it is", () => {
  it("have unique names", () => {
    assert.strictEqual(new Set(E2E_MUTANTS.map((m) => m.name)).size, E2E_MUTANTS.length);
  });

  for (const m of E2E_MUTANTS) {
    it(`${m.name}: its text is in ${m.file} once, and the replacement changes the file`, () => {
      const source = fs.readFileSync(path.join(ROOT, m.file), "utf8");
      assert.strictEqual(source.split(m.from).length - 1, 1, `${m.file}: ${JSON.stringify(m.from)}`);
      assert.notStrictEqual(m.from, m.to);
    });

    it(`${m.name}: its scenario ${m.suite} has a title holding ${JSON.stringify(m.grep)}`, () => {
      const suite = fs.readFileSync(path.join(ROOT, "tests", "e2e", m.suite), "utf8");
      const titles = [...suite.matchAll(/(?:describe|it)\(\s*[`"]([^`"]+)[`"]/g)].map((x) => x[1]);
      assert.ok(titles.some((t) => t.includes(m.grep)), titles.join("\n"));
    });
  }

  it("refuses a mutant whose text is gone, naming the file and the text", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutant-"));
    try {
      fs.writeFileSync(path.join(dir, "x.ts"), "const a = 1;\n");
      assert.throws(() => applyMutant(dir, { file: "x.ts", from: "const b", to: "const c" }), /the mutant no longer applies: x\.ts has no "const b"/);
      applyMutant(dir, { file: "x.ts", from: "= 1", to: "= 2" });
      assert.strictEqual(fs.readFileSync(path.join(dir, "x.ts"), "utf8"), "const a = 2;\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
