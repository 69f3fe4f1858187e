/**
 * tuneForOfflineRun: process-wide, so checked in a child process (it would change this runner's stack traces).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { ROOT } from "../support/run";

const PROBE = `
const { tuneForOfflineRun } = require("./tools/engine/offline");
const pulumi = require("@pulumi/pulumi");
const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable");
const limit = Error.stackTraceLimit;
tuneForOfflineRun();
function thrower() { throw new Error("boom"); }
function deeper() { thrower(); }
let stack = "";
try { deeper(); } catch (e) { stack = e.stack; }
const promise = Promise.resolve();
debuggablePromise(promise, "probe"); // it marks the promise it is given, and returns a chained one
console.log(JSON.stringify({ callsites: pulumi.Resource.callsites().length, limitBefore: limit, limit: Error.stackTraceLimit, stack, promiseStack: promise._debugStackTrace }));
`;

type Probe = { callsites: number; limitBefore: number; limit: number; stack: string; promiseStack: string };
const probe = (env: NodeJS.ProcessEnv = {}): Probe => {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", PROBE], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "", ...env } });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Probe;
};

describe("offline run tuning (tuneForOfflineRun)", () => {
  let tuned: Probe;
  before(() => { tuned = probe(); });

  it("answers the SDK's per-resource source-position capture with no frames: only the engine reads it", () => {
    assert.strictEqual(tuned.callsites, 0);
  });

  it("answers the SDK's per-promise capture with no frames: only a leak hunt reads it", () => {
    assert.strictEqual(tuned.promiseStack, "Error");
  });

  it("leaves the stack depth as it was, and formats every other error's stack whole", () => {
    assert.strictEqual(tuned.limit, tuned.limitBefore);
    assert.match(tuned.stack, /^Error: boom\n {4}at thrower \(.*\n {4}at deeper \(/);
  });

  it("keeps the per-promise stacks when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
    assert.match(probe({ PULUMI_DEBUG_PROMISE_LEAKS: "1" }).promiseStack, /^Error\n {4}at debuggablePromise /);
  });
});

describe("the test workers (tests/support/offline-tuned.ts)", () => {
  it("keep Node's stack trace depth, so a failing assertion shows the frames that led to it", () => {
    assert.ok(Error.stackTraceLimit >= 10, `Error.stackTraceLimit is ${Error.stackTraceLimit}`);
    const nested = () => (() => new Error("where"))();
    assert.ok((nested().stack ?? "").split("\n").length > 3);
  });
});
