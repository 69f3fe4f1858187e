/**
 * A command as a function of its arguments and its output streams, so that tests can run it in-process (no
 * Node start-up, no transpiling per case) and the process entry is one line. `runCommand` turns a failure into
 * the one `error:` line and exit code the process would give.
 */
import { describe, HelpShown } from "./cli";
import { UserError } from "./errors";

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

export type Command = (argv: string[], io: CommandIO) => Promise<void> | void;

export interface CommandResult {
  code: number;
  /** What the command failed with, for tests that look past the message (e.g. what was registered first). */
  error?: unknown;
}

/** Runs a command with its output to `io`; warnings logged during the run (Pulumi's, offline) go to `io.err`. */
export async function runCommand(command: Command, argv: string[], io: CommandIO): Promise<CommandResult> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => io.err(`${args.map(String).join(" ")}\n`);
  try {
    await command(argv, io);
    return { code: 0 };
  } catch (e) {
    if (e instanceof HelpShown) {
      io.out(`${e.text}\n`);
      return { code: 0 };
    }
    io.err(`error: ${describe(e).message}\n`);
    return { code: e instanceof UserError ? e.exitCode : 1, error: e };
  } finally {
    console.warn = warn;
  }
}

/** A command's process entry: the real streams; on failure exit at once, as nothing else is left to do. */
export function runMain(command: Command): void {
  const io: CommandIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  void runCommand(command, process.argv.slice(2), io).then(({ code }) => {
    if (code !== 0) process.exit(code);
  });
}
