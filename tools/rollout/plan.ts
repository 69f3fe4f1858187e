/**
 * The rollout plan of a canary, as plain values: the split at every step, the warnings a reviewer needs, and
 * the moves of the rollout command (next, back, abort, promote). No files, no Pulumi.
 */
import { ADOPTED_TRACK, collapsedSteps, splitReplicas, trackBounds, trackName, ValidCanary, ValidGateway } from "../../components/core";
import { UserError } from "../engine/errors";

/** A gap between requested and achieved weight, in percentage points, worth a warning. */
export const FAR_FROM_REQUESTED = 5;

export interface StepRow {
  /** 0 for the start (no canary pods), then 1.. for each step. */
  step: number;
  requested: number;
  stablePods: number;
  canaryPods: number;
  /** With autoscaling: the HPAs' maxima (the pods above are their minima). */
  stableMax?: number;
  canaryMax?: number;
  achieved: number;
  current: boolean;
}

export function stepRows(gw: ValidGateway & { canary: ValidCanary }): StepRow[] {
  return [0, ...gw.canary.steps].map((w, step) => {
    const split = splitReplicas(gw.replicas, w);
    const max = gw.autoscaling && trackBounds(gw.autoscaling, w);
    return {
      step, requested: w, stablePods: split.stable, canaryPods: split.canary,
      ...(max && { stableMax: max.stable.max, canaryMax: max.canary.max }),
      achieved: split.achievedPercent, current: w === gw.canary.weight,
    };
  });
}

function gcd(a: number, b: number): number { return b === 0 ? a : gcd(b, a % b); }

/** The smallest replica count at which every step of the plan is an exact whole-pod split. */
export function exactReplicas(steps: readonly number[]): number {
  return steps.reduce((lcm, w) => { const need = 100 / gcd(100, w); return (lcm * need) / gcd(lcm, need); }, 1);
}

export function planWarnings(gw: ValidGateway & { canary: ValidCanary }): string[] {
  const rows = stepRows(gw);
  const out = collapsedSteps(gw.replicas, gw.canary.steps).map(([a, b, pods]) =>
    `steps ${a}% and ${b}% give the same split (${pods} of ${gw.replicas} pods on the canary): the second changes nothing`);
  const far = rows.filter((r) => Math.abs(r.achieved - r.requested) > FAR_FROM_REQUESTED);
  if (far.length > 0) {
    const n = exactReplicas(gw.canary.steps);
    out.push(`${far.map((r) => `${r.requested}% runs ${r.achieved}%`).join(", ")} with ${gw.replicas} replicas; `
      + `${n} replicas (or a multiple) make every step exact`);
  }
  return out;
}

export function statusText(stack: string, gw: ValidGateway): string {
  const adopted = gw.adoption?.deployment;
  const stable = adopted ? `${ADOPTED_TRACK} (${adopted.name})` : trackName(gw.revision);
  if (gw.canary === undefined) {
    const size = gw.autoscaling ? `${gw.autoscaling.minReplicas}–${gw.autoscaling.maxReplicas} pods (autoscaled)` : `${gw.replicas} pods`;
    return `${gw.name} (stack ${stack}): ${size} on ${stable}, no canary\n`;
  }
  const withCanary = gw as ValidGateway & { canary: ValidCanary };
  const canary = gw.canary.revision;
  const header = ["step", "requested", stable, canary, "achieved"];
  const pods = (min: number, max: number | undefined) => (max === undefined ? `${min}` : `${min}–${max}`);
  const rows = stepRows(withCanary).map((r) =>
    [`${r.current ? ">" : " "} ${r.step === 0 ? "start" : r.step}`, `${r.requested}%`, pods(r.stablePods, r.stableMax), pods(r.canaryPods, r.canaryMax), `${r.achieved}%`]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ").trimEnd();
  const warnings = planWarnings(withCanary).map((w) => `  warning: ${w}\n`).join("");
  const size = gw.autoscaling ? `${gw.autoscaling.minReplicas}–${gw.autoscaling.maxReplicas} pods (autoscaled)` : `${gw.replicas} pods`;
  return `${gw.name} (stack ${stack}): ${size}, ${stable} → ${canary}, canary at ${gw.canary.weight}%\n`
    + [header, ...rows].map((r) => `  ${line(r)}\n`).join("") + warnings;
}

/** A refused move: the message says why and what to do instead. */
export class MoveRefused extends UserError {}

export const Verb = { Next: "next", Back: "back", Abort: "abort", Promote: "promote" } as const;
export type Verb = (typeof Verb)[keyof typeof Verb];

/** What a move does to the stack file. */
export type Edit =
  | { kind: "weight"; from: number; to: number }
  | { kind: "promote"; revision: string; from: number };

/** `stack` names the stack file in refusals: the same gateway name may stand in several. */
export function move(verb: Verb, gw: ValidGateway, force = false, stack?: string): Edit {
  const who = `${stack === undefined ? "" : `stack "${stack}", `}gateway "${gw.name}"`;
  const canary = gw.canary;
  if (canary === undefined) throw new MoveRefused(`${who} has no canary; add canary: { revision: <new revision> } to start one`);
  const w = canary.weight;
  switch (verb) {
    case Verb.Next: {
      const to = canary.steps.find((s) => s > w);
      if (to === undefined) throw new MoveRefused(`${who} is at ${w}%, the last step; run promote to make ${canary.revision} the stable revision`);
      return { kind: "weight", from: w, to };
    }
    case Verb.Back: {
      if (w === 0) throw new MoveRefused(`${who} is at 0%, before the first step; there is no step back`);
      const to = [0, ...canary.steps].filter((s) => s < w).pop() ?? 0;
      return { kind: "weight", from: w, to };
    }
    case Verb.Abort:
      return { kind: "weight", from: w, to: 0 };
    case Verb.Promote:
      if (w !== 100 && !force) {
        throw new MoveRefused(`${who} is at ${w}%; promote needs the canary at 100% (run next until then, or --force to promote now)`);
      }
      return { kind: "promote", revision: canary.revision, from: w };
  }
}

/** The gateway named by --gateway, or the refusal that lists the stack's gateways. */
export function pickGateway(stack: string, gateways: ValidGateway[], name: string): ValidGateway {
  const gw = gateways.find((g) => g.name === name);
  if (!gw) throw new MoveRefused(`stack "${stack}" has no gateway "${name}"; gateways: ${gateways.map((g) => g.name).join(", ") || "none"}`);
  return gw;
}

/** With no --gateway: the stack's one gateway with a canary, or the refusal that says what to do. */
export function onlyCanary(stack: string, gateways: ValidGateway[]): ValidGateway {
  const withCanary = gateways.filter((g) => g.canary !== undefined);
  if (withCanary.length === 1) return withCanary[0];
  if (withCanary.length === 0) throw new MoveRefused(`stack "${stack}" has no gateway with a canary; add canary: { revision: <new revision> } to one`);
  throw new MoveRefused(`stack "${stack}": gateways ${withCanary.map((g) => g.name).join(", ")} have canaries; choose one with --gateway`);
}
