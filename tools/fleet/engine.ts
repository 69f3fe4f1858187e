/**
 * The Pulumi engine for the fleet, through the Automation API (`@pulumi/pulumi/automation`): a LocalWorkspace on
 * this project per stack, so `pulumi up`, `preview`, `refresh` and the update history run exactly as the CLI runs
 * them, with the stack's own config (its `kubernetes:kubeconfig` or context names its cluster) and whatever backend
 * and credentials the environment gives the CLI.
 */
import { LocalWorkspace, OpMap, Stack } from "@pulumi/pulumi/automation";
import { LastUpdate } from "./waves";

export async function selectStack(dir: string, name: string): Promise<Stack> {
  return LocalWorkspace.selectStack({ stackName: name, workDir: dir });
}

/** The result of the stack's last update (`pulumi up`); refreshes and previews do not count. */
export async function lastUpdate(stack: Stack): Promise<LastUpdate> {
  const updates = (await stack.history(20)).filter((h) => h.kind === "update");
  const last = updates[0]?.result;
  return last === "succeeded" || last === "failed" || last === "in-progress" ? last : "none";
}

export interface EngineRun {
  ok: boolean;
  seconds: number;
  /** On failure: the engine's error lines (the CLI's `error:` lines), else its last lines. */
  reason?: string;
  changes?: OpMap;
}

function reasonOf(e: unknown): string {
  const text = `${(e as { stdout?: string }).stdout ?? ""}\n${(e as { stderr?: string }).stderr ?? ""}\n${(e as Error).message ?? e}`;
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => /^error:/.test(l) || /^\* /.test(l));
  const chosen = lines.length > 0 ? lines : text.split("\n").map((l) => l.trim()).filter(Boolean).slice(-5);
  return [...new Set(chosen)].slice(0, 6).join(" | ");
}

async function timed(run: () => Promise<OpMap | undefined>): Promise<EngineRun> {
  const started = Date.now();
  try {
    const changes = await run();
    return { ok: true, seconds: (Date.now() - started) / 1000, ...(changes && { changes }) };
  } catch (e) {
    return { ok: false, seconds: (Date.now() - started) / 1000, reason: reasonOf(e) };
  }
}

export function up(stack: Stack): Promise<EngineRun> {
  return timed(async () => (await stack.up({ color: "never" })).summary.resourceChanges);
}

export function preview(stack: Stack): Promise<EngineRun> {
  return timed(async () => (await stack.preview({ color: "never", diff: false })).changeSummary);
}

/** Ready pods of one revision's Deployment of a gateway, as the cluster reports them. */
export interface TrackHealth {
  gateway: string;
  track: string;
  ready: number;
  wanted: number;
}

/**
 * The live pod counts of the fleet's gateways: `pulumi refresh` reads every object back from the stack's cluster
 * through the Kubernetes provider (any credentials the provider takes work here), then the state's Deployments
 * give each revision's ready and wanted pods.
 */
export async function liveTracks(stack: Stack, gateways: readonly string[]): Promise<{ run: EngineRun; tracks: TrackHealth[] }> {
  const run = await timed(async () => { await stack.refresh({ color: "never" }); return undefined; });
  if (!run.ok) return { run, tracks: [] };
  const state = await stack.exportStack();
  const resources = (state.deployment as { resources?: Array<{ type: string; urn: string; parent?: string; external?: boolean; outputs?: Record<string, any> }> }).resources ?? [];
  const tracks = resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && !r.external).flatMap((r) => {
    const owner = trackOf(r.urn, r.parent, gateways);
    if (!owner) return [];
    return [{ ...owner, ready: r.outputs?.status?.readyReplicas ?? 0, wanted: r.outputs?.spec?.replicas ?? 0 }];
  });
  return { run, tracks: tracks.sort((a, b) => a.gateway.localeCompare(b.gateway) || a.track.localeCompare(b.track)) };
}

/**
 * The gateway and track of a Deployment: its parent is the gateway's component (named after the gateway), and its
 * own Pulumi name is `<gateway>-<track>`. Not from its labels: an adopted Deployment keeps the labels its installer
 * gave it (components/core/plan/adopt.ts).
 */
export function trackOf(urn: string, parent: string | undefined, gateways: readonly string[]): { gateway: string; track: string } | undefined {
  const gateway = parent?.split("::").pop();
  const name = urn.split("::").pop() ?? "";
  if (gateway === undefined || !gateways.includes(gateway) || !name.startsWith(`${gateway}-`)) return undefined;
  return { gateway, track: name.slice(gateway.length + 1) };
}

/** Healthy: every revision's Deployment has all the pods it wants ready. */
export function unhealthyTracks(tracks: readonly TrackHealth[]): TrackHealth[] {
  return tracks.filter((t) => t.ready < t.wanted);
}

export function showTracks(tracks: readonly TrackHealth[]): string {
  return tracks.map((t) => `${t.track} ${t.ready}/${t.wanted}`).join(", ") || "no Deployments";
}
