/**
 * `npm run fleet -- <plan|next|status|abort> --fleet F`: one control-plane revision moved across many stacks (one
 * per cluster) in waves, through the Automation API. The arithmetic is waves.ts; this file reads the files, runs
 * the engine and reports. Exit 0: the fleet moved (or had nothing to do); 2: it halted (a stack failed or is
 * unhealthy; later waves untouched); 1: a mistake in the fleet or a stack file.
 */
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { ValidGateway } from "../../components/core";
import { readStackConfig } from "../../stacks/config";
import { parseArgs, UsageError } from "../engine/cli";
import { hasAnalysis, measure, measurementText, Verdict } from "../analysis";
import { CommandIO } from "../engine/command";
import { UserError } from "../engine/errors";
import { stackFilePath } from "../engine/stack-file";
import { renderRollout } from "../rollout/command";
import { StackDocument } from "../rollout/stack-edit";
import { lastUpdate, liveTracks, preview, selectStack, showTracks, unhealthyTracks, up } from "./engine";
import { Fleet, FleetError, readFleetFile, Wave } from "./fleet-file";
import {
  Action, actionOf, bounded, describeIndex, haltedWave, sharedSteps, StackPosition, stackIndex, table, targetIndex, verbAt,
} from "./waves";

/** The fleet stopped: what failed, where; exit 2. */
export class FleetHalted extends UserError {
  readonly exitCode = 2;
}

const VERBS = ["plan", "next", "status", "abort"];
const ENGINE_QUERIES = 8;
const USAGE = "usage: npm run fleet -- <plan|next|status|abort> --fleet <fleet.yaml> [--wave <name>]";

interface Member {
  position: StackPosition;
  stack: Stack;
  file: string;
}

interface Loaded {
  fleet: Fleet;
  steps: number[];
  members: Member[];
}

export async function fleetCommand(argv: string[], io: CommandIO): Promise<void> {
  const { flags, positional } = parseArgs(argv, "fleet");
  const verb = positional[0];
  if (positional.length !== 1 || !VERBS.includes(verb)) throw new UsageError(`fleet: name one of ${VERBS.join(", ")}; ${USAGE}`);
  if (!flags.fleet) throw new UsageError(`fleet: name the fleet file; ${USAGE}`);
  if (flags.wave !== undefined && verb !== "abort") throw new UsageError(`fleet: --wave only applies to abort; ${USAGE}`);
  const loaded = await load(readFleetFile(path.resolve(flags.fleet)));
  if (verb === "status") return io.out(statusTable(loaded));
  if (verb === "plan") return plan(loaded, io);
  if (verb === "next") return next(loaded, io);
  return abort(loaded, io, flags.wave);
}

/** Every stack's file, checked as `pulumi up` would check it, its position, and its engine stack. */
async function load(fleet: Fleet): Promise<Loaded> {
  const read = fleet.waves.flatMap((w) => w.stacks.map((stack) => ({ wave: w.name, stack, file: stackFilePath(fleet.dir, stack) })))
    .map((s) => ({ ...s, gateways: gatewaysOf(s.stack, s.file) }));
  const steps = sharedSteps(fleet, read);
  // A few stacks at a time: each question is a CLI process (stack select, stack history).
  const members = await bounded(read, ENGINE_QUERIES, async (s) => {
    const stack = await engineStack(fleet, s.stack);
    const index = stackIndex(fleet, s.stack, s.gateways, steps);
    const weight = index === 0 ? 0 : steps[Math.min(index, steps.length) - 1];
    return { position: { stack: s.stack, wave: s.wave, index, weight, lastUpdate: await lastUpdate(stack) }, stack, file: s.file };
  }, () => false);
  return { fleet, steps, members };
}

function gatewaysOf(stack: string, file: string): ValidGateway[] {
  if (!fs.existsSync(file)) throw new FleetError(`stack "${stack}": ${file} does not exist (a fleet's stacks are stack files beside the fleet file)`);
  return readStackConfig(stack, new StackDocument(fs.readFileSync(file, "utf8"), file).gateways()).gateways;
}

