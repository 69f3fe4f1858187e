/**
 * The rendered objects against the live ones: every field `npm run render` printed must be on the object the
 * API server holds (which adds defaults, status and Pulumi's own label around them).
 */
import { KubeApi, KubeObject } from "../../../tools/cluster/kube-api";

type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** The REST path of an object: core objects under /api/v1, the rest under /apis/<group>/<version>. */
export function apiPath(m: Manifest): string {
  const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  const plural = `${m.kind.toLowerCase()}s`;
  const ns = m.metadata.namespace ? `/namespaces/${m.metadata.namespace}` : "";
  return `${base}${ns}/${plural}/${m.metadata.name}`;
}

/**
 * Paths where the rendered value is not what the live object holds. Objects match key by key (the live one may
 * have more); lists match item by item, in order and in length.
 */
export function differences(rendered: unknown, live: unknown, at = ""): string[] {
  if (Array.isArray(rendered)) {
    if (!Array.isArray(live) || live.length !== rendered.length) return [`${at}: rendered ${JSON.stringify(rendered)}, live ${JSON.stringify(live)}`];
    return rendered.flatMap((r, i) => differences(r, live[i], `${at}[${i}]`));
  }
  if (typeof rendered === "object" && rendered !== null) {
    if (typeof live !== "object" || live === null) return [`${at}: rendered an object, live ${JSON.stringify(live)}`];
    return Object.entries(rendered).flatMap(([k, v]) => differences(v, (live as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return rendered === live ? [] : [`${at}: rendered ${JSON.stringify(rendered)}, live ${JSON.stringify(live)}`];
}

export async function liveDifferences(api: KubeApi, manifests: Array<Record<string, unknown>>): Promise<string[]> {
  const out: string[] = [];
  for (const m of manifests as Manifest[]) {
    const where = `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;
    const live = await api.find<KubeObject>(apiPath(m));
    if (!live) out.push(`${where}: not on the cluster`);
    else out.push(...differences(m, live).map((d) => `${where} ${d}`));
  }
  return out;
}
