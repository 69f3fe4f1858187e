/**
 * `npm run policy:bundle`: the policy pack as one self-contained folder, .build/policy-pack/, for
 * `pulumi policy publish` (which uploads only the pack's own folder, while policy/ imports its rules from
 * components/core/). tsc compiles policy/ and the rules it imports side by side; the pack's PulumiPolicy.yaml and a
 * package.json whose main is the compiled index.js go beside them. Plain JavaScript: it runs before any
 * TypeScript loader.
 */
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, ".build", "policy-pack");
const USAGE = `usage: npm run policy:bundle

Writes .build/policy-pack/: the CrossGuard pack compiled with the rules it imports, its PulumiPolicy.yaml and a
package.json, as one folder for pulumi policy publish (docs/policy.md).

example: npm run policy:bundle && cd .build/policy-pack && npm install && pulumi policy publish <org>`;

// Plain JavaScript, so it reads its arguments itself: --help prints the usage, anything else is refused.
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (args.length > 0) {
  process.stderr.write(`error: policy:bundle: unexpected argument ${JSON.stringify(args[0])}; it takes none (--help prints the usage)\n`);
  process.exit(1);
}

fs.rmSync(OUT, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.policy.json"], { cwd: ROOT, stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "package.json"), "utf8"));
fs.writeFileSync(path.join(OUT, "package.json"), `${JSON.stringify({ ...manifest, main: "policy/index.js" }, null, 2)}\n`);
fs.copyFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), path.join(OUT, "PulumiPolicy.yaml"));
process.stdout.write(`policy pack bundled in ${path.relative(ROOT, OUT)}/: cd there, npm install, pulumi policy publish <org>\n`);
