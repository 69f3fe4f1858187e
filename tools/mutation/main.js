/**
 * `npm run mutation [-- --full] [--mutate <globs>]`: mutation testing of the pure core (components/core/) with Stryker, a benchmark of
 * the tests, not part of `npm test` or CI (docs/mutation.md). Stryker (tools/mutation/stryker.config.json) mutates
 * every file of the core but its doors (index.ts), runs the tests that state the core's rules
 * (tools/mutation/mocharc.cjs) against each mutant that they cover (per-test coverage), and keeps its results in
 * .build/mutation/ so that a rerun tests only what changed (incremental mode; `--full` forgets them).
 *
 * Then it prints the score per room (model, validate, plan, analyze, and prepare.ts), the core's score against the
 * 85 % target, and every surviving mutant: listed as equivalent (tools/mutation/equivalent.json, with the reason no
 * test can tell it from the original) or as unexplained. Exit 1 when Stryker fails or the core is under 85 %.
 * Plain JavaScript, like npm test's entry.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, ".build", "mutation");
const REPORT = path.join(DIR, "report.json");
const TARGET = 85;

/** Stryker's score: detected (killed, timed out) over every mutant that ran or had no test (compile errors aside). */
function score(mutants) {
  const detected = mutants.filter((m) => m.status === "Killed" || m.status === "Timeout").length;
  const valid = mutants.filter((m) => ["Killed", "Timeout", "Survived", "NoCoverage"].includes(m.status)).length;
  return { detected, valid, percent: valid === 0 ? 100 : (100 * detected) / valid };
}

/** The room a core file lives in: its folder under components/core/, or the file itself at the core's top. */
function roomOf(file) {
  const rest = path.relative(path.join(ROOT, "components", "core"), path.resolve(ROOT, file)).split(path.sep);
  return rest.length > 1 ? `${rest[0]}/` : rest[0];
}

/** The equivalent mutants, keyed file:line:mutator:replacement, each with its reason. */
function equivalents() {
  const file = path.join(__dirname, "equivalent.json");
  const list = JSON.parse(fs.readFileSync(file, "utf8"));
  return new Map(list.map((e) => [`${e.file}:${e.line}:${e.mutator}:${e.replacement}`, e.reason]));
}

function main() {
  const started = Date.now();
  const full = process.argv.includes("--full");
  if (full) fs.rmSync(path.join(DIR, "incremental.json"), { force: true });
  const stryker = path.join(ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
  // Any other argument goes to Stryker as it is (e.g. `--mutate "components/core/plan/**/*.ts"` for one room).
  const passed = process.argv.slice(2).filter((a) => a !== "--full");
  const run = spawnSync(process.execPath, [stryker, "run", path.join("tools", "mutation", "stryker.config.json"), ...passed], { cwd: ROOT, stdio: "inherit" });
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  if (run.status !== 0) {
    process.stderr.write(`error: Stryker exited ${run.status ?? run.signal} after ${minutes} min\n`);
    process.exit(1);
  }
  const report = JSON.parse(fs.readFileSync(REPORT, "utf8"));
  const files = Object.entries(report.files).map(([file, f]) => ({ file: path.relative(ROOT, path.resolve(ROOT, file)), mutants: f.mutants }));
  const rooms = new Map();
  for (const f of files) rooms.set(roomOf(f.file), [...(rooms.get(roomOf(f.file)) ?? []), ...f.mutants]);
  const all = files.flatMap((f) => f.mutants);
  const known = equivalents();
  const survivors = files.flatMap((f) => f.mutants.filter((m) => m.status === "Survived" || m.status === "NoCoverage").map((m) => {
    const key = `${f.file}:${m.location.start.line}:${m.mutatorName}:${m.replacement}`;
    return { where: `${f.file}:${m.location.start.line}:${m.location.start.column}`, m, reason: known.get(key) };
  }));

  process.stdout.write(`\nmutation score per room (components/core/), ${minutes} min${full ? " (full run)" : " (incremental)"}:\n`);
  for (const [room, mutants] of [...rooms].sort()) {
    const s = score(mutants);
    process.stdout.write(`  ${room.padEnd(12)} ${s.percent.toFixed(1).padStart(5)} %  (${s.detected} of ${s.valid} detected)\n`);
  }
  const total = score(all);
  const compileErrors = all.filter((m) => m.status === "CompileError" || m.status === "RuntimeError").length;
  const label = passed.some((a) => a.startsWith("--mutate")) ? "these rooms" : "core";
  process.stdout.write(`  ${label.padEnd(12)} ${total.percent.toFixed(1).padStart(5)} %  (${total.detected} of ${total.valid}; target ${TARGET} %; ${compileErrors} mutants that do not run left out)\n`);
  const unexplained = survivors.filter((s) => !s.reason);
  process.stdout.write(`\nsurvivors: ${survivors.length}, ${survivors.length - unexplained.length} listed as equivalent (tools/mutation/equivalent.json), ${unexplained.length} unexplained\n`);
  for (const s of survivors) {
    process.stdout.write(`  ${s.where} ${s.m.mutatorName} → ${JSON.stringify(s.m.replacement ?? "").slice(0, 80)}${s.m.status === "NoCoverage" ? " (no test runs it)" : ""}${s.reason ? `: equivalent, ${s.reason}` : ""}\n`);
  }
  process.exit(total.percent >= TARGET ? 0 : 1);
}

main();
