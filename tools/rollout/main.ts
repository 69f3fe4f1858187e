/**
 * `npm run rollout -- --stack <name> <status|next|back|abort|promote> [--gateway <g>] [--force]`
 *
 * Moves a canary one step in `Pulumi.<name>.yaml` (comments and layout kept) and prints the plan; `status` only
 * prints. Anything that makes no sense is refused with a message and leaves the file untouched.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackConfig } from "../../stacks/config";
import { fail, parseArgs, UsageError } from "../engine/cli";
import { renderRollout } from "./command";
import { PROJECT_DIR } from "../engine/render-stack";
import { stackFilePath } from "../engine/stack-file";

const USAGE = "usage: npm run rollout -- --stack <name> <status|next|back|abort|promote> [--gateway <name>] [--force]";

function main(): void {
  const { flags, positional } = parseArgs(process.argv.slice(2),
    { stack: "string", "stack-file": "string", gateway: "string", force: "boolean" }, "rollout");
  if (positional.length !== 1) throw new UsageError(`rollout: name one verb; ${USAGE}`);
  const file = flags["stack-file"] ? path.resolve(flags["stack-file"])
    : flags.stack ? stackFilePath(PROJECT_DIR, flags.stack) : undefined;
  if (file === undefined) throw new UsageError(`rollout: name a stack; ${USAGE}`);
  const result = renderRollout({ file, verb: positional[0], gateway: flags.gateway, force: flags.force === "true" }, readStackConfig);
  if (result.newText !== undefined) fs.writeFileSync(file, result.newText);
  process.stdout.write(result.output);
}

try {
  main();
} catch (e) {
  fail(e);
}
