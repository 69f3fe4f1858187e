/**
 * TypeScript for the commands' uncompiled start (launch.js when the build is not current), the e2e runner, mocha
 * (`npm test`, `npm run mutation`) and the benchmark's uncompiled render: ts-node, transpile only, with SWC's
 * compiler (`@swc/core`, a devDependency that ts-node supports natively) in place of TypeScript's. Neither checks
 * types (that is `tsc --noEmit`'s job in npm test); SWC only transpiles faster: loading the offline suite took
 * 4.4 s in place of 9.5 s, an uncompiled `render --stack dev` 1.35 s in place of 2.44 s (2026-12-06). Without
 * @swc/core installed it falls back to TypeScript's transpiler. Registered once per process: a second
 * registration would stack a second compiler hook on every later require.
 */
"use strict";
if (!process[Symbol.for("ts-node.register.instance")]) {
  let swc = true;
  try {
    require.resolve("@swc/core");
  } catch {
    swc = false;
  }
  require("ts-node").register({ transpileOnly: true, swc });
}
