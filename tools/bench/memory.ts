/**
 * One memory measurement of the benchmark, in a process of its own (started by tools/bench/main.ts): the stacks program
 * or the flat baseline, for N generated gateways, once. Prints JSON: resources registered, the growth of the
 * process's peak RSS, and the growth of V8's committed heap, both from just before the run.
 *
 * Why a process each: the SDK registers resources in one long chain of promise callbacks, so a timer sampling the
 * heap during the run never fires until it ends, and a run in a shared process starts on a heap grown by the run
 * before it. Peak RSS (getrusage) and the committed heap (V8 rarely gives it back within a run) see the peak from
 * outside the run.
 */
import * as v8 from "v8";
import { Variant, workload } from "./workload";
import { tuneForOfflineRun } from "../engine/offline";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => bytes / 1048576;

async function main(): Promise<void> {
  const [variant, n, canary] = [process.argv[2] as Variant, Number(process.argv[3]), process.argv[4] === "canary"];
  if (!["flat", "component"].includes(variant) || !Number.isInteger(n)) throw new Error("usage: bench-memory.ts flat|component <n> [canary]");
  tuneForOfflineRun(); // as the in-process measurements and the commands
  await workload(variant, 1, canary)(); // load the modules and warm up, so the figures are the run's own
  gc(); gc();
  const rss = process.memoryUsage().rss;
  const heap = v8.getHeapStatistics().total_heap_size;
  const resources = await workload(variant, n, canary)();
  process.stdout.write(JSON.stringify({
    resources,
    rssMb: mb(process.resourceUsage().maxRSS * 1024 - rss),
    heapMb: mb(v8.getHeapStatistics().total_heap_size - heap),
  }));
}

main().catch((e: Error) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