async function engineStack(fleet: Fleet, name: string): Promise<Stack> {
  try {
    return await selectStack(fleet.dir, name);
  } catch (e) {
    const message = String((e as Error).message);
    // The Automation API runs the CLI (`pulumi version` first): without one on PATH there is nothing to initialise.
    if (/spawn pulumi ENOENT|ENOENT: pulumi/.test(message)) {
      throw new FleetError(`the Pulumi CLI is not on PATH, and fleet drives the engine through it; install it (https://www.pulumi.com/docs/install/), or on this machine run eval "$(npm run -s cluster -- up)" for a local one`);
    }
    throw new FleetError(`stack "${name}": the Pulumi engine cannot select it (${message.split("\n").find((l) => l.includes("error")) ?? "is it initialised? pulumi stack init " + name}); run pulumi stack init ${name} in ${fleet.dir}`);
  }
}

function statusTable({ steps, members }: Loaded): string {
  const target = targetIndex(members.map((m) => m.position), steps);
  return table(["wave", "stack", "at", "last update", "next"], members.map(({ position: p }) => [
    p.wave, p.stack, describeIndex(p.index, steps), p.lastUpdate, nextText(p, target, steps),
  ]));
}

function nextText(p: StackPosition, target: number | undefined, steps: readonly number[]): string {
  const action = actionOf(p, target, steps);
  if (action === Action.Move) return `move to ${describeIndex(p.index + 1, steps)}`;
  if (action === Action.Retry) return `pulumi up again at ${describeIndex(p.index, steps)}`;
  return action === Action.Verify ? "verify health" : "done";
}

/** `pulumi preview` of every stack as its file stands, and what `next` would do to it, in one table. */
async function plan(loaded: Loaded, io: CommandIO): Promise<void> {
  const target = targetIndex(loaded.members.map((m) => m.position), loaded.steps);
  const limit = Math.max(...loaded.fleet.waves.map((w) => w.parallelism));
  const runs = await bounded(loaded.members, limit, (m) => preview(m.stack), () => false);
  const rows = loaded.members.map((m, i) => [m.position.wave, m.position.stack, describeIndex(m.position.index, loaded.steps),
    runs[i].ok ? pendingText(runs[i].changes) : `preview failed: ${runs[i].reason}`, nextText(m.position, target, loaded.steps)]);
  io.out(table(["wave", "stack", "at", "pulumi preview now", "fleet next"], rows));
  const failed = loaded.members.filter((_, i) => !runs[i].ok).map((m) => m.position.stack);
  if (failed.length > 0) throw new FleetHalted(`fleet: pulumi preview failed for ${failed.join(", ")}; the fleet cannot move until it passes`);
}

function pendingText(changes: Record<string, number> | undefined): string {
  const pending = Object.entries(changes ?? {}).filter(([op, n]) => op !== "same" && n > 0);
  return pending.length === 0 ? "no changes" : pending.map(([op, n]) => `${n} to ${op}`).join(", ");
}

/** Waves in order, each stack one step (bounded parallelism), health after each update and after the bake. */
async function next(loaded: Loaded, io: CommandIO): Promise<void> {
  const { fleet, steps, members } = loaded;
  const target = targetIndex(members.map((m) => m.position), steps);
  if (target === undefined) return io.out(`fleet: every stack runs ${fleet.revision}; nothing to move\n`);
  io.out(`fleet: moving every stack to ${describeIndex(target, steps)}, wave by wave\n`);
  // Every stack already at the target must be healthy before any wave moves: a later wave left unhealthy by the
  // last run halts the fleet here, before an earlier wave goes further.
  const verify = members.filter((m) => actionOf(m.position, target, steps) === Action.Verify);
  const sick = (await bounded(verify, Math.max(...fleet.waves.map((w) => w.parallelism)), (m) => checkHealth(loaded, m, io, true), () => false)).find((r) => r);
  if (sick) throw halted(fleet, sick);
  for (const wave of fleet.waves) {
    const moving = members.filter((m) => {
      const action = actionOf(m.position, target, steps);
      return m.position.wave === wave.name && (action === Action.Move || action === Action.Retry);
    });
    if (moving.length === 0) continue;
    let failure: Failure | undefined;
    await bounded(moving, wave.parallelism, async (m) => { failure ??= await step(loaded, m, actionOf(m.position, target, steps), io); }, () => failure !== undefined);
    if (!failure && wave.bakeSeconds > 0) failure = await bake(loaded, wave, moving, io);
    if (failure) throw halted(fleet, failure);
  }
  io.out(statusTable(await load(fleet)));
}

