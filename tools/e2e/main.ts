/**
 * `npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>]`: the suites under tests/e2e/ with the real
 * Pulumi engine against local control planes (npm run cluster's). The toolchain is found or built first, with one
 * progress line per part, so that no test waits on a build. With `--stack-file`, only that stack file's walk runs.
 *
 * Mocha runs in this process: when it is interrupted or killed, each cluster's watchdog stops that cluster.
 * Exit 0 when every test passed, 1 otherwise.
 */
import * as fs from "fs";
import * as path from "path";
import { fail, parseArgs, UsageError } from "../engine/cli";
import { ROOT, ensureToolchain, formatSeconds } from "../cluster/toolchain";

const USAGE = "usage: npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>]";
const E2E_DIR = path.join(ROOT, "tests", "e2e");

function suites(stackFile: string | undefined): string[] {
  if (stackFile) return [path.join(E2E_DIR, "stack-file.e2e.ts")];
  return fs.readdirSync(E2E_DIR).filter((f) => f.endsWith(".e2e.ts") && f !== "stack-file.e2e.ts").sort().map((f) => path.join(E2E_DIR, f));
}

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), { "stack-file": "string", grep: "string" }, "e2e");
  if (positional.length > 0) throw new UsageError(`e2e: unexpected argument ${JSON.stringify(positional[0])}; ${USAGE}`);
  const stackFile = flags["stack-file"] && path.resolve(flags["stack-file"]);
  if (stackFile && !fs.existsSync(stackFile)) throw new UsageError(`e2e: --stack-file ${stackFile} does not exist`);
  if (stackFile) process.env.E2E_STACK_FILE = stackFile;

  const started = Date.now();
  await ensureToolchain((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`e2e: toolchain ready in ${formatSeconds((Date.now() - started) / 1000)}\n`);
  registerTypeScript();
  const failures = await runMocha(suites(stackFile), flags.grep);
  process.stdout.write(`e2e: ${failures === 0 ? "passed" : `${failures} failed`} in ${formatSeconds((Date.now() - started) / 1000)}\n`);
  process.exitCode = failures === 0 ? 0 : 1;
}

/** The suites are TypeScript; the compiled command (launch.js) has no loader yet. Type errors are npm test's job. */
function registerTypeScript(): void {
  if (!(process as unknown as Record<symbol, unknown>)[Symbol.for("ts-node.register.instance")]) {
    require("ts-node").register({ transpileOnly: true });
  }
}

async function runMocha(files: string[], grep: string | undefined): Promise<number> {
  // mocha 12 is an ES module: require() gives its namespace, whose Mocha is the class.
  const { Mocha } = require("mocha") as { Mocha: typeof import("mocha") };
  const mocha = new Mocha({ timeout: 20 * 60 * 1000, reporter: "spec", ...(grep && { grep }) });
  for (const f of files) mocha.addFile(f);
  mocha.suite.afterAll(function () {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { writeStepTable } = require(path.join(E2E_DIR, "support", "steps")) as { writeStepTable(file: string | undefined): void };
    writeStepTable(process.env.E2E_REPORT);
  });
  await mocha.loadFilesAsync();
  return new Promise((resolve) => mocha.run(resolve));
}

main().catch(fail);
