/**
 * stacks/main.js, the program's entry under the Pulumi engine: compiled when the build matches the sources, else
 * index.ts transpile-only; the same program either way.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../support/run";

const { programEntry } = require("../../components/build-digest.js") as { programEntry(root: string): { compiled: boolean; file: string } };
const digest = require("../../components/build-digest.js") as { programSourceDigest(root: string): string };

/** A project folder with a program, its settings and a build stamped for them. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entry-"));
  for (const [file, text] of Object.entries({ "components/a.ts": "export const a = 1;\n", "stacks/index.ts": "export const b = 2;\n", "tsconfig.json": "{}", "tsconfig.tools.json": "{}" })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.mkdirSync(path.join(dir, ".build"));
  fs.writeFileSync(path.join(dir, ".build/PROGRAM_DIGEST"), `${digest.programSourceDigest(dir)}\n`);
  return dir;
}

describe("the program's entry under the engine (stacks/main.js)", () => {
  it("is what Pulumi.yaml names, with the language host's TypeScript support off", () => {
    const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
    assert.strictEqual(doc.main, "stacks/main.js");
    assert.strictEqual(doc.runtime.options.typescript, false);
  });

  const table: Array<[rule: string, edit: (dir: string) => void, compiled: boolean]> = [
    ["runs the compiled build when it was built from the sources on disk", () => undefined, true],
    ["runs index.ts when a program source changed since the build", (d) => fs.appendFileSync(path.join(d, "stacks/index.ts"), "// edit\n"), false],
    ["runs index.ts when a component source changed since the build", (d) => fs.writeFileSync(path.join(d, "components/b.ts"), "export {};\n"), false],
    ["runs index.ts when the compiler settings changed", (d) => fs.writeFileSync(path.join(d, "tsconfig.json"), '{ "compilerOptions": {} }'), false],
    ["runs index.ts when there is no build", (d) => fs.rmSync(path.join(d, ".build"), { recursive: true }), false],
    ["ignores the commands' sources: a project copy without tools/ still runs compiled", (d) => fs.mkdirSync(path.join(d, "tools")), true],
  ];
  for (const [rule, edit, compiled] of table) {
    it(rule, () => {
      const dir = project();
      edit(dir);
      const entry = programEntry(dir);
      assert.strictEqual(entry.compiled, compiled);
      assert.strictEqual(entry.file, path.join(dir, compiled ? ".build/stacks/index.js" : "stacks/index.ts"));
    });
  }
});