interface Failure {
  stack: string;
  wave: string;
  reason: string;
}

function halted(fleet: Fleet, f: Failure): FleetHalted {
  const waves = fleet.waves.map((w) => w.name);
  const later = waves.slice(waves.indexOf(f.wave) + 1);
  return new FleetHalted(`fleet halted at wave "${f.wave}": stack "${f.stack}": ${f.reason}; ${later.length > 0 ? `later waves (${later.join(", ")}) untouched; ` : ""}`
    + `fix it and run next again, or roll the wave back: npm run fleet -- abort --fleet ${path.relative(process.cwd(), fleet.file) || fleet.file}`);
}

/** One stack: its files moved one step (or not, on a retry), `pulumi up`, then its health. */
async function step(loaded: Loaded, m: Member, action: Action, io: CommandIO): Promise<Failure | undefined> {
  const p = m.position;
  if (action === Action.Move) {
    const sick = await checkHealth(loaded, m, io, true);
    if (sick) return sick;
    moveFile(loaded, m, verbAt(p.index, loaded.steps));
    io.out(`  [${p.wave}] ${p.stack}: ${describeIndex(p.index, loaded.steps)} → ${describeIndex(p.index + 1, loaded.steps)}, pulumi up…\n`);
  } else {
    io.out(`  [${p.wave}] ${p.stack}: last update ${p.lastUpdate}; pulumi up again at ${describeIndex(p.index, loaded.steps)}…\n`);
  }
  const run = await up(m.stack);
  io.out(`  [${p.wave}] ${p.stack}: pulumi up ${run.ok ? "done" : "FAILED"} in ${run.seconds.toFixed(1)} s${run.ok ? "" : `: ${run.reason}`}\n`);
  if (!run.ok) return { stack: p.stack, wave: p.wave, reason: `pulumi up failed: ${run.reason}` };
  return checkHealth(loaded, m, io);
}

/** The rollout command's own edit, for every gateway of the fleet in the stack file. */
function moveFile(loaded: Loaded, m: Member, verb: string): void {
  for (const gateway of loaded.fleet.gateways) {
    const result = renderRollout({ file: m.file, verb, gateway, force: false }, readStackConfig);
    if (result.newText !== undefined) fs.writeFileSync(m.file, result.newText);
  }
}

/**
 * A stack's health: every revision's pods ready, and with `analyze`, each fleet gateway's canary analysis
 * (canary.analysis, tools/analysis/) passing where the canary has pods. The analysis gates a move and follows a
 * bake; right after a `pulumi up` it is not asked, since its window would still hold the step before.
 */
