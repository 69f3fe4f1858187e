/**
 * The diff of a stack as Markdown for a pull-request comment: the split per gateway before → after, a table of
 * objects, the changed fields of each, and a warning for every change that replaces an object.
 */
import { stringify } from "yaml";
import { Manifest } from "../engine/manifest";
import { diffEntries, Entry, ObjectChange, renamed } from "./object-diff";
import { podsText, revisionPods } from "./split-summary";

/** Marks the comment, so CI updates its own comment per stack instead of adding one per push. */
export function marker(stack: string): string {
  return `<!-- istio-gateways-diff:${stack} -->`;
}

export interface DiffInput {
  stack: string;
  baseLabel: string;
  before: Entry[];
  after: Entry[];
}

function splitTable(before: Manifest[], after: Manifest[], gateways: Set<string>): string[] {
  const old = revisionPods(before);
  const now = revisionPods(after);
  const rows: string[] = [];
  for (const gateway of [...gateways].sort()) {
    const revisions = [...new Set([...old, ...now].filter((r) => r.gateway === gateway).map((r) => r.revision))];
    for (const revision of revisions) {
      const [a, b] = [old.find((r) => r.gateway === gateway && r.revision === revision), now.find((r) => r.gateway === gateway && r.revision === revision)];
      const [ta, tb] = [podsText(a), podsText(b)];
      rows.push(`| ${gateway} | ${revision} | ${ta} | ${ta === tb ? "unchanged" : tb} |`);
    }
  }
  return rows.length === 0 ? [] : ["**Gateways**", "", "| gateway | revision | before | after |", "| --- | --- | --- | --- |", ...rows, ""];
}

function yamlValue(v: unknown): string {
  return v === undefined ? "(absent)" : stringify(v, { lineWidth: 0 }).trimEnd().replace(/\n/g, "\n    ");
}

function fieldsBlock(c: ObjectChange): string[] {
  const lines = c.fields.flatMap((f) => [
    ...(f.before !== undefined ? [`- ${f.path}: ${yamlValue(f.before)}`] : []),
    ...(f.after !== undefined ? [`+ ${f.path}: ${yamlValue(f.after)}`] : []),
  ]);
  return [`<details><summary>${c.kind} ${c.namespace ? `${c.namespace}/` : ""}${c.name}</summary>`, "", "```diff", ...lines, "```", "", "</details>", ""];
}

function warnings(changes: ObjectChange[]): string[] {
  const out = changes.filter((c) => c.replaces.length > 0).map((c) =>
    `> ⚠️ **Replacement**: ${c.kind} ${c.namespace}/${c.name} changes ${c.replaces.join(", ")}, which Kubernetes or the Pulumi provider can only apply by replacing it; a replaced gateway object drops traffic.`);
  for (const r of renamed(changes)) {
    out.push(`> ⚠️ **Replacement**: ${r.kind} ${r.namespace}/${r.from} is removed and ${r.namespace}/${r.to} created (a rename): a new Service gets a new address and routes bound to the old Gateway stop matching, so traffic drops.`);
  }
  const deletions = changes.filter((x) => x.change === "removed" && x.kind === "Namespace").map((c) =>
    `> 🛑 **Namespace deletion**: Namespace ${c.name} leaves the stack. Created with retainNamespace (the default), \`pulumi up\` leaves it in the cluster; created with \`retainNamespace: false\` (or by a version before retainNamespace), it deletes the namespace and every object in it, TLS Secrets and workloads the stack never made included. Check before you merge.`);
  return [...deletions, ...out].flatMap((w) => [w, ""]);
}

export function diffMarkdown(input: DiffInput): { markdown: string; changes: ObjectChange[] } {
  const changes = diffEntries(input.before, input.after);
  const header = [marker(input.stack), `### Stack \`${input.stack}\`: ${changes.length === 0 ? "no changes" : `${changes.length} object${changes.length === 1 ? "" : "s"} to change`}`, "",
    `Rendered offline (Pulumi mocks), ${input.baseLabel} → working tree.`, ""];
  if (changes.length === 0) return { markdown: [...header, "No changes."].join("\n") + "\n", changes };
  const touched = new Set(changes.map((c) => (input.after.concat(input.before).find((e) => e.manifest.metadata.name === c.name && e.manifest.kind === c.kind)
    ?.manifest.metadata.labels as Record<string, string> | undefined)?.["app.kubernetes.io/name"]).filter((g): g is string => g !== undefined));
  const table = ["**Objects**", "", "| change | kind | namespace | name |", "| --- | --- | --- | --- |",
    ...changes.map((c) => `| ${c.change} | ${c.kind} | ${c.namespace || "—"} | ${c.name} |`), ""];
  const body = [
    ...warnings(changes),
    ...splitTable(input.before.map((e) => e.manifest), input.after.map((e) => e.manifest), touched),
    ...table,
    ...changes.filter((c) => c.change === "changed").flatMap(fieldsBlock),
  ];
  return { markdown: [...header, ...body].join("\n"), changes };
}
