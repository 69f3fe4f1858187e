/**
 * The naive raw baseline as a process, for the end-to-end comparison with `render`: the same objects declared
 * flat under the same mocks, with Node's and Pulumi's default settings. Usage: bench-flat.ts <gateways.json>.
 */
import * as fs from "fs";
import { declareFlat, flatObjects } from "./workload";
import { runOffline } from "../engine/offline";

async function main(): Promise<void> {
  const gateways = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Record<string, unknown>;
  const objects = flatObjects(gateways);
  const resources = await runOffline({ project: "istio-gateways", stack: "bench", config: {}, program: () => declareFlat(objects) });
  process.stdout.write(`${resources.length}\n`);
}

main().catch((e) => { process.stderr.write(`${e}\n`); process.exit(1); });
