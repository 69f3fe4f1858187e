/**
 * `npm run diff -- --stack <name> [--base <git-ref>]`: renders the stack at the base (default: the merge base
 * with main) and in the working tree, offline, and prints Markdown for a pull-request comment. A stack that
 * does not render at either end is reported, with the message, and exits 1.
 */
import { fail, parseArgs, UsageError, describe as describeError } from "../engine/cli";
import { defaultBase, DiffError, renderAt, resolveRef } from "./base-render";
import { diffMarkdown, marker } from "./report";
import { entriesOf } from "../engine/manifest";
import { PROJECT_DIR, runStack } from "../engine/render-stack";

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), "diff");
  if (!flags.stack || positional.length > 0) throw new UsageError("diff: usage: npm run diff -- --stack <name> [--base <git-ref>] [--strict]");
  const stack = flags.stack;
  const sha = flags.base ? resolveRef(PROJECT_DIR, flags.base) : defaultBase(PROJECT_DIR);
  const label = `${flags.base ?? "merge base with main"} (${sha.slice(0, 7)})`;
  try {
    const before = await renderAt(PROJECT_DIR, sha, stack, label);
    const after = await runStack({ stack, strict: flags.strict === "true" }).then(entriesOf).catch((e) => {
      throw new DiffError(`stack "${stack}" does not render in the working tree: ${describeError(e).message}`);
    });
    process.stdout.write(diffMarkdown({ stack, baseLabel: label, before, after }).markdown);
  } catch (e) {
    if (e instanceof DiffError) {
      process.stdout.write(`${marker(stack)}\n### Stack \`${stack}\`: does not render\n\n\`\`\`\n${e.message}\n\`\`\`\n`);
    }
    throw e;
  }
}

main().catch(fail);
