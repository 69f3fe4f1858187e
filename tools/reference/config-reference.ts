/**
 * docs/config.md, generated: every key of a gateway, read from components/args.ts (its types and JSDoc, the
 * source the multi-language schema comes from too) and the validator's default values (components/core,
 * DEFAULTS). A key's row: its path as a stack file writes it, its type, its default, and its JSDoc.
 */
import * as fs from "fs";
import * as ts from "typescript";
import { DEFAULTS } from "../../components/core";

export interface ReferenceRow {
  key: string;
  type: string;
  required: boolean;
  /** The JSDoc's `@default`, as written. */
  documentedDefault?: string;
  /** The validator's value, when the default is a plain value (DEFAULTS). */
  defaultValue?: unknown;
  meaning: string;
}

/** A value as TypeScript writes it, the way the JSDoc `@default`s spell them: `{ cpu: "100m" }`, `[10, 25]`. */
export function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "object" && value !== null) return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${literal(v)}`).join(", ")} }`;
  return JSON.stringify(value);
}

const text = (node: ts.Node | undefined, sf: ts.SourceFile) => node?.getText(sf) ?? "";

function jsDocOf(node: ts.Node): { meaning: string; documentedDefault?: string } {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const doc = docs[docs.length - 1];
  if (!doc) return { meaning: "" };
  const comment = ts.getTextOfJSDocComment(doc.comment) ?? "";
  const tag = doc.tags?.find((t) => t.tagName.text === "default");
  const flat = (s: string) => s.replace(/\s*\n\s*/g, " ").trim();
  return { meaning: flat(comment), documentedDefault: tag ? flat(ts.getTextOfJSDocComment(tag.comment) ?? "") : undefined };
}

/** Every row of the reference, in the order args.ts declares the keys, nested keys after their parent. */
export function referenceRows(argsFile: string): ReferenceRow[] {
  const sf = ts.createSourceFile(argsFile, fs.readFileSync(argsFile, "utf8"), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  const enums = new Map<string, string[]>();
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st)) interfaces.set(st.name.text, st);
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && ts.isAsExpression(d.initializer) ? d.initializer.expression : undefined;
        if (init && ts.isObjectLiteralExpression(init)) {
          enums.set(text(d.name, sf), init.properties.filter(ts.isPropertyAssignment).map((p) => (p.initializer as ts.StringLiteral).text));
        }
      }
    }
  }
  const rows: ReferenceRow[] = [];
  const typeOf = (t: ts.TypeNode): { type: string; nested?: ts.InterfaceDeclaration; list?: boolean } => {
    if (ts.isArrayTypeNode(t)) {
      const inner = typeOf(t.elementType);
      // A list of objects is a "list": its entries' keys get rows of their own, as `key[].…`.
      return { type: inner.nested ? "list" : `list of ${inner.type}${/^(string|integer|boolean)$/.test(inner.type) ? "s" : ""}`, nested: inner.nested, list: true };
    }
    if (ts.isTypeReferenceNode(t)) {
      const name = text(t.typeName, sf);
      if (enums.has(name)) return { type: enums.get(name)!.map((v) => `\`${v}\``).join(" | ") };
      if (interfaces.has(name)) return { type: "object", nested: interfaces.get(name) };
      // args.ts's alias for the few numbers with fractions; a plain `number` there is a whole one.
      if (name === "Decimal") return { type: "number" };
      if (name === "Record") return { type: `map of ${typeOf(t.typeArguments![1]).type}s` };
      if (name.startsWith("k8s.types.input.")) return { type: `Kubernetes \`${name.split(".").pop()}\`` };
      return { type: name };
    }
    if (t.kind === ts.SyntaxKind.NumberKeyword) return { type: "integer" };
    if (t.kind === ts.SyntaxKind.StringKeyword) return { type: "string" };
    if (t.kind === ts.SyntaxKind.BooleanKeyword) return { type: "boolean" };
    return { type: text(t, sf) };
  };
  const walk = (iface: ts.InterfaceDeclaration, prefix: string) => {
    for (const member of iface.members) {
      if (!ts.isPropertySignature(member) || !member.type) continue;
      const key = `${prefix}${text(member.name, sf)}`;
      const { type, nested, list } = typeOf(member.type);
      const doc = jsDocOf(member);
      rows.push({
        key, type, required: member.questionToken === undefined,
        documentedDefault: doc.documentedDefault, meaning: doc.meaning, ...(key in DEFAULTS && { defaultValue: DEFAULTS[key] }),
      });
      if (nested) walk(nested, `${key}${list ? "[]" : ""}.`);
    }
  };
  walk(interfaces.get("IstioGatewayArgs")!, "");
  return rows;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/config.md. */
export function configReference(argsFile: string): string {
  const rows = referenceRows(argsFile);
  const lines = [
    "# Config reference",
    "",
    "<!-- Generated by `npm run reference` from components/args.ts and the validator's defaults; do not edit by hand. -->",
    "",
    "A stack file holds one key, `istio-gateways:gateways`: a map from gateway name (a DNS-1035 label: it becomes the",
    "Service's name) to the settings below. A TypeScript program passes the same settings to `new IstioGateway(name,",
    "args)`, and Python, Go and YAML programs too, under the same names. Unknown keys are refused, and a near miss is",
    "named (`replica` → \"did you mean `replicas`?\"). Every value is checked at preview, before anything is registered:",
    "a mistake stops it with one line naming the stack, the gateway, the key, the bad value and what is allowed.",
    "",
    "A key written `a.b` is `b` inside the map `a`; `servers[].port` is `port` in each entry of the list `servers`.",
    "Beyond each key's own rules: HTTPS and TLS servers need `tls.mode`; `SIMPLE`, `MUTUAL` and `OPTIONAL_MUTUAL` need",
    "`credentialName` (or `credentialNames`), Secrets in the gateway's namespace; a canary at a partial weight needs",
    "`replicas` ≥ 2 (a pod on each revision); every rule of Istio's Gateway validation, and the findings of",
    "docs/findings.md, are checked at preview. What each key creates is docs/objects.md.",
    "",
    "| key | type | default | meaning |",
    "| --- | --- | --- | --- |",
    ...rows.map((r) => {
      const written = r.documentedDefault ?? "";
      const def = r.defaultValue !== undefined ? `\`${literal(r.defaultValue)}\`` : r.required ? "required"
        : /^(\{.*\}|\[.*\]|".*"|-?\d+|true|false)$/.test(written) ? `\`${written}\`` : written;
      return `| \`${r.key}\` | ${cell(r.type)} | ${cell(def)} | ${cell(r.meaning)} |`;
    }),
    "",
  ];
  return lines.join("\n");
}

/** Keys whose JSDoc `@default` says another value than the validator applies: empty when they agree. */
export function defaultDrift(rows: readonly ReferenceRow[], defaults: Readonly<Record<string, unknown>> = DEFAULTS): string[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return Object.entries(defaults).flatMap(([key, value]) => {
    const row = byKey.get(key);
    if (!row) return [`${key}: the validator has a default for it, but components/args.ts has no such key`];
    const want = literal(value);
    const written = row.documentedDefault;
    return written === want || written?.includes(`\`${want}\``) ? [] : [`${key}: components/args.ts says @default ${written ?? "(none)"}, the validator applies ${want}`];
  });
}
