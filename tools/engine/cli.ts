/**
 * What every command shares: flag parsing and how a failure is reported (one message on stderr, exit 1, no
 * stack trace for mistakes a user can fix).
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, didYouMean } from "../../components/core";
import { StackConfigError } from "../../stacks/config";
import { ProgramError } from "./offline";
import { UserError } from "./errors";
import { HELP, wantsHelp } from "./help";

export class UsageError extends UserError {}

type FlagSpec = Record<string, "string" | "boolean">;

export interface ParsedArgs {
  flags: Record<string, string | undefined>;
  positional: string[];
}

/** `--help` was asked for: the command prints this text on stdout and exits 0. */
export class HelpShown extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  if (wantsHelp(argv) && HELP[command] !== undefined) throw new HelpShown(HELP[command]);
  const out: ParsedArgs = { flags: {}, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) { out.positional.push(arg); continue; }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const kind = spec[flag];
    if (kind === undefined) {
      const known = Object.keys(spec);
      throw new UsageError(known.length === 0 ? `${command}: unknown option --${flag}; it takes no options (--help prints the usage)`
        : `${command}: unknown option --${flag}; ${didYouMean(flag, known)}options: ${known.map((f) => `--${f}`).join(", ")}, --help`);
    }
    if (kind === "boolean") { out.flags[flag] = "true"; continue; }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${command}: --${flag} needs a value`);
    out.flags[flag] = value;
  }
  return out;
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
