/**
 * One watched `pulumi up` per step, and the canary runbook (docs/canary.md) walked with them: every
 * gateway's ready pods sampled through the update, the floor (ready pods never below `replicas`) checked, and
 * `pulumi preview --expect-no-changes` after each step. Every step becomes a row of the run's table.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_REPLICAS } from "../../../components/core";
import { KubeApi, waitFor } from "../../../tools/cluster/kube-api";
import { liveRevisionRoutes } from "./injection";
import { ReadyWatcher, WatchReport } from "./watch";
import { checkXds } from "./xds";
import { CommandResult, engineWarnings, Workspace } from "./workspace";

export interface StepRow {
  scenario: string;
  step: string;
  gateway: string;
  upSeconds: number;
  /** How long after `pulumi up` returned the gateway's Deployments were still rolling out. */
  settleSeconds: number;
  /** The floor the step must hold (replicas), or undefined when nothing ran before it or an HPA owns the count. */
  floor?: number;
  report: WatchReport;
}

const rows: StepRow[] = [];
/** What istiod sent the gateway pods after each settled step (xds.ts). */
const xdsRows: Array<{ scenario: string; step: string; pods: number; listeners: Record<string, number[]>; rejected: number; conflicts: number }> = [];
/** Each warning the engine printed during a step's `pulumi up`, with the step. */
const warnings: string[] = [];

/** Requests through real Envoys during a step and in the steady window after it (traffic.ts). */
export interface TrafficRow {
  scenario: string;
  step: string;
  sent: number;
  failed: number;
  /** The share of the steady window's requests each revision's pods answered, percent. */
  split: Record<string, number>;
  /** The share the plan gives each revision (its pods over all), percent. */
  planned: Record<string, number>;
  p99Ms: number;
}
const trafficRows: TrafficRow[] = [];

export function recordTraffic(row: TrafficRow): void {
  trafficRows.push(row);
}

/** The traffic rows as a Markdown table (docs/E2E.md, "Traffic through real Envoys"). */
export function trafficTable(table: TrafficRow[]): string {
  const pct = (m: Record<string, number>) => Object.entries(m).sort().map(([r, v]) => `${r} ${v.toFixed(1)}`).join(", ") || "–";
  return ["| scenario | step | requests | failed | answered by revision, % (planned) | p99 ms |", "| --- | --- | ---: | ---: | --- | ---: |",
    ...table.map((r) => `| ${r.scenario} | ${r.step} | ${r.sent} | ${r.failed} | ${pct(r.split)} (${pct(r.planned)}) | ${r.p99Ms} |`)].join("\n");
}

/** Rows as a Markdown table (printed at the end of the run, copied into docs/E2E.md). */
export function stepTable(table: StepRow[] = rows): string {
  const head = "| scenario | step | gateway | `pulumi up` s (+ rolling on) | ready min (floor) | ready min per revision | pods created / deleted | pod events |";
  const lines = table.map((r) => {
    const perTrack = Object.entries(r.report.minByTrack).map(([t, n]) => `${t}: ${n}`).join(", ") || "none";
    return `| ${r.scenario} | ${r.step} | ${r.gateway} | ${r.upSeconds.toFixed(1)}${r.settleSeconds >= 0.5 ? ` (+${r.settleSeconds.toFixed(1)})` : ""} | ${r.report.minTotal} (${r.floor ?? "–"}) | ${perTrack} | ${r.report.created} / ${r.report.deleted} | ${r.report.events} |`;
  });
  return [head, "| --- | --- | --- | ---: | ---: | --- | ---: | ---: |", ...lines].join("\n");
}

/** What one lane of the run saw (tools/e2e runs the suites in lanes, each a process of its own). */
export interface LaneReport { rows: StepRow[]; xds: typeof xdsRows; warnings: string[]; traffic?: TrafficRow[] }

export function laneReport(): LaneReport {
  return { rows, xds: xdsRows, warnings, traffic: trafficRows };
}

