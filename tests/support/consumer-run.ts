/**
 * Runs a consumer's program (argv[2]) under the offline runner and prints, as JSON, what it registered and what
 * it exported. Started by tests/package/consumer.test.ts in the consumer's directory, so the program resolves
 * `pulumi-istio-gateway` and the Pulumi SDKs from the consumer's node_modules.
 */
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../../tools/engine/offline";

async function main(file: string): Promise<void> {
  let exported: Record<string, unknown> = {};
  const resources = await runOffline({
    project: "consumer", stack: "dev", config: {},
    program: () => { exported = require(file); },
  });
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) {
    values[key] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => value.apply(resolve)) : value;
  }
  const objects = resources.map((r) => ({
    type: r.type,
    name: r.name,
    kind: r.inputs.kind,
    metadata: r.inputs.metadata,
    parent: r.parent?.split("::").pop(),
  }));
  process.stdout.write(JSON.stringify({ objects, exports: values }));
}

main(process.argv[2]).catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
