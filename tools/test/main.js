/**
 * `npm test`: the type-check (`tsc --noEmit`, incremental: its cache lives in .build/) and the offline suite
 * (mocha, two workers; .mocharc.cjs) side by side, since neither needs the other's result. mocha's report streams
 * as it runs; the type-checker's errors follow it. Exit 1 when either fails. Plain JavaScript: it starts before
 * any TypeScript loader.
 */
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "../..");
const bin = (pkg, file) => path.join(ROOT, "node_modules", pkg, file);

function run(args, stdio) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio });
    let output = "";
    if (child.stdout) child.stdout.on("data", (d) => (output += d));
    if (child.stderr) child.stderr.on("data", (d) => (output += d));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main() {
  const started = Date.now();
  const [typecheck, suite] = await Promise.all([
    run([bin("typescript", "bin/tsc"), "--noEmit", "--incremental", "--tsBuildInfoFile", ".build/typecheck.tsbuildinfo"], ["ignore", "pipe", "pipe"]),
    run([bin("mocha", "bin/mocha.js"), ...process.argv.slice(2)], "inherit"),
  ]);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (typecheck.code !== 0) process.stderr.write(`\ntsc --noEmit found type errors:\n${typecheck.output}`);
  else process.stdout.write(`tsc --noEmit: no type errors\n`);
  process.stdout.write(`npm test: ${typecheck.code === 0 && suite.code === 0 ? "passed" : "failed"} in ${seconds} s\n`);
  process.exit(typecheck.code !== 0 || suite.code !== 0 ? 1 : 0);
}

main();