/** Every lane's rows as one table, istiod's config summary and the engine's warnings; the table also to `file`. */
export function writeMergedReport(reports: LaneReport[], file: string | undefined): void {
  const all = reports.flatMap((r) => r.rows);
  if (all.length === 0) return;
  process.stdout.write(`\n${stepTable(all)}\n`);
  const xds = reports.flatMap((r) => r.xds);
  if (xds.length > 0) {
    const probed = xds.reduce((n, r) => n + r.pods, 0);
    const injected = all.reduce((n, r) => n + r.report.injectionChecked, 0);
    process.stdout.write(`\nistiod: ${injected} pods checked for their revision's injection; xDS after ${xds.length} steps, ${probed} pod probes, `
      + `rejected configs ${xds.reduce((n, r) => n + r.rejected, 0)}, conflicts ${xds.reduce((n, r) => n + r.conflicts, 0)}\n`);
  }
  const traffic = reports.flatMap((r) => r.traffic ?? []);
  if (traffic.length > 0) {
    process.stdout.write(`\ntraffic: ${traffic.reduce((n, r) => n + r.sent, 0)} requests through real Envoys, ${traffic.reduce((n, r) => n + r.failed, 0)} failed\n${trafficTable(traffic)}\n`);
  }
  const engine = reports.flatMap((r) => r.warnings);
  process.stdout.write(`\nengine warnings: ${engine.length === 0 ? "none" : `\n${engine.map((w) => `  ${w}`).join("\n")}`}\n`);
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${stepTable(all)}\n`);
  }
}

interface GatewayView {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  /** Pods the gateway runs, or undefined when an HPA decides. */
  replicas?: number;
}

/** Each gateway of the stack as rendered now: its Service's selector and its pod count. */
async function gatewaysOf(ws: Workspace): Promise<GatewayView[]> {
  const manifests = await ws.render();
  return Object.entries(ws.gateways()).map(([name, gw]) => {
    const service = manifests.find((m) => m.kind === "Service" && (m.metadata as { name: string }).name === name
      && (m.metadata as { namespace: string }).namespace === gw.namespace) as { spec: { selector: Record<string, string> } } | undefined;
    assert.ok(service, `the render of ${ws.stack} has no Service ${gw.namespace}/${name}`);
    return { name, namespace: gw.namespace, selector: service.spec.selector, replicas: gw.autoscaling ? undefined : (gw.replicas ?? DEFAULT_REPLICAS) };
  });
}

/** Every Deployment in the namespace has observed its spec and runs only updated, available pods. */
async function rolledOut(api: KubeApi, namespace: string): Promise<void> {
  await waitFor(`the Deployments in ${namespace} to roll out`, 120000, async () => {
    const deployments = await api.list(`/apis/apps/v1/namespaces/${namespace}/deployments`);
    const done = deployments.every((d) => {
      const status = (d.status ?? {}) as Record<string, number | undefined>;
      const want = (d.spec?.replicas as number | undefined) ?? 1;
      return status.observedGeneration === (d.metadata.generation as number) && (status.updatedReplicas ?? 0) === want
        && (status.replicas ?? 0) === want && (status.availableReplicas ?? 0) === want;
    });
    return done ? true : undefined;
  });
}

/** What a watched command did, and what each gateway's pods did meanwhile. */
export interface Watched {
  result: CommandResult;
  rows: StepRow[];
}

/**
 * A command (`pulumi up`, or one interrupted on purpose) with every gateway's pods watched, and the step's rows.
 * With `settle`, the watch goes on until every Deployment has rolled out: the floor must hold to the end, not only
 * while `pulumi up` runs (the provider can count a rolling Deployment updated before its rollout ends:
 * docs/E2E.md). The floor: for each gateway that ran pods before, ready pods never fell below its `replicas` (or the
 * `floor` given: an adopted gateway's starting count, whatever its HPA does).
 */
export async function watchedCommand(ws: Workspace, api: KubeApi, scenario: string, step: string,
  command: () => Promise<CommandResult>, opts: { settle: boolean; floor?: number; tagMoved?: boolean }): Promise<Watched> {
  const before = await gatewaysOf(ws);
  // Where istiod runs, every pod the step creates (or finds) must have been injected by its own revision's istiod,
  // as the cluster's webhooks route revisions and tags now; after a tag moved, only the pods the step creates.
  const routes = ws.cluster.istiod && await liveRevisionRoutes(api, ws.cluster.istiod);
  const watchers = before.map((g) => new ReadyWatcher(api, g.namespace, g.selector, undefined, routes, !opts.tagMoved));
  await Promise.all(watchers.map((w) => w.start()));
  let result: CommandResult;
  let settleSeconds = 0;
  try {
    result = await command();
    const returned = Date.now();
    if (opts.settle) await Promise.all(before.map((g) => rolledOut(api, g.namespace)));
    settleSeconds = (Date.now() - returned) / 1000;
  } finally {
    await Promise.all(watchers.map((w) => w.stop()));
  }
  const reports = watchers.map((w) => w.report());
  const stepRows = before.map((g, i): StepRow => {
    const ranBefore = Object.values(reports[i].before).flat().length > 0;
    const floor = ranBefore ? opts.floor ?? g.replicas : undefined;
    return { scenario, step, gateway: g.name, upSeconds: result.seconds, settleSeconds, floor, report: reports[i] };
  });
  rows.push(...stepRows);
  warnings.push(...engineWarnings(result.stdout + result.stderr).map((w) => `${scenario} · ${step}: ${w}`));
  for (const r of stepRows) {
    process.stdout.write(`      ${scenario} · ${step} · ${r.gateway}: ${result.code === 0 ? "up" : `exit ${result.code ?? result.signal} after`} ${r.upSeconds.toFixed(1)} s`
      + `${opts.settle ? ` (rolled out ${r.settleSeconds.toFixed(1)} s later)` : ""}, ready min ${r.report.minTotal}`
      + ` (floor ${r.floor ?? "–"}), ${JSON.stringify(r.report.minByTrack)}, ${r.report.created} created / ${r.report.deleted} deleted`
      + `${routes ? `, ${r.report.injectionChecked - r.report.uninjected.length}/${r.report.injectionChecked} pods injected by their revision's istiod` : ""}\n`);
    assert.strictEqual(r.report.broken, undefined, `${scenario} · ${step}: ${r.gateway}'s pod watch is incomplete`);
    assert.deepStrictEqual(r.report.uninjected, [], `${scenario} · ${step}: ${r.gateway} ran pods its revision's istiod did not inject:\n  ${r.report.uninjected.join("\n  ")}`);
    if (r.floor !== undefined) {
      assert.ok(r.report.minTotal >= r.floor, `${scenario} · ${step}: ${r.gateway} fell to ${r.report.minTotal} ready pods, below its ${r.floor} replicas`);
    }
  }
  if (opts.settle && result.code === 0 && ws.cluster.istiod && routes) {
    const xds = await checkXds(api, ws.cluster.bin, ws.cluster.istiod, routes, before);
    xdsRows.push({ scenario, step, pods: xds.pods, listeners: xds.listeners, rejected: xds.rejected, conflicts: xds.conflicts });
    process.stdout.write(`      ${scenario} · ${step} · xDS: ${xds.pods} pods probed, listeners ${JSON.stringify(xds.listeners)}, rejected ${xds.rejected}, conflicts ${xds.conflicts}\n`);
    assert.deepStrictEqual(xds.problems, [], `${scenario} · ${step}: what istiod generated does not match the Gateways`);
  }
  return { result, rows: stepRows };
}

