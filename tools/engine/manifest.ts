/**
 * Registered Kubernetes resources as manifests: the objects in a stable order, printed as multi-document
 * YAML with a stable key order, secrets replaced by a placeholder.
 */
import { stringify } from "yaml";
import { Registered } from "./offline";
import { SECRET_PLACEHOLDER } from "./stack-file";

/** The key Pulumi marks a secret value with (sdk/nodejs/runtime/rpc specialSigKey). */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

// The order kubectl applies in: what others need first.
const KIND_ORDER = ["Namespace", "ServiceAccount", "Role", "RoleBinding", "Service", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Gateway"];

/** Kubernetes objects among the registered resources (provider resources and components left out). */
export function manifestsOf(resources: readonly Registered[]): Manifest[] {
  return entriesOf(resources).map((e) => e.manifest);
}

export interface Entry {
  urn: string;
  manifest: Manifest;
  /** Adopted: the engine imports the running object `<namespace>/<name>` (components/core/plan/adopt.ts). */
  imported?: string;
}

/** The same objects with their Pulumi URNs, which is how the engine (and the diff) tells them apart. */
export function entriesOf(resources: readonly Registered[]): Entry[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:"))
    .map((r) => ({ urn: r.urn ?? `${r.type}::${r.name}`, manifest: canonical(unwrapSecrets(r.inputs)) as Manifest, ...(r.importId && { imported: r.importId }) }))
    .sort((a, b) => compareManifests(a.manifest, b.manifest));
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function compareManifests(a: Manifest, b: Manifest): number {
  return rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind)
    || (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "")
    || a.metadata.name.localeCompare(b.metadata.name)
    // Istio's Gateway and the Gateway API's share kind, namespace and name with routingApi "both".
    || a.apiVersion.localeCompare(b.apiVersion);
}

/** Pulumi's secret envelope becomes the placeholder: a render never prints a secret. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    if (SECRET_SIG_KEY in value) return SECRET_PLACEHOLDER;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

// apiVersion, kind and metadata lead, as in kubectl's output; metadata starts with name and namespace.
const TOP = ["apiVersion", "kind", "metadata"];
const META = ["name", "namespace", "labels", "annotations"];

function ordered(keys: string[], first: readonly string[]): string[] {
  return [...first.filter((k) => keys.includes(k)), ...keys.filter((k) => !first.includes(k)).sort()];
}

/** A copy with keys in a fixed order at every level, so equal objects print byte-identical. */
export function canonical(value: unknown, path = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, `${path}[]`));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const first = path === "" ? TOP : path === ".metadata" ? META : [];
  return Object.fromEntries(ordered(Object.keys(obj), first).map((k) => [k, canonical(obj[k], `${path}.${k}`)]));
}

export function toYaml(manifests: readonly Manifest[]): string {
  return entriesToYaml(manifests.map((manifest) => ({ urn: "", manifest })));
}

/**
 * The entries as YAML, each adopted object headed by a comment: the engine imports it, and fields the object
 * does not show here stay as they run (an adopted Deployment's pod template, a retired object's whole body).
 */
export function entriesToYaml(entries: readonly Entry[]): string {
  return entries.map((e) => `---\n${e.imported ? `# imported: ${e.imported} (fields not shown stay as they run)\n` : ""}${stringify(e.manifest, { lineWidth: 0 })}`).join("");
}
