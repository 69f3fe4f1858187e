/**
 * The one base class of mistakes a user fixes (a bad flag, a missing stack file, a refused canary move): the
 * engine prints their message alone, without a stack trace. Each command's own errors extend it, so the engine
 * needs to name no command.
 */
export class UserError extends Error {}
