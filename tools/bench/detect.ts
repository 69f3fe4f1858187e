/**
 * `npm run bench -- --detect [--interval 1m] [--failure-limit 5]`: time to detect a bad canary. On a local cluster
 * with istiod and a real Prometheus (tools/cluster/prometheus.ts), the dev stack's canary with `canary.analysis` at
 * Flagger's defaults (a measurement every minute over a one-minute window, five failures before the rollback) is
 * walked by `rollout run`; once it has passed its first step, its error share is raised (the traffic stand-in,
 * tools/cluster/traffic.ts). Measured: from that moment to the abort's `pulumi up` finishing (the run's exit).
 * Printed against Flagger's documented rollback time for the same settings, interval × threshold. Asserts nothing.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { durationSeconds } from "../../components/core";
import { adopt, clusterEnv, ClusterState, release, startCluster, stopCluster } from "../cluster/control-plane";
import { istiodChoice } from "../cluster/istiod";
import { copyProgram } from "../cluster/project";
import { ensureToolchain, ROOT } from "../cluster/toolchain";
import { CONFIG_KEY } from "../../stacks/config";

const GATEWAY = "istio-ingressgateway";
const KEY = `istio-ingress/${GATEWAY}`;

function run(state: ClusterState, dir: string, command: string, args: string[], onLine?: (line: string) => void): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: dir, detached: true, env: { ...process.env, ...clusterEnv(state), PULUMI_HOME: path.join(dir, ".pulumi-home"), PULUMI_BACKEND_URL: `file://${path.join(dir, ".pulumi-state")}`, PULUMI_COLOR: "never" } });
    if (child.pid !== undefined) adopt(state, { name: `${path.basename(command)} ${args[0]}`, pid: child.pid });
    let output = "";
    let rest = "";
    const take = (d: Buffer) => {
      output += d;
      const lines = (rest + d.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) onLine?.(l);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("close", (code) => {
      if (child.pid !== undefined) release(state, child.pid);
      resolve({ code, output });
    });
  });
}

export async function detectBench(interval: string, failureLimit: number, out: (line?: string) => void): Promise<void> {
  const seconds = durationSeconds(interval);
  if (seconds === undefined) throw new Error(`bench: --interval ${interval} is no Prometheus duration`);
  const toolchain = await ensureToolchain((l) => process.stderr.write(`${l}\n`), { optional: true });
  const state = await startCluster({ name: `bench-detect-${process.pid}`, toolchain, watchPid: process.pid, istiod: istiodChoice("1-25-1,1-26-0"), prometheus: true });
  const interrupted = (signal: NodeJS.Signals) => void stopCluster(state).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    const dir = path.join(state.dir, "project");
    fs.mkdirSync(dir);
    copyProgram(dir);
    for (const sub of [".pulumi-state", ".pulumi-home"]) fs.mkdirSync(path.join(dir, sub));
    const file = path.join(dir, "Pulumi.dev.yaml");
    const doc = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, Record<string, Record<string, unknown>>> };
    const canary = doc.config[CONFIG_KEY][GATEWAY].canary as Record<string, unknown>;
    // Flagger's metric interval is its window too (1m in its docs); five failed checks roll it back.
    canary.analysis = { prometheus: state.prometheus?.url, interval, window: interval, failureLimit, minRequests: 20, successRate: { min: 99 } };
    fs.writeFileSync(file, stringify(doc));
    const trafficFile = state.prometheus?.trafficFile as string;
    fs.writeFileSync(trafficFile, JSON.stringify({ gateways: { [KEY]: { rps: 50 } } }));
    const pulumi = path.join(state.bin, "pulumi");
    for (const args of [["stack", "init", "dev"], ["up", "--yes", "--skip-preview", "--stack", "dev"]]) {
      const r = await run(state, dir, pulumi, [...args, "--non-interactive"]);
      if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output.slice(-2000)}`);
    }
    // Let a whole window of healthy traffic reach Prometheus before the run measures its first step.
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    let badAt: number | undefined;
    const started = Date.now();
    const r = await run(state, dir, process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "rollout", "--stack-file", file, "run"], (line) => {
      if (badAt === undefined && /next: the analysis passed at/.test(line)) {
        fs.writeFileSync(trafficFile, JSON.stringify({ gateways: { [KEY]: { rps: 50, revisions: { "1-26-0": { errorPercent: 20 } } } } }));
        badAt = Date.now();
      }
    });
    const ended = Date.now();
    if (badAt === undefined || r.code !== 2) throw new Error(`rollout run did not abort after the canary turned bad (exit ${r.code}):\n${r.output.slice(-3000)}`);
    const measured = (ended - badAt) / 1000;
    const flagger = seconds * failureLimit;
    out(`## time to detect a bad canary: rollout run with canary.analysis, real Prometheus (interval ${interval}, window ${interval}, failureLimit ${failureLimit})`);
    out("| from the canary turning bad to the abort's pulumi up finishing | Flagger's documented rollback time (interval × threshold) | ratio | the whole run |");
    out("| ---: | ---: | ---: | ---: |");
    out(`| ${measured.toFixed(1)} s | ${flagger.toFixed(1)} s | ${(measured / flagger).toFixed(2)} | ${((ended - started) / 1000).toFixed(1)} s |`);
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await stopCluster(state);
  }
}
