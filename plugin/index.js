// What the plugin host runs (PulumiPlugin.yaml sets typescript: false): the compiled component, dist/, when it was
// built from the sources on disk (npm ci's prepare, npm run build), else the sources through ts-node without type
// checking. The host's own TypeScript start type-checks the whole component at every start: `pulumi package
// get-schema` took 14.6 s that way and 8.9 s this way (docs/program.md); the schema analyzer
// reads the types from index.ts beside this file either way.
"use strict";
const path = require("path");
const { DIST_DIR, builtDigest, distSourceDigest } = require("../components/build-digest.js");

const root = path.resolve(__dirname, "..");
const built = builtDigest(root, DIST_DIR);
if (built !== undefined && built === distSourceDigest(root)) {
  module.exports = require("../dist");
} else {
  require("ts-node").register({ transpileOnly: true });
  module.exports = require("../components");
}
