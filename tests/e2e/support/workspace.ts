/**
 * A Pulumi project in a temp folder, run by the real Pulumi CLI against a local cluster: this repository's
 * program (Pulumi.yaml, stacks/, components/, its node_modules linked) with a temp copy of one stack file,
 * because `pulumi stack init` rewrites the stack file it finds (it adds `encryptionsalt:`). State lives in a file
 * backend in the same folder. The commands are the docs': `pulumi stack init`, `pulumi up`, `pulumi preview
 * --expect-no-changes`, `npm run rollout`, `pulumi destroy`.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { adopt, clusterEnv, ClusterState, release, signalSession } from "../../../tools/cluster/control-plane";
import { copyProgram } from "../../../tools/cluster/project";
import { ROOT } from "../../support/run";
import { activeMutant, applyMutant } from "./mutants";


export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

export class CommandFailed extends Error {
  constructor(readonly what: string, readonly result: CommandResult) {
    super(`${what} exited ${result.code ?? result.signal}:\n${tail(result.stdout)}\n${tail(result.stderr)}`);
  }
}

function tail(text: string, lines = 40): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** The warnings in a command's output, less "using <plugin> from $PATH" (which only says where this toolchain lives). */
export function engineWarnings(output: string): string[] {
  return [...new Set(output.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("warning:") && !/ from \$PATH at /.test(l)))];
}

export interface CanaryState {
  revision: string;
  weight: number;
  steps: number[];
}

export class Workspace {
  readonly dir: string;
  readonly stack: string;
  readonly stackFile: string;

  /**
   * @param stackFile a `Pulumi.<stack>.yaml` anywhere; its stack name is kept
   * @param program another program than the stacks': a folder copied beside the component (its Pulumi.yaml
   *   becomes the project's, and names its entry as `<folder>/…`)
   */
  constructor(readonly cluster: ClusterState, stackFile: string, program?: string) {
    // Inside the cluster's folder: whatever stops the cluster (down, the watchdog) removes the project too.
    this.dir = fs.mkdtempSync(path.join(cluster.dir, "project-"));
    copyProgram(this.dir);
    // In a mutant run (npm run e2e -- --mutants), every project of the lane is the broken copy.
    const mutant = activeMutant();
    if (mutant) applyMutant(this.dir, mutant);
    if (program) {
      fs.cpSync(program, path.join(this.dir, path.basename(program)), { recursive: true });
      fs.copyFileSync(path.join(program, "Pulumi.yaml"), path.join(this.dir, "Pulumi.yaml"));
    }
    this.stack = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(stackFile))?.[1] ?? "e2e";
    this.stackFile = path.join(this.dir, `Pulumi.${this.stack}.yaml`);
    fs.copyFileSync(stackFile, this.stackFile);
    for (const sub of [".pulumi-state", ".pulumi-home"]) fs.mkdirSync(path.join(this.dir, sub)); // the file backend needs its folder
  }

  /** The cluster's exports, with this project's own Pulumi home and state. */
  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...clusterEnv(this.cluster),
      PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, ".pulumi-state")}`,
      PULUMI_COLOR: "never",
    };
  }

  /** Runs a command in the project as a process group of its own, recorded with the cluster so cleanup stops it. */
  run(command: string, args: string[], opts: { timeoutMs?: number; onStart?: (pid: number) => void; cwd?: string } = {}): Promise<CommandResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: opts.cwd ?? this.dir, env: this.env(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
      if (child.pid === undefined) return reject(new Error(`cannot start ${command}`));
      const pid = child.pid;
      adopt(this.cluster, { name: `${path.basename(command)} ${args[0]}`, pid });
      opts.onStart?.(pid);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => signalSession(pid, "SIGKILL"), opts.timeoutMs ?? 15 * 60 * 1000);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        // A CLI killed outright (the faults suite's SIGKILL) leaves its plugins running in its session, orphaned:
        // stop them before the session is forgotten, or they outlive the run.
        signalSession(pid, "SIGKILL");
        release(this.cluster, pid);
        resolve({ code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 });
      });
    });
  }

  async pulumi(args: string[], opts: { timeoutMs?: number; onStart?: (pid: number) => void } = {}): Promise<CommandResult> {
    return this.run(path.join(this.cluster.bin, "pulumi"), [...args, "--non-interactive", "--stack", this.stack], opts);
  }

  /** Throws with the command's output unless it exited 0. */
  async must(args: string[]): Promise<CommandResult> {
    const r = await this.pulumi(args);
    if (r.code !== 0) throw new CommandFailed(`pulumi ${args.join(" ")}`, r);
    return r;
  }

  async init(): Promise<void> {
    const r = await this.run(path.join(this.cluster.bin, "pulumi"), ["stack", "init", this.stack, "--non-interactive"]);
    if (r.code !== 0) throw new CommandFailed("pulumi stack init", r);
  }

  up(): Promise<CommandResult> {
    return this.must(["up", "--yes", "--skip-preview", "--diff"]);
  }

  /** `pulumi preview --expect-no-changes`: a repeated `pulumi up` would change nothing. */
  expectNoChanges(): Promise<CommandResult> {
    return this.must(["preview", "--expect-no-changes", "--diff"]);
  }

  destroy(): Promise<CommandResult> {
    return this.must(["destroy", "--yes", "--skip-preview"]);
  }

  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.must(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, unknown>;
  }

  /** The rollout command on this project's stack file: `npm run rollout -- --stack-file F <verb> [--gateway G] [flags]`. */
  async rollout(verb: string, gateway?: string, flags: string[] = []): Promise<string> {
    const args = [path.join(ROOT, "tools", "engine", "launch.js"), "rollout", "--stack-file", this.stackFile, verb, ...(gateway ? ["--gateway", gateway] : []), ...flags];
    const r = await this.run(process.execPath, args);
    if (r.code !== 0) throw new CommandFailed(`rollout ${verb}`, r);
    return r.stdout;
  }

  /** The render command on this project's stack file: every object the stack declares, as JSON. */
  async render(): Promise<Array<Record<string, unknown>>> {
    const r = await this.run(process.execPath, [path.join(ROOT, "tools", "engine", "launch.js"), "render", "--stack-file", this.stackFile, "--format", "json"]);
    if (r.code !== 0) throw new CommandFailed("render", r);
    return (JSON.parse(r.stdout) as Array<{ manifest: Record<string, unknown> }>).map((e) => e.manifest);
  }

  /** The gateways of the stack file as it is now. */
  gateways(): Record<string, { namespace: string; replicas?: number; revision?: string; canary?: CanaryState; [key: string]: unknown }> {
    const doc = parse(fs.readFileSync(this.stackFile, "utf8")) as { config: Record<string, unknown> };
    return doc.config["istio-gateways:gateways"] as ReturnType<Workspace["gateways"]>;
  }

  /** Edits one gateway's settings in the stack file (a test's hand edit, as a user's pull request would). */
  setGateway(name: string, edit: (gw: Record<string, unknown>) => void): void {
    const doc = parse(fs.readFileSync(this.stackFile, "utf8")) as { config: Record<string, Record<string, Record<string, unknown>>> };
    edit(doc.config["istio-gateways:gateways"][name]);
    fs.writeFileSync(this.stackFile, stringify(doc));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
