/**
 * `npm run e2e -- --stack-file F`: any stack file, through the real engine on a fresh local cluster. Namespaces
 * the stack expects to exist are created first; then `pulumi up` from empty, the live objects against the render,
 * and each gateway's canary walked through every step to promotion (docs/canary.md), with the ready-pod
 * floor and `pulumi preview --expect-no-changes` at each step. The table of steps is printed at the end.
 */
import * as assert from "assert";
import * as fs from "fs";
import { createExpectedNamespaces, useStack } from "./support/cluster";
import { liveDifferences } from "./support/live";
import { walkCanary, watchedUp } from "./support/steps";

const file = process.env.E2E_STACK_FILE;
if (!file || !fs.existsSync(file)) throw new Error(`stack-file.e2e.ts: E2E_STACK_FILE is ${JSON.stringify(file)}; run it as npm run e2e -- --stack-file <Pulumi.<stack>.yaml>`);

describe(`stack file ${file}, real engine: every canary step`, function () {
  const live = useStack(file, ({ ws, api }) => createExpectedNamespaces(api, ws));

  it("comes up from empty with every object as render printed it", async () => {
    const { ws, api } = live();
    await watchedUp(ws, api, ws.stack, "up from empty");
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    await ws.expectNoChanges();
  });

  it("walks every gateway's canary to promotion with the ready-pod floor held", async () => {
    const { ws, api } = live();
    const canaries = Object.entries(ws.gateways()).filter(([, g]) => g.canary).map(([name]) => name);
    for (const gateway of canaries) await walkCanary(ws, api, ws.stack, gateway);
  });
});
