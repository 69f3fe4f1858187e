/**
 * tuneForOfflineRun: process-wide, so checked in a child process (it would change this runner's stack traces).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { ROOT } from "../support/run";

const PROBE = `
const { tuneForOfflineRun } = require("./tools/engine/offline");
const pulumi = require("@pulumi/pulumi");
tuneForOfflineRun();
function thrower() { throw new Error("boom"); }
let stack = "";
try { thrower(); } catch (e) { stack = e.stack; }
console.log(JSON.stringify({ callsites: pulumi.Resource.callsites().length, limit: Error.stackTraceLimit, stack }));
`;

describe("offline run tuning (tuneForOfflineRun)", () => {
  let probe: { callsites: number; limit: number; stack: string };

  before(() => {
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", PROBE], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stderr);
    probe = JSON.parse(r.stdout);
  });

  it("answers the SDK's per-resource source-position capture with no frames: only the engine reads it", () => {
    assert.strictEqual(probe.callsites, 0);
  });

  it("caps other stack traces at one frame", () => {
    assert.strictEqual(probe.limit, 1);
  });

  it("still formats other errors' stacks, with their message and frame", () => {
    assert.match(probe.stack, /^Error: boom\n {4}at thrower \(/);
  });
});

describe("the test workers (tests/support/offline-tuned.ts)", () => {
  it("keep Node's stack trace depth, so a failing assertion shows the frames that led to it", () => {
    assert.ok(Error.stackTraceLimit >= 10, `Error.stackTraceLimit is ${Error.stackTraceLimit}`);
    const nested = () => (() => new Error("where"))();
    assert.ok((nested().stack ?? "").split("\n").length > 3);
  });
});
