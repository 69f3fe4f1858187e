/**
 * `npm run render`: runs the stacks program offline (or another program with `--program`) and prints every
 * Kubernetes object it would create. Exit 0 with the YAML on stdout; on bad config, exit 1 with one message on
 * stderr and nothing on stdout.
 */
import { CommandIO } from "../engine/command";
import { parseArgs, UsageError } from "../engine/cli";
import { entriesOf, entriesToYaml } from "../engine/manifest";
import { runStack } from "../engine/render-stack";

export async function render(argv: string[], io: CommandIO): Promise<void> {
  const { flags, positional } = parseArgs(argv, "render");
  if (positional.length > 0) throw new UsageError(`render: unexpected argument ${JSON.stringify(positional[0])}; usage: npm run render -- --stack <name>`);
  const format = flags.format ?? "yaml";
  if (format !== "yaml" && format !== "json") throw new UsageError(`render: --format is ${JSON.stringify(format)}; use yaml or json`);
  const entries = entriesOf(await runStack({ stack: flags.stack, stackFile: flags["stack-file"], program: flags.program, strict: flags.strict === "true" }));
  io.out(format === "json" ? `${JSON.stringify(entries, null, 1)}\n` : entriesToYaml(entries));
}
