/**
 * Per gateway, the pods of each revision and the weight they give, read back from rendered objects: what a
 * reviewer of a stack change wants to see first.
 */
import { percentOf } from "../../components/core";
import { Manifest } from "../engine/manifest";

export interface RevisionPods {
  gateway: string;
  revision: string;
  /** Pods, or the HPA's minimum. */
  pods: number;
  /** With an HPA, its maximum. */
  maxPods?: number;
  percent: number;
}

type Obj = Manifest & { spec?: Record<string, any> };

const TRACK = "pulumi-istio-gateway/track";

export function revisionPods(manifests: readonly Manifest[]): RevisionPods[] {
  const objs = manifests as Obj[];
  const rows: RevisionPods[] = [];
  for (const d of objs.filter((m) => m.kind === "Deployment")) {
    const labels = (d.metadata.labels ?? {}) as Record<string, string>;
    const gateway = labels["app.kubernetes.io/name"];
    const revision = labels[TRACK];
    if (!gateway || !revision) continue;
    const hpa = objs.find((m) => m.kind === "HorizontalPodAutoscaler" && m.metadata.namespace === d.metadata.namespace
      && m.spec?.scaleTargetRef?.name === d.metadata.name);
    rows.push({ gateway, revision, pods: hpa?.spec?.minReplicas ?? d.spec?.replicas ?? 0, ...(hpa && { maxPods: hpa.spec?.maxReplicas }), percent: 0 });
  }
  for (const r of rows) {
    const total = rows.filter((o) => o.gateway === r.gateway).reduce((n, o) => n + o.pods, 0);
    r.percent = total === 0 ? 0 : percentOf(r.pods, total);
  }
  return rows;
}

export function podsText(r: RevisionPods | undefined): string {
  if (!r) return "—";
  const pods = r.maxPods !== undefined ? `${r.pods}–${r.maxPods} pods` : `${r.pods} pod${r.pods === 1 ? "" : "s"}`;
  return `${pods} (${r.percent}%)`;
}
