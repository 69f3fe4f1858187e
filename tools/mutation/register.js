/**
 * TypeScript for mocha under Stryker (tools/mutation/mocharc.cjs): ts-node, transpile only, with SWC's compiler
 * (`@swc/core`) in place of TypeScript's. Stryker restarts its test runner for every mutant of code that runs while
 * the tests load (a "static" mutant: a constant list, a pattern) and after each timeout; each restart transpiles the
 * tests and the core again. SWC loads the suite in ~3 s against ~8 s with TypeScript's transpiler, which is most of
 * what a static mutant costs. Types are not checked either way (docs/mutation.md, "No TypeScript checker").
 * `npm test` keeps TypeScript's transpiler: there the subprocess tests set the pace, and SWC saved nothing
 * (64.8 s against 65.8 s, 2026-12-06).
 */
"use strict";
require("ts-node").register({ transpileOnly: true, swc: true });
