/**
 * mocha's settings for `npm test`: the offline suite (tests/**\/*.test.ts; tests/e2e/ is npm run e2e's) in two
 * workers, one per core. Workers take files in the order given, so the longest files go first and the two finish
 * together instead of one waiting on a long file picked up last.
 */
const fs = require("fs");
const path = require("path");

const LONGEST_FIRST = [
  "tests/package/consumer.test.ts",
  "tests/tools/diff.test.ts",
  "tests/tools/commands.test.ts",
  "tests/tools/render.test.ts",
  "tests/tools/launch.test.ts",
  "tests/stacks/schema.test.ts",
  "tests/tools/bench.test.ts",
  "tests/bad-input.test.ts",
  "tests/tools/offline-tuning.test.ts",
  "tests/plan/mutation.test.ts",
  "tests/tools/rollout.test.ts",
  "tests/stacks/rollout-walk.test.ts",
  "tests/plan/gateway-api.test.ts",
];

function testFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "e2e" ? [] : testFiles(file);
    return e.name.endsWith(".test.ts") ? [file] : [];
  });
}

const all = testFiles("tests");
module.exports = {
  // ts-node first, with SWC (tools/engine/register-ts.js; it compiles what follows), then the offline runner's tuning, as the commands run it.
  require: ["tools/engine/register-ts.js", "tests/support/offline-tuned.ts"],
  extension: ["ts"],
  spec: [...LONGEST_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !LONGEST_FIRST.includes(f))],
  parallel: true,
  jobs: 2,
  timeout: 60000,
  reporter: "spec",
};