/** `pulumi up` with every gateway watched through it and until its Deployments have rolled out (watchedCommand). */
export async function watchedUp(ws: Workspace, api: KubeApi, scenario: string, step: string, floor?: number): Promise<StepRow[]> {
  return (await watchedCommand(ws, api, scenario, step, () => ws.up(), { settle: true, floor })).rows;
}

/**
 * A step of the runbook: the rollout verb (with its flags), a watched `pulumi up`, then `pulumi preview
 * --expect-no-changes`. `floor`: the ready pods the step must hold, where the gateway has no `replicas` (an HPA's
 * minimum).
 */
export async function rolloutStep(ws: Workspace, api: KubeApi, scenario: string, verb: string, gateway: string, opts: { floor?: number; flags?: string[] } = {}): Promise<StepRow[]> {
  const before = ws.gateways()[gateway].canary?.weight ?? 100;
  await ws.rollout(verb, gateway, opts.flags);
  const after = ws.gateways()[gateway].canary?.weight;
  const label = `${[verb, ...(opts.flags ?? [])].join(" ")} (${before}% → ${after === undefined ? "promoted" : `${after}%`})`;
  const stepRows = await watchedUp(ws, api, scenario, label, opts.floor);
  await ws.expectNoChanges();
  return stepRows;
}

/**
 * The whole runbook for one gateway's canary from where the stack file stands: `next` to 100%, then `promote`.
 * Promotion must not restart or recreate any pod of the surviving revision.
 */
export async function walkCanary(ws: Workspace, api: KubeApi, scenario: string, gateway: string, floor?: number): Promise<void> {
  for (;;) {
    const canary = ws.gateways()[gateway].canary;
    assert.ok(canary, `${gateway} has no canary to walk`);
    if (canary.weight >= 100) break;
    await rolloutStep(ws, api, scenario, "next", gateway, { floor });
  }
  const revision = ws.gateways()[gateway].canary?.revision as string;
  const [row] = (await rolloutStep(ws, api, scenario, "promote", gateway, { floor })).filter((r) => r.gateway === gateway);
  assert.deepStrictEqual([...(row.report.after[revision] ?? [])].sort(), [...(row.report.before[revision] ?? [])].sort(),
    `promotion recreated pods of the surviving revision ${revision}`);
}
