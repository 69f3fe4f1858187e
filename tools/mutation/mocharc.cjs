/**
 * mocha's settings under Stryker (npm run mutation): the tests that state the core's rules, run in one process per
 * Stryker worker (Stryker runs mutants side by side itself, so mocha's own workers are off), without the offline
 * runner's tuning (no Pulumi runs here). The list is the tests that import components/core and nothing that spawns a
 * process: a mutant is killed by a rule, not by a subprocess that happens to load the mutated file. The bad-input
 * corpus runs here as tests/plan/messages.test.ts (each whole message, from the stack program's reading), not
 * through the render command (tests/bad-input.test.ts), which costs Pulumi's mocks per case and per mutant. Property tests
 * are time-bounded here (fast-check.js).
 */
module.exports = {
  require: ["tools/engine/register-ts.js", "tools/mutation/fast-check.js"],
  extension: ["ts"],
  spec: ["tests/plan/*.test.ts", "tests/one-pass.test.ts", "tests/policy/checks.test.ts"],
  timeout: 60000,
};
