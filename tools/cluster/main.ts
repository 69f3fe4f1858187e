/**
 * `npm run cluster -- <up|down|env> [--name <name>]`: a throwaway Kubernetes control plane on loopback for
 * `pulumi preview/up` and kubectl by hand.
 *
 * - `up` finds or builds the toolchain (one progress line per part, on stderr), starts the cluster and prints
 *   shell exports on stdout: `eval "$(npm run -s cluster -- up)"`.
 * - `env` prints the exports of a running cluster again.
 * - `down` stops every process the cluster started, by pid, and removes its folder (Pulumi state included).
 */
import { fail, parseArgs, UsageError } from "../engine/cli";
import { ClusterError, ClusterState, exportsText, readState, startCluster, stopCluster } from "./control-plane";
import { ensureToolchain } from "./toolchain";

const USAGE = "usage: npm run cluster -- <up|down|env> [--name <name>]";

function running(name: string): ClusterState {
  const state = readState(name);
  if (!state) throw new ClusterError(`cluster "${name}" is not up; start it with \`npm run cluster -- up${name === "local" ? "" : ` --name ${name}`}\``);
  return state;
}

async function main(): Promise<void> {
  const { flags, positional } = parseArgs(process.argv.slice(2), { name: "string" }, "cluster");
  if (positional.length !== 1) throw new UsageError(`cluster: name one verb; ${USAGE}`);
  const name = flags.name ?? "local";
  const log = (line: string) => process.stderr.write(`${line}\n`);
  switch (positional[0]) {
    case "up": {
      const toolchain = await ensureToolchain(log);
      process.stdout.write(exportsText(await startCluster({ name, toolchain, log })));
      log(`cluster: "${name}" is up; \`npm run cluster -- down${name === "local" ? "" : ` --name ${name}`}\` stops it`);
      return;
    }
    case "env":
      process.stdout.write(exportsText(running(name)));
      return;
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
