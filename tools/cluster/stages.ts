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

/** kwok's `--config` file: its stages (from the kwok module) with the pod-ready delay, then any extra stages. */
export function kwokConfig(kwokModule: string, podReadyDelayMs: number, extraStages = ""): string {
  const docs = KWOK_STAGES.map((file) => {
    const text = fs.readFileSync(path.join(kwokModule, file), "utf8").trim();
    return file.endsWith("pod-ready.yaml") ? withDelay(text, podReadyDelayMs) : text;
  });
  return [...docs, ...(extraStages.trim() ? [extraStages.trim()] : [])].join("\n---\n") + "\n";
}

/** Inserts `spec.delay` into a Stage document as kwok's own slow stages write it. */
export function withDelay(stage: string, ms: number): string {
  if (ms <= 0) return stage;
  if (!/^spec:$/m.test(stage)) throw new Error("a kwok Stage without a top-level spec:");
  return stage.replace(/^spec:$/m, `spec:\n  delay:\n    durationMilliseconds: ${ms}`);
}
