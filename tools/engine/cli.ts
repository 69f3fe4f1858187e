/**
 * What every command shares: flag parsing and how a failure is reported (one message on stderr, exit 1, no
 * stack trace for mistakes a user can fix).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../components/core";
import { StackConfigError } from "../../stacks/config";
import { ProgramError } from "./offline";
import { UserError } from "./errors";
import { HELP, ParsedArgs, readArgs, wantsHelp } from "./help";

export class UsageError extends UserError {}

/** `--help` was asked for: the command prints this text on stdout and exits 0. */
export class HelpShown extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/** The command's arguments, read against its options in help.ts's table. */
export function parseArgs(argv: string[], command: string): ParsedArgs {
  if (wantsHelp(argv) && HELP[command] !== undefined) throw new HelpShown(HELP[command]);
  const read = readArgs(argv, command);
  if ("problem" in read) throw new UsageError(read.problem);
  return read;
}

/** Messages a user acts on are printed alone; anything else is a bug and keeps its stack. */
export function describe(error: unknown): { message: string; expected: boolean } {
  const cause = error instanceof ProgramError ? error.cause : error;
  const expected = cause instanceof UserError || cause instanceof ConfigError || cause instanceof StackConfigError
    || pulumi.RunError.isInstance(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  return { message: expected ? message : (cause instanceof Error && cause.stack) || message, expected };
}

export function fail(error: unknown): never {
  if (error instanceof HelpShown) {
    process.stdout.write(`${error.text}\n`);
    process.exit(0);
  }
  const { message } = describe(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}
