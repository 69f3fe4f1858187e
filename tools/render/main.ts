/**
 * `npm run render -- --stack <name>`: runs the stacks program offline with `Pulumi.<name>.yaml` and prints
 * every Kubernetes object it would create, as multi-document YAML in a stable order.
 *
 * Options: `--stack <name>` (a stack file beside Pulumi.yaml) or `--stack-file <path>` (any Pulumi.<name>.yaml);
 * `--program <file>` runs another program (examples/) instead, without stack config;
 * `--format json` prints the objects with their Pulumi URNs instead (what `npm run diff` compares).
 * Exit 0 with the YAML on stdout; on bad config, exit 1 with one message on stderr and nothing on stdout.
 */
import { entriesOf, toYaml } from "../engine/manifest";
import { tuneForOfflineRun } from "../engine/offline";
import { runStack } from "../engine/render-stack";
import { fail, parseArgs, UsageError } from "../engine/cli";

tuneForOfflineRun();

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), { stack: "string", "stack-file": "string", program: "string", format: "string" }, "render");
  if (positional.length > 0) throw new UsageError(`render: unexpected argument ${JSON.stringify(positional[0])}; usage: npm run render -- --stack <name>`);
  const format = flags.format ?? "yaml";
  if (format !== "yaml" && format !== "json") throw new UsageError(`render: --format is ${JSON.stringify(format)}; use yaml or json`);
  const entries = entriesOf(await runStack({ stack: flags.stack, stackFile: flags["stack-file"], program: flags.program }));
  process.stdout.write(format === "json" ? `${JSON.stringify(entries, null, 1)}\n` : toYaml(entries.map((e) => e.manifest)));
}

main().catch(fail);
