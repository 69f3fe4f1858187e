/**
 * The rendered objects against the live ones: every field `npm run render` printed must be on the object the
 * API server holds (which adds defaults, status and Pulumi's own label around them), and nothing else labelled as
 * one of the rendered gateways' is left in their namespaces (an old revision's Deployment after promote, say).
 */
import { KubeApi, KubeApiError, KubeObject } from "../../../tools/cluster/kube-api";

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

/** Ready pods per Deployment, by name (0 for a Deployment with none). */
export function readyByDeployment(deployments: KubeObject[]): Record<string, number> {
  return Object.fromEntries(deployments.map((d) => [d.metadata.name, (d.status as { readyReplicas?: number }).readyReplicas ?? 0]));
}

export async function liveDifferences(api: KubeApi, manifests: Array<Record<string, unknown>>): Promise<string[]> {
  const out: string[] = [];
  for (const m of manifests as Manifest[]) {
    const where = `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ""}${m.metadata.name}`;
    const live = await api.find<KubeObject>(apiPath(m));
    if (!live) out.push(`${where}: not on the cluster`);
    else out.push(...differences(m, live).map((d) => `${where} ${d}`));
  }
  return [...out, ...(await leftovers(api, manifests as Manifest[]))];
}

/** The kinds the component makes in a gateway's namespace: its kind, API base and collection. */
export const GATEWAY_KINDS: ReadonlyArray<[kind: string, api: string, resource: string]> = [
  ["Deployment", "/apis/apps/v1", "deployments"], ["Service", "/api/v1", "services"], ["ServiceAccount", "/api/v1", "serviceaccounts"],
  ["Role", "/apis/rbac.authorization.k8s.io/v1", "roles"], ["RoleBinding", "/apis/rbac.authorization.k8s.io/v1", "rolebindings"],
  ["HorizontalPodAutoscaler", "/apis/autoscaling/v2", "horizontalpodautoscalers"], ["PodDisruptionBudget", "/apis/policy/v1", "poddisruptionbudgets"],
  ["Gateway", "/apis/networking.istio.io/v1", "gateways"], ["Gateway", "/apis/gateway.networking.k8s.io/v1", "gateways"],
];

/** Live objects labelled as a rendered gateway's (`app.kubernetes.io/name` and `managed-by`) that the render lacks. */
async function leftovers(api: KubeApi, manifests: Manifest[]): Promise<string[]> {
  const labels = (m: Manifest) => (m.metadata as { labels?: Record<string, string> }).labels ?? {};
  const owned = manifests.filter((m) => labels(m)["app.kubernetes.io/managed-by"] === "pulumi-istio-gateway" && m.metadata.namespace);
  const rendered = new Set(manifests.map((m) => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`));
  const scopes = new Set(owned.map((m) => `${m.metadata.namespace} ${labels(m)["app.kubernetes.io/name"]}`));
  const out: string[] = [];
  for (const scope of scopes) {
    const [namespace, gateway] = scope.split(" ");
    const selector = encodeURIComponent(`app.kubernetes.io/managed-by=pulumi-istio-gateway,app.kubernetes.io/name=${gateway}`);
    for (const [kind, base, resource] of GATEWAY_KINDS) {
      // A cluster without the Gateway API's CRDs has no such collection: nothing can be left there.
      const live = await api.list(`${base}/namespaces/${namespace}/${resource}?labelSelector=${selector}`)
        .catch((e: unknown) => { if (e instanceof KubeApiError && e.status === 404) return []; throw e; });
      for (const o of live) {
        if (!rendered.has(`${kind} ${namespace}/${o.metadata.name}`)) out.push(`${kind} ${namespace}/${o.metadata.name}: on the cluster, labelled as gateway "${gateway}"'s, but not rendered (left over)`);
      }
    }
  }
  return out;
}
