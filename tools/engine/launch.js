/**
 * `npm run render|rollout|diff|cluster|e2e|schema|fleet|adopt|reference|bench`: starts the command from its compiled JavaScript (.build/, built by `npm ci` and
 * `npm run build:tools`) when that was built from exactly the sources on disk, and through ts-node otherwise.
 * Both run the same TypeScript; the compiled start skips loading the TypeScript compiler and transpiling ~50
 * files, which is most of a render's start-up (docs/BENCHMARKS.md). `LAUNCH_TRACE=1` says which one ran, on stderr.
 * Plain JavaScript, because it runs before any TypeScript loader.
 */
"use strict";
const path = require("path");
const { BUILD_DIR, builtDigest, sourceDigest } = require("../../components/build-digest.js");

const ROOT = path.resolve(__dirname, "../..");
const COMMANDS = ["render", "rollout", "diff", "cluster", "e2e", "schema", "fleet", "adopt", "reference", "bench"];

const command = process.argv[2];
if (!COMMANDS.includes(command)) {
  process.stderr.write(`launch: the command is ${JSON.stringify(command)}; use one of ${COMMANDS.join(", ")}\n`);
  process.exit(2);
}
process.argv.splice(2, 1); // the command reads its own flags from argv[2] on

const built = builtDigest(ROOT);
const current = built !== undefined && built === sourceDigest(ROOT);
if (process.env.LAUNCH_TRACE === "1") {
  process.stderr.write(`launch: ${current ? "compiled" : `ts-node (${built === undefined ? "no build" : "sources changed since the build"}; npm run build:tools)`}\n`);
}
// The command table (tools/engine/help.ts) answers --help and refuses an unknown option before the command's own
// modules (the Pulumi SDK among them) load: the answer is immediate, and the same the command would give.
if (!current) require("./register-ts.js");
/** A module of tools/, from the build when it is current, else its TypeScript source. */
const toolModule = (...parts) => current ? path.join(ROOT, BUILD_DIR, "tools", ...parts) + ".js" : path.join(ROOT, "tools", ...parts) + ".ts";
const { HELP, readArgs, wantsHelp } = require(toolModule("engine", "help"));
const args = process.argv.slice(2);
const read = readArgs(args, command);
if (wantsHelp(args) && HELP[command] !== undefined) {
  process.stdout.write(`${HELP[command]}\n`);
} else if ("problem" in read) {
  process.stderr.write(`error: ${read.problem}\n`);
  process.exitCode = 1;
} else {
  require(toolModule(command, "main"));
}
