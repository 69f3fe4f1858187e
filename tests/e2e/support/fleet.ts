/**
 * What the fleet suites (fleet.e2e.ts, fleet-resume.e2e.ts) do to each of their stacks, in one project of several
 * stack files: initialise and bring it up, and read its update history as `pulumi stack history` prints it.
 */
import * as assert from "assert";
import * as path from "path";
import { Workspace } from "./workspace";

export interface Update { kind: string; result: string; start: number; end: number }

/** `pulumi stack init` and a first `pulumi up` of a stack whose file is already in the project. */
export async function initStack(ws: Workspace, stack: string): Promise<void> {
  const init = await ws.run(path.join(ws.cluster.bin, "pulumi"), ["stack", "init", stack, "--non-interactive"]);
  assert.strictEqual(init.code, 0, init.stderr);
  const up = await ws.run(path.join(ws.cluster.bin, "pulumi"), ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", stack]);
  assert.strictEqual(up.code, 0, up.stdout + up.stderr);
}

/** The stack's updates, refreshes and previews, newest first, with their start and end in ms. */
export async function stackHistory(ws: Workspace, stack: string): Promise<Update[]> {
  const r = await ws.run(path.join(ws.cluster.bin, "pulumi"), ["stack", "history", "--json", "--stack", stack, "--non-interactive"]);
  assert.strictEqual(r.code, 0, r.stderr);
  const time = (t: string | number) => (typeof t === "number" ? t * 1000 : Date.parse(t));
  return (JSON.parse(r.stdout) as Array<{ kind: string; result: string; startTime: string | number; endTime: string | number }>)
    .map((u) => ({ kind: u.kind, result: u.result, start: time(u.startTime), end: time(u.endTime) }));
}
