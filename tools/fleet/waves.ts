/**
 * Where each stack of a fleet stands, and what one `fleet next` does: plain functions over plain values.
 *
 * A stack's position is its canary step: 0 (weight 0), 1…n (the n steps of canary.steps), n+1 (promoted: the
 * fleet's revision is the stable one and the canary is gone). A `next` brings every stack to one target position,
 * the lowest position any stack holds plus one, wave by wave: a stack behind moves one step, a stack whose last
 * update failed is updated again at the step its file already holds, a stack at the target is only verified. So
 * after a halt, the same `next` resumes where the fleet stopped and never moves an earlier wave further while a
 * later one is behind.
 */
import { ValidGateway } from "../../components/core";
import { FleetError, Fleet, Wave } from "./fleet-file";

/** The result of a stack's last `pulumi up` (Pulumi's update history), or "none" before the first. */
export type LastUpdate = "succeeded" | "failed" | "in-progress" | "none";

export interface StackPosition {
  stack: string;
  wave: string;
  /** 0…steps.length + 1. */
  index: number;
  /** The canary's weight now, or 100 once promoted. */
  weight: number;
  lastUpdate: LastUpdate;
}

export const Action = {
  /** One step forward: the rollout command's `next` (or `promote` at 100 %), then `pulumi up`. */
  Move: "move",
  /** The last update failed: `pulumi up` again at the step the file holds. */
  Retry: "retry",
  /** At the target already: its health is checked, nothing changes. */
  Verify: "verify",
  /** Promoted: nothing left to do. */
  Done: "done",
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/** The canary steps every stack of the fleet shares, per gateway (fleets compare like with like). */
export function sharedSteps(fleet: Fleet, stacks: ReadonlyArray<{ stack: string; gateways: ValidGateway[] }>): number[] {
  let steps: number[] | undefined;
  let from = "";
  for (const { stack, gateways } of stacks) {
    for (const name of fleet.gateways) {
      const gw = gatewayIn(stack, gateways, name);
      if (!gw.canary) continue;
      if (steps && JSON.stringify(steps) !== JSON.stringify(gw.canary.steps)) {
        throw new FleetError(`fleet "${fleet.file}": stack "${stack}" gateway "${name}" has canary.steps ${JSON.stringify(gw.canary.steps)}, stack "${from}" ${JSON.stringify(steps)}; give every stack of the fleet the same steps, so that a wave's step means the same everywhere`);
      }
      steps = gw.canary.steps;
      from = stack;
    }
  }
  if (!steps) throw new FleetError(`fleet "${fleet.file}": no stack has a canary of revision ${fleet.revision} left to move`);
  return steps;
}

function gatewayIn(stack: string, gateways: ValidGateway[], name: string): ValidGateway {
  const gw = gateways.find((g) => g.name === name);
  if (!gw) throw new FleetError(`stack "${stack}" has no gateway "${name}"; its gateways: ${gateways.map((g) => g.name).join(", ")}`);
  return gw;
}

/** One gateway's position: its canary of the fleet's revision, or promoted to it; anything else is refused. */
export function gatewayIndex(fleet: Fleet, stack: string, gw: ValidGateway, steps: readonly number[]): number {
  if (gw.canary?.revision === fleet.revision) return gw.canary.weight === 0 ? 0 : steps.indexOf(gw.canary.weight) + 1;
  if (!gw.canary && gw.revision === fleet.revision) return steps.length + 1;
  throw new FleetError(`stack "${stack}" gateway "${gw.name}" has no canary of revision ${fleet.revision} (it runs ${gw.revision ?? "the default revision"}${gw.canary ? ` with a canary of ${gw.canary.revision}` : ""}); add canary: { revision: ${fleet.revision}, weight: 0, steps: ${JSON.stringify(steps)} } to its stack file`);
}

/** A stack's position: every fleet gateway in it at one step. */
export function stackIndex(fleet: Fleet, stack: string, gateways: ValidGateway[], steps: readonly number[]): number {
  const indices = fleet.gateways.map((name) => gatewayIndex(fleet, stack, gatewayIn(stack, gateways, name), steps));
  if (new Set(indices).size > 1) {
    throw new FleetError(`stack "${stack}": its gateways ${fleet.gateways.join(", ")} stand at different steps (${indices.join(", ")}); move them to one step with npm run rollout -- --stack ${stack} … --gateway <name>`);
  }
  return indices[0];
}

/** The position every stack is brought to by the next `fleet next`, or undefined when every stack is promoted. */
export function targetIndex(positions: readonly StackPosition[], steps: readonly number[]): number | undefined {
  const done = steps.length + 1;
  // A failed (or interrupted) update has not reached the step its file holds: it counts as one step behind.
  const effective = positions.map((p) => (unfinished(p) ? p.index - 1 : p.index >= done ? Infinity : p.index));
  const lowest = Math.min(...effective);
  return lowest === Infinity ? undefined : lowest + 1;
}

function unfinished(p: StackPosition): boolean {
  return p.lastUpdate === "failed" || p.lastUpdate === "in-progress";
}

export function actionOf(p: StackPosition, target: number | undefined, steps: readonly number[]): Action {
  if (unfinished(p)) return Action.Retry;
  if (target === undefined || p.index > steps.length) return Action.Done;
  return p.index < target ? Action.Move : Action.Verify;
}

/** The rollout verb that moves a stack from its position one step forward. */
export function verbAt(index: number, steps: readonly number[]): "next" | "promote" {
  return index === steps.length ? "promote" : "next";
}

/** What the index means, e.g. `25% (step 1/3)`, `0%`, `promoted`. */
export function describeIndex(index: number, steps: readonly number[]): string {
  if (index === 0) return "0%";
  if (index > steps.length) return "promoted";
  return `${steps[index - 1]}% (step ${index}/${steps.length})`;
}

/** The wave `abort` rolls back when none is named: the first whose stack failed or is unhealthy. */
export function haltedWave(waves: readonly Wave[], halted: ReadonlySet<string>): Wave | undefined {
  return waves.find((w) => w.stacks.some((s) => halted.has(s)));
}

/** Runs `work` over `items`, at most `limit` at once; once `stop()` says so, no new item starts. */
export async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>, stop: () => boolean): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A plain text table: a header row, then one row per item, columns padded. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}
