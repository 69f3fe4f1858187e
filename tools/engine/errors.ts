/**
 * The one base class of mistakes a user fixes (a bad flag, a missing stack file, a refused canary move): the
 * engine prints their message alone, without a stack trace. Each command's own errors extend it, so the engine
 * needs to name no command.
 */
export class UserError extends Error {
  /** The process exit code: 1 unless the command says otherwise (the fleet's 2 for "halted"). */
  readonly exitCode: number = 1;
}
