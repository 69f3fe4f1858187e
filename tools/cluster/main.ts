/**
 * `npm run cluster -- <up|down|env> [--name <name>]`: a throwaway Kubernetes control plane on loopback for
 * `pulumi preview/up` and kubectl by hand.
 *
 * - `up` finds or builds the toolchain (one progress line per part, on stderr), starts the cluster and prints
 *   shell exports on stdout: `eval "$(npm run -s cluster -- up)"`. `--istiod 1-25-1,1-26-0` adds one istiod per
 *   revision (istiod.ts) and `--istiod-tag prod-stable=1-25-1` revision tags; a `default` tag goes to the first
 *   revision unless named. `--prometheus` adds a real Prometheus scraping a stand-in for each gateway pod's Envoy
 *   metrics (prometheus.ts, traffic.ts; docs/analysis.md).
 * - `toolchain` only finds or builds the toolchain (CI builds it while the offline suite runs); Prometheus, which
 *   only the analysis suite uses, with `--prometheus` (the e2e run builds it in the background when it is missing).
 * - `--envoy` (with `--istiod`) puts an upstream Envoy behind every gateway pod, configured by its revision's istiod
 *   (envoy-harness.ts), and `load` sends requests through a Service as kube-proxy would (load.ts; docs/traffic.md).
 * - `env` prints the exports of a running cluster again.
 * - `down` stops every process the cluster started, by pid, and removes its folder (Pulumi state included).
 */
import * as path from "path";
import { fail, parseArgs, UsageError } from "../engine/cli";
import { ClusterError, ClusterState, exportsText, readState, startCluster, startLoad, stopCluster } from "./control-plane";
import { istiodChoice } from "./istiod";
import { LoadRecord, loadOptions, readRecords, summarize } from "./load";
import { ensureToolchain, formatSeconds } from "./toolchain";

const USAGE = "usage: npm run cluster -- <up|down|env|toolchain|load> [--name <name>] [--istiod <rev>[,<rev>…]] [--istiod-tag <tag>=<rev>[,…]] [--prometheus] [--envoy]";

/** The optional toolchain parts the flags ask for. */
function optionalParts(flags: Record<string, string | undefined>): string[] {
  return ["prometheus", "envoy"].filter((p) => flags[p] === "true");
}

function running(name: string): ClusterState {
  const state = readState(name);
  if (!state) throw new ClusterError(`cluster "${name}" is not up; start it with \`npm run cluster -- up${name === "local" ? "" : ` --name ${name}`}\``);
  return state;
}

/** Over HTTPS: each certificate the gateway presented (its SHA-256 fingerprint) and how many handshakes got it. */
function certificates(records: LoadRecord[]): Array<[string, number]> {
  const seen = new Map<string, number>();
  for (const r of records) if (r.cert) seen.set(r.cert, (seen.get(r.cert) ?? 0) + 1);
  return [...seen].sort();
}

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), "cluster");
  if (positional.length !== 1) throw new UsageError(`cluster: name one verb; ${USAGE}`);
  const name = flags.name ?? "local";
  const log = (line: string) => process.stderr.write(`${line}\n`);
  switch (positional[0]) {
    case "up": {
      if (flags["istiod-tag"] && !flags.istiod) throw new UsageError("cluster: --istiod-tag needs --istiod (the revisions its tags point at)");
      const istiod = flags.istiod === undefined ? undefined : istiodChoice(flags.istiod, flags["istiod-tag"]);
      const prometheus = flags.prometheus === "true";
      const envoy = flags.envoy === "true";
      if (envoy && !istiod) throw new UsageError("cluster: --envoy needs --istiod <revisions>: each gateway pod's Envoy takes its config from its revision's istiod");
      const toolchain = await ensureToolchain(log, { optional: optionalParts(flags) });
      process.stdout.write(exportsText(await startCluster({ name, toolchain, istiod, prometheus, envoy, log })));
      log(`cluster: "${name}" is up; \`npm run cluster -- down${name === "local" ? "" : ` --name ${name}`}\` stops it`);
      return;
    }
    case "toolchain": {
      const started = Date.now();
      const toolchain = await ensureToolchain(log, { optional: optionalParts(flags) });
      const later = toolchain.deferred.length > 0 ? ` (not built, until asked for: ${toolchain.deferred.map((d) => `--${d}`).join(", ")})` : "";
      log(`cluster: toolchain ready in ${formatSeconds((Date.now() - started) / 1000)}${later}`);
      return;
    }
    case "env":
      process.stdout.write(exportsText(running(name)));
      return;
    case "load": {
      const state = running(name);
      const options = loadOptions(flags);
      const records = path.join(state.dir, `load-${Date.now()}.jsonl`);
      await startLoad(state, options, records).done;
      const all = readRecords(records);
      const s = summarize(all);
      const pods = new Map<string, number>();
      for (const r of all) {
        const where = `${r.pod ?? r.ip ?? "no endpoint"} (${r.revision ?? "?"})`;
        pods.set(where, (pods.get(where) ?? 0) + 1);
      }
      const share = Object.entries(s.byRevision).map(([rev, n]) => `${rev} ${((100 * n) / Math.max(1, s.sent - s.failed)).toFixed(1)} %`).join(", ");
      process.stdout.write([
        `load: ${s.sent} requests to ${options.service}:${options.port}, ${s.failed} failed; by revision: ${share || "none answered"}; p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`,
        ...[...pods].sort().map(([p, n]) => `  ${p}: ${n}`),
        ...certificates(all).map(([fp, n]) => `  certificate sha256 ${fp}: ${n} handshakes`),
        ...s.examples.map((e) => `  failed: ${e}`),
        `  every request: ${records}`,
      ].join("\n") + "\n");
      if (s.failed > 0) process.exitCode = 2;
      return;
    }
    case "down": {
      const state = running(name);
      await stopCluster(state);
      log(`cluster: "${name}" stopped (${state.processes.length} processes) and ${state.dir} removed`);
      return;
    }
    default:
      throw new UsageError(`cluster: unknown verb ${JSON.stringify(positional[0])}; ${USAGE}`);
  }
}

main().catch(fail);
