/**
 * What the compiled commands (.build/, `npm run build:tools`) were built from: one SHA-256 over the TypeScript
 * sources the commands load (components/, stacks/, tools/) and the compiler settings. tools/engine/launch.js runs the
 * compiled JavaScript only when this digest equals the one stamped at build time. Plain JavaScript, because it
 * runs before any TypeScript loader.
 *
 * It lives beside the component, not with the commands, because the stacks program's entry (stacks/main.js) and
 * the plugin's (plugin/index.js) need it and must not depend on the command-line tooling.
 *
 * `node components/build-digest.js --write` stamps the build (the last step of `npm run build:tools`);
 * `--write-dist` stamps the package's dist/ the same way (the last step of `npm run build`), so that a test can
 * tell whether dist/ is current.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const BUILD_DIR = ".build";
const DIGEST_FILE = "SOURCE_DIGEST";
const SOURCE_DIRS = ["components", "stacks", "tools"];
const SETTINGS = ["tsconfig.json", "tsconfig.tools.json"];

/** Files under `dir` (relative to `root`), depth first, in a fixed order. */
function filesUnder(root, dir) {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => (e.isDirectory() ? filesUnder(root, path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** The digest of the sources and settings as they are on disk under `root` (by default: what .build/ holds). */
function sourceDigest(root, dirs = SOURCE_DIRS, settings = SETTINGS) {
  const hash = crypto.createHash("sha256");
  for (const file of [...dirs.flatMap((d) => filesUnder(root, d)), ...settings]) {
    const text = fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file)) : Buffer.alloc(0);
    hash.update(`${file.split(path.sep).join("/")}\0${text.length}\0`).update(text);
  }
  return hash.digest("hex");
}

/** The digest a build under `root` was stamped with (`file` in `dir`), or undefined when there is no build. */
function builtDigest(root, dir = BUILD_DIR, stamp = DIGEST_FILE) {
  const file = path.join(root, dir, stamp);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
}

/**
 * The stacks program's part of the build (components/ and stacks/, and the settings): what stacks/main.js needs
 * to match, so that a copy of the project without tools/ (or with other tools) still runs compiled.
 */
const PROGRAM_DIGEST_FILE = "PROGRAM_DIGEST";
function programSourceDigest(root) {
  return sourceDigest(root, ["components", "stacks"], SETTINGS);
}
function builtProgramDigest(root) {
  return builtDigest(root, BUILD_DIR, PROGRAM_DIGEST_FILE);
}

/** The package's build, dist/ (`npm run build`): the component's sources and its compiler settings. */
const DIST_DIR = "dist";
function distSourceDigest(root) {
  return sourceDigest(root, ["components"], ["tsconfig.json", "tsconfig.build.json"]);
}

/** Where stacks/main.js starts the program from: the compiled build when it matches the sources, else index.ts. */
function programEntry(root) {
  const built = builtProgramDigest(root);
  return built !== undefined && built === programSourceDigest(root)
    ? { compiled: true, file: path.join(root, BUILD_DIR, "stacks", "index.js") }
    : { compiled: false, file: path.join(root, "stacks", "index.ts") };
}

module.exports = { BUILD_DIR, DIST_DIR, sourceDigest, builtDigest, distSourceDigest, programSourceDigest, builtProgramDigest, programEntry };

if (require.main === module && process.argv[2] === "--write") {
  const root = path.resolve(__dirname, "..");
  fs.writeFileSync(path.join(root, BUILD_DIR, DIGEST_FILE), `${sourceDigest(root)}\n`);
  fs.writeFileSync(path.join(root, BUILD_DIR, PROGRAM_DIGEST_FILE), `${programSourceDigest(root)}\n`);
}
if (require.main === module && process.argv[2] === "--write-dist") {
  const root = path.resolve(__dirname, "..");
  fs.writeFileSync(path.join(root, DIST_DIR, DIGEST_FILE), `${distSourceDigest(root)}\n`);
}
