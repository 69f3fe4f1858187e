/**
 * kwok's configuration: the stages that play a kubelet. Nodes initialise and heartbeat as kwok ships them; pods
 * become Ready after a delay (a real gateway pod is Ready only once Envoy answers its readiness probe, which takes
 * a moment: with no delay at all, a wrong update order could slip between two samples of the e2e watchers) and
 * are removed when deleted. kwok refuses to start without stages.
 */
import * as fs from "fs";
import * as path from "path";

const KWOK_STAGES = [
  "kustomize/stage/node/fast/node-initialize.yaml",
  "kustomize/stage/node/heartbeat/node-heartbeat.yaml",
  "kustomize/stage/pod/fast/pod-ready.yaml",
  "kustomize/stage/pod/fast/pod-complete.yaml",
  "kustomize/stage/pod/fast/pod-delete.yaml",
];

/** Revisions (`istio.io/rev`) whose pods kwok treats apart from the others. */
export interface RevisionReadiness {
  /**
   * Pods of these revisions are scheduled and Running, their containers started, but Ready stays False: a canary
   * whose proxies run and never pass their readiness probe (Envoy never gets its config).
   */
  neverReady?: string[];
  /** Pods of these revisions become Ready after this many milliseconds instead: a rollout slow enough to interrupt. */
  slowMs?: Record<string, number>;
  /**
   * Every pod with an `istio.io/rev` label (every gateway pod) is Running and unready until the Envoy harness
   * (envoy-harness.ts) marks it Ready, while its own Envoy answers /ready. Not with neverReady or slowMs.
   */
  envoy?: boolean;
}

/** kwok's `--config` file: its stages (from the kwok module) with the pod-ready delay, then any extra stages. */
export function kwokConfig(kwokModule: string, podReadyDelayMs: number, extraStages = "", revisions: RevisionReadiness = {}): string {
  const apart = [...(revisions.neverReady ?? []), ...Object.keys(revisions.slowMs ?? {})];
  if (revisions.envoy && apart.length > 0) throw new Error("kwokConfig: with envoy, the Envoys decide readiness; neverReady and slowMs do not apply");
  const docs = KWOK_STAGES.flatMap((file) => {
    const text = fs.readFileSync(path.join(kwokModule, file), "utf8").trim();
    if (!file.endsWith("pod-ready.yaml")) return [text];
    if (revisions.envoy) return [withLabel(withDelay(text, podReadyDelayMs), "DoesNotExist"), runningUnready(withDelay(text, podReadyDelayMs), [], "Exists")];
    const slow = Object.entries(revisions.slowMs ?? {}).map(([revision, ms]) => slowReady(text, revision, ms));
    const unready = (revisions.neverReady ?? []).length > 0 ? [runningUnready(withDelay(text, podReadyDelayMs), revisions.neverReady ?? [])] : [];
    return [withoutRevisions(withDelay(text, podReadyDelayMs), apart), ...slow, ...unready];
  });
  return [...docs, ...(extraStages.trim() ? [extraStages.trim()] : [])].join("\n---\n") + "\n";
}

const REVISION_KEY = `'.metadata.labels["istio.io/rev"]'`;

function withRequirement(stage: string, operator: "In" | "NotIn" | "Exists" | "DoesNotExist", revisions: string[]): string {
  if (!/^    matchExpressions:$/m.test(stage)) throw new Error("a kwok Stage without spec.selector.matchExpressions:");
  const values = revisions.length === 0 ? "" : `\n      values:\n${revisions.map((r) => `      - ${JSON.stringify(r)}`).join("\n")}`;
  return stage.replace(/^    matchExpressions:$/m, `    matchExpressions:\n    - key: ${REVISION_KEY}\n      operator: '${operator}'${values}`);
}

/** Narrows a Stage's selector to pods with (Exists) or without (DoesNotExist) an `istio.io/rev` label. */
export function withLabel(stage: string, operator: "Exists" | "DoesNotExist"): string {
  return withRequirement(stage, operator, []);
}

/** Narrows a Stage's selector to pods whose `istio.io/rev` label is none of `revisions` (kwok: NotIn matches a missing label). */
export function withoutRevisions(stage: string, revisions: string[]): string {
  return revisions.length === 0 ? stage : withRequirement(stage, "NotIn", revisions);
}

/** The ready stage again, for one revision's pods only, under its own name and with its own delay. */
export function slowReady(stage: string, revision: string, ms: number): string {
  if (!/^  name: pod-ready$/m.test(stage)) throw new Error("not kwok's pod-ready Stage");
  return withDelay(withRequirement(stage.replace(/^  name: pod-ready$/m, `  name: pod-ready-${revision}`), "In", [revision]), ms);
}

/**
 * The ready stage again, for these revisions' pods only and under its own name, with Ready and ContainersReady
 * False and every container running but not ready: what a kubelet reports for a pod whose readiness probe fails.
 * Once Running the pod no longer matches the stage's selector (phase Pending), so it stays that way.
 */
export function runningUnready(stage: string, revisions: string[], operator: "In" | "Exists" = "In"): string {
  if (!/^  name: pod-ready$/m.test(stage)) throw new Error("not kwok's pod-ready Stage");
  let out = withRequirement(stage.replace(/^  name: pod-ready$/m, "  name: pod-running-unready"), operator, operator === "In" ? revisions : []);
  for (const type of ["Ready", "ContainersReady"]) {
    const condition = new RegExp(`status: "True"(\\n\\s+)type: ${type}\\n`);
    if (!condition.test(out)) throw new Error(`kwok's pod-ready Stage has no ${type} condition to turn False`);
    out = out.replace(condition, `status: "False"$1type: ${type}\n`);
  }
  // The first `ready: true` is the containers' (containerStatuses comes before initContainerStatuses).
  if (!/^(\s+)ready: true$/m.test(out)) throw new Error("kwok's pod-ready Stage has no container status to mark not ready");
  return out.replace(/^(\s+)ready: true$/m, "$1ready: false");
}

/** Inserts `spec.delay` into a Stage document as kwok's own slow stages write it. */
export function withDelay(stage: string, ms: number): string {
  if (ms <= 0) return stage;
  if (!/^spec:$/m.test(stage)) throw new Error("a kwok Stage without a top-level spec:");
  return stage.replace(/^spec:$/m, `spec:\n  delay:\n    durationMilliseconds: ${ms}`);
}
