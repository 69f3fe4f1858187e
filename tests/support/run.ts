/** Helpers to run the commands (and other programs) as processes, the way a user does. */
import { spawn, spawnSync } from "child_process";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "../..");

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command as `npm run <tool>` starts it: the launcher, compiled when the build is current, else ts-node. */
export function runTool(tool: string, args: string[]): ProcessResult {
  const result = spawnSync(process.execPath, [path.join(ROOT, "tools/engine/launch.js"), tool, ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A process that does not block the test runner, so several can run side by side. */
export function startProcess(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
