/**
 * The stacks program's entry under the Pulumi engine (Pulumi.yaml `main`, with `runtime.options.typescript:
 * false`), so that `pulumi preview` and `pulumi up` do not type-check the whole program first: `npm test` and CI do
 * that once. It runs the compiled build (.build/, made by `npm ci` and `npm run build:tools`) when it was built from
 * exactly the sources on disk, else index.ts through ts-node, transpile-only: an edit is always what runs, and no
 * environment variable is needed. `npm run render` runs index.ts itself, offline. Plain JavaScript: it starts
 * before any TypeScript loader.
 */
"use strict";
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const { programEntry } = require("../components/build-digest.js");

const entry = programEntry(ROOT);
if (!entry.compiled) require("ts-node").register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
module.exports = require(entry.file);
