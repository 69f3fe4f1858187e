/**
 * The commands run in the test process: the same function the process entry runs (tools/<command>/command.ts),
 * its stdout, stderr and exit code captured. No Node start-up and no transpiling per case; the few tests about the
 * process itself (exit codes, stream separation, the compiled launcher) still use runTool.
 */
import { Command, runCommand } from "../../tools/engine/command";
import { ProgramError, Registered } from "../../tools/engine/offline";
import { ProcessResult } from "./run";

const COMMANDS: Record<string, () => Command> = {
  render: () => require("../../tools/render/command").render,
  rollout: () => require("../../tools/rollout/command").rollout,
  adopt: () => require("../../tools/adopt/command").adopt,
};

export interface InProcessResult extends ProcessResult {
  /** What the program had registered before it failed; empty when it failed before registering anything. */
  registered: Registered[];
}

export async function runInProcess(tool: string, args: string[]): Promise<InProcessResult> {
  let stdout = "";
  let stderr = "";
  const { code, error } = await runCommand(COMMANDS[tool](), args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { status: code, stdout, stderr, registered: error instanceof ProgramError ? error.registered : [] };
}
