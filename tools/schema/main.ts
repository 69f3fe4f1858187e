/**
 * `npm run schema`: prints the multi-language package schema (JSON) that `pulumi package add` would generate
 * SDKs from, without the Pulumi CLI: `npm run -s schema > schema.json`, then `pulumi package gen-sdk schema.json`
 * where the CLI is installed.
 */
import { fail, parseArgs } from "../engine/cli";
import { packageSchema } from "./package-schema";

Promise.resolve().then(() => parseArgs(process.argv.slice(2), "schema")).then(packageSchema).then((schema) => process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`)).catch(fail);
