/** Helpers to run the render command as a process, the way a user does. */
import { spawnSync } from "child_process";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "../..");

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(tool: string, args: string[]): ProcessResult {
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "tools", `${tool}.ts`), ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
