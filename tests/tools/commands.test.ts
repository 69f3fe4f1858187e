/**
 * Every command as a newcomer meets it, each as a real process: `--help` prints the usage on stdout and exits 0;
 * an unknown option and a missing file exit 1 with one line on stderr that says what to do, and no stack trace.
 */
import * as assert from "assert";
import * as path from "path";
import { HELP } from "../../tools/engine/help";
import { ProcessResult, ROOT, startProcess } from "../support/run";

const LAUNCH = path.join(ROOT, "tools/engine/launch.js");
const launched = (command: string, args: string[]) => startProcess(process.execPath, [LAUNCH, command, ...args], { cwd: ROOT });
/** The one command launch.js does not start: policy:bundle (plain JavaScript, run as it is). */
const OWN_START: Record<string, (args: string[]) => Promise<ProcessResult>> = {
  "policy:bundle": (args) => startProcess(process.execPath, ["tools/policy/bundle.js", ...args], { cwd: ROOT }),
};
const run = (command: string, args: string[]) => (OWN_START[command] ?? ((a: string[]) => launched(command, a)))(args);

function refusedInOneLine(r: ProcessResult, words: RegExp): void {
  assert.strictEqual(r.status, 1, `${r.stdout}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "a stack trace");
  const lines = r.stderr.trim().split("\n");
  assert.strictEqual(lines.length, 1, r.stderr);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], words);
}

describe("every command, as a process", function () {
  this.timeout(120000);
  const commands = ["render", "rollout", "diff", "adopt", "fleet", "schema", "reference", "cluster", "e2e", "bench", "policy:bundle"];

  for (const command of commands) {
    it(`${command}: --help prints the usage and exits 0; an unknown option exits 1 in one line`, async () => {
      // render's mistyped --stack also shows the "did you mean" every command's options get.
      const [mistyped, says] = command === "render" ? ["--stak", /unknown option --stak; did you mean "stack"\?/] : ["--no-such-option", /--no-such-option|unexpected argument/];
      const [help, unknown] = await Promise.all([run(command, ["--help"]), run(command, [mistyped, "dev"])]);
      assert.strictEqual(help.status, 0, help.stderr);
      assert.match(help.stdout, /^usage: npm run /);
      if (HELP[command] !== undefined) assert.strictEqual(help.stdout, `${HELP[command]}\n`);
      refusedInOneLine(unknown, says);
    });
  }

  const missing: Array<[what: string, command: string, args: string[], words: RegExp]> = [
    ["a stack file in a folder that does not exist", "render", ["--stack-file", "nope/Pulumi.x.yaml"], /stack "x": .*nope\/Pulumi\.x\.yaml does not exist: there is no folder .*nope$/],
    ["a stack file in a folder that does not exist", "rollout", ["--stack-file", "nope/Pulumi.x.yaml", "status"], /stack "x": .*does not exist: there is no folder/],
    ["a stack spelled with capitals", "render", ["--stack", "Dev"], /stack "Dev": .*Pulumi\.Dev\.yaml does not exist; did you mean "dev"\? stacks here: dev, prod$/],
    ["a live-objects file that does not exist", "adopt", ["--stack", "dev", "--from", "nope/live.yaml", "--gateway", "g", "--revision", "1-26-0"], /nope\/live\.yaml does not exist; write it with the kubectl get command of docs\/adoption\.md/],
    ["a fleet file that does not exist", "fleet", ["status", "--fleet", "nope/fleet.yaml"], /nope\/fleet\.yaml does not exist/],
    ["a program that does not exist", "render", ["--program", "nope/x.ts"], /--program .*nope\/x\.ts does not exist/],
    ["a stack file for e2e that does not exist", "e2e", ["--stack-file", "nope/Pulumi.x.yaml"], /--stack-file .*nope\/Pulumi\.x\.yaml does not exist/],
  ];
  const mutantMistakes: Array<[string, string[], RegExp]> = [
    ["--mutant without --mutants", ["--mutant", "order-reversed"], /--mutant picks among --mutants; add --mutants/],
    ["--mutants with --grep", ["--mutants", "--grep", "dev"], /--mutants runs each mutant's own scenario; it takes no --stack-file or --grep/],
    ["an unknown mutant", ["--mutants", "--mutant", "order-reversd"], /--mutant "order-reversd" names no mutant; mutants: order-reversed, /],
  ];
  it("refuses the e2e mutant options' mistakes in one line, before any build: " + mutantMistakes.map(([what]) => what).join("; "), async () => {
    const results = await Promise.all(mutantMistakes.map(([, args]) => run("e2e", args)));
    results.forEach((r, i) => refusedInOneLine(r, mutantMistakes[i][2]));
  });

  it("refuses each missing file in one line that names it: " + missing.map(([what, c]) => `${c}, ${what}`).join("; "), async () => {
    const results = await Promise.all(missing.map(([, command, args]) => run(command, args)));
    results.forEach((r, i) => refusedInOneLine(r, missing[i][3]));
  });
});