async function checkHealth(loaded: Loaded, m: Member, io: CommandIO, analyze = false): Promise<Failure | undefined> {
  const p = m.position;
  const { run, tracks } = await liveTracks(m.stack, loaded.fleet.gateways);
  if (!run.ok) return { stack: p.stack, wave: p.wave, reason: `pulumi refresh failed: ${run.reason}` };
  const sick = unhealthyTracks(tracks);
  io.out(`  [${p.wave}] ${p.stack}: ready ${showTracks(tracks)}${sick.length > 0 ? " — UNHEALTHY" : ""}\n`);
  if (sick.length > 0) return { stack: p.stack, wave: p.wave, reason: `not every pod is ready (${showTracks(sick)})` };
  if (!analyze) return undefined;
  const analyzed = gatewaysOf(p.stack, m.file).filter((g) => loaded.fleet.gateways.includes(g.name)).filter(hasAnalysis).filter((g) => g.canary.weight > 0);
  for (const gw of analyzed) {
    const result = await measure(gw);
    const deciding = result.rows.filter((r) => r.decides && r.verdict === result.verdict).map((r) => r.check);
    io.out(`  [${p.wave}] ${p.stack}: analysis of ${gw.name} at ${gw.canary.weight}%: ${result.verdict}${result.verdict === Verdict.Pass ? "" : ` (${deciding.join(", ")})`}\n`);
    if (result.verdict !== Verdict.Pass) {
      io.out(measurementText(result, p.stack, gw.canary.analysis.window).split("\n").map((l) => (l ? `      ${l}` : l)).join("\n"));
      return { stack: p.stack, wave: p.wave, reason: `the canary analysis of gateway "${gw.name}" is ${result.verdict} (${deciding.join(", ")})` };
    }
  }
  return undefined;
}

async function bake(loaded: Loaded, wave: Wave, moved: readonly Member[], io: CommandIO): Promise<Failure | undefined> {
  io.out(`  [${wave.name}] baking ${wave.bakeSeconds} s before the next wave…\n`);
  await new Promise((resolve) => setTimeout(resolve, wave.bakeSeconds * 1000));
  for (const m of moved) {
    const sick = await checkHealth(loaded, m, io, true);
    if (sick) return { ...sick, reason: `after the ${wave.bakeSeconds} s bake: ${sick.reason}` };
  }
  return undefined;
}

/** The wave (named, or the one a failed update halted) back to weight 0 on every stack, then `pulumi up`. */
async function abort(loaded: Loaded, io: CommandIO, waveName: string | undefined): Promise<void> {
  const { fleet, members } = loaded;
  const unfinished = new Set(members.filter((m) => m.position.lastUpdate === "failed" || m.position.lastUpdate === "in-progress").map((m) => m.position.stack));
  const wave = waveName === undefined ? haltedWave(fleet.waves, unfinished) : fleet.waves.find((w) => w.name === waveName);
  if (!wave) {
    throw new FleetError(waveName === undefined
      ? "fleet: no stack's last update failed; name the wave to roll back with --wave <name>"
      : `fleet: no wave "${waveName}"; waves: ${fleet.waves.map((w) => w.name).join(", ")}`);
  }
  const stacks = members.filter((m) => m.position.wave === wave.name);
  const promoted = stacks.filter((m) => m.position.index > loaded.steps.length);
  for (const m of promoted) io.out(`  [${wave.name}] ${m.position.stack}: promoted already; abort does not apply (its canary is gone)\n`);
  io.out(`fleet: rolling wave "${wave.name}" back to 0% on the ${fleet.revision} canary\n`);
  let failure: Failure | undefined;
  await bounded(stacks.filter((m) => !promoted.includes(m)), wave.parallelism, async (m) => {
    moveFile(loaded, m, "abort");
    io.out(`  [${wave.name}] ${m.position.stack}: ${describeIndex(m.position.index, loaded.steps)} → 0%, pulumi up…\n`);
    const run = await up(m.stack);
    io.out(`  [${wave.name}] ${m.position.stack}: pulumi up ${run.ok ? "done" : "FAILED"} in ${run.seconds.toFixed(1)} s${run.ok ? "" : `: ${run.reason}`}\n`);
    failure ??= run.ok ? await checkHealth(loaded, m, io) : { stack: m.position.stack, wave: wave.name, reason: `pulumi up failed: ${run.reason}` };
  }, () => false);
  if (failure) throw new FleetHalted(`fleet: rolling wave "${wave.name}" back failed at stack "${failure.stack}": ${failure.reason}`);
  io.out(statusTable(await load(fleet)));
}
