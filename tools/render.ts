/**
 * `npm run render -- --stack <name>`: runs the stacks program offline with `Pulumi.<name>.yaml` and prints
 * every Kubernetes object it would create, as multi-document YAML in a stable order.
 *
 * Options: `--stack <name>` (a stack file beside Pulumi.yaml) or `--stack-file <path>` (any Pulumi.<name>.yaml).
 * Exit 0 with the YAML on stdout; on bad config, exit 1 with one message on stderr and nothing on stdout.
 */
import { renderStack } from "./render-stack";
import { fail, parseArgs, UsageError } from "./cli";

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), { stack: "string", "stack-file": "string" }, "render");
  if (positional.length > 0) throw new UsageError(`render: unexpected argument ${JSON.stringify(positional[0])}; usage: npm run render -- --stack <name>`);
  process.stdout.write(await renderStack({ stack: flags.stack, stackFile: flags["stack-file"] }));
}

main().catch(fail);
