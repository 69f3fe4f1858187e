/**
 * Under Stryker only (tools/mutation/mocharc.cjs): every fast-check property runs from one seed and for at most
 * 250 ms (then passes with the runs it made), instead of its full count. A mutant is run against every test that
 * covers it, and the property tests cover most of the core: at their full counts, with Stryker's instrumentation,
 * a surviving mutant cost up to ~15 s and the full run went past the hour. Most mutants fail a property within its
 * first runs; `npm test` keeps the full counts.
 */
"use strict";
const fc = require("fast-check");

fc.configureGlobal({ seed: 20261206, interruptAfterTimeLimit: 250, markInterruptAsFailure: false });
