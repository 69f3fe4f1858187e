/**
 * The difference between two renders of a stack, as plain values: objects added, changed and removed (matched
 * by Pulumi URN, as the engine matches them), the fields that changed, and the changes Kubernetes or the
 * Pulumi provider can only make by replacing the object.
 */
import { Manifest } from "../engine/manifest";

/** One rendered object with its Pulumi identity. */
export interface Entry {
  urn: string;
  manifest: Manifest;
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface ObjectChange {
  change: "added" | "changed" | "removed";
  kind: string;
  namespace: string;
  name: string;
  fields: FieldChange[];
  /** Why this change replaces the object, when it does. */
  replaces: string[];
}

// Fields pulumi-kubernetes replaces an object for (its forceNew list), with metadata.name and .namespace for
// every kind; a changed Service type gives up the old load-balancer address even where it is updated in place.
const REPLACING: Record<string, string[]> = {
  Deployment: ["spec.selector"],
  Service: ["spec.clusterIP", "spec.type"],
  RoleBinding: ["roleRef"],
};

/** Leaf-level changes between two values, paths written `spec.template.spec.containers[0].image`. */
export function changedFields(before: unknown, after: unknown, path = ""): FieldChange[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => changedFields(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedFields(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

function replacing(kind: string, fields: FieldChange[]): string[] {
  const prefixes = ["metadata.name", "metadata.namespace", ...(REPLACING[kind] ?? [])];
  return prefixes.filter((p) => fields.some((f) => f.path === p || f.path.startsWith(`${p}.`) || f.path.startsWith(`${p}[`)));
}

function describe(m: Manifest) {
  // Istio's Gateway and the Gateway API's share kind and name (routingApi "both"): the report tells them apart.
  const kind = m.apiVersion.startsWith("gateway.networking.k8s.io/") ? `${m.kind} (Gateway API)` : m.kind;
  return { kind, namespace: m.metadata.namespace ?? "", name: m.metadata.name };
}

export function diffEntries(before: readonly Entry[], after: readonly Entry[]): ObjectChange[] {
  const old = new Map(before.map((e) => [e.urn, e.manifest]));
  const now = new Map(after.map((e) => [e.urn, e.manifest]));
  const out: ObjectChange[] = [];
  for (const [urn, m] of now) {
    const was = old.get(urn);
    if (!was) { out.push({ change: "added", ...describe(m), fields: [], replaces: [] }); continue; }
    const fields = changedFields(was, m);
    if (fields.length > 0) out.push({ change: "changed", ...describe(m), fields, replaces: replacing(m.kind, fields) });
  }
  for (const [urn, m] of old) if (!now.has(urn)) out.push({ change: "removed", ...describe(m), fields: [], replaces: [] });
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/**
 * Objects a rename replaces: a Service or Gateway removed while another of its kind appears in the same
 * namespace. Pulumi creates the new one before deleting the old, but a new Service gets a new address and a
 * renamed Gateway breaks every VirtualService that names it, so the gateway's traffic drops all the same.
 */
export function renamed(changes: readonly ObjectChange[]): Array<{ kind: string; namespace: string; from: string; to: string }> {
  const out = [];
  for (const r of changes.filter((c) => c.change === "removed" && (c.kind === "Service" || c.kind === "Gateway"))) {
    const a = changes.find((c) => c.change === "added" && c.kind === r.kind && c.namespace === r.namespace);
    if (a) out.push({ kind: r.kind, namespace: r.namespace, from: r.name, to: a.name });
  }
  return out;
}
