/**
 * The core's layout as a rule over imports: four rooms under components/core/ (model, validate, plan, analyze),
 * arrows only validate → model, plan → model, analyze → plan → model, each room entered by its index, and the
 * whole core by components/core/index.ts alone. The core reaches out only to the public argument types.
 */
import * as fs from "fs";
import * as path from "path";

export const CORE = "components/core";
/** The rooms each room may import, through their index. */
export const ROOM_ARROWS: Readonly<Record<string, readonly string[]>> = {
  model: [],
  validate: ["model"],
  plan: ["model"],
  analyze: ["plan", "model"],
};
/** Outside the core, what its files may import: the public argument types. */
const CORE_MAY_IMPORT = ["components/args.ts"];

/** Every relative import of a file, as repository paths (the file it resolves to). */
export function importsOf(file: string, text: string, exists: (p: string) => boolean): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["'](\.{1,2}\/[^"']*)["']/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
    return [`${base}.ts`, `${base}/index.ts`, `${base}.js`, base].find(exists) ?? base;
  });
}

const roomOf = (file: string): string | undefined => (file.startsWith(`${CORE}/`) ? file.slice(CORE.length + 1).split("/")[0] : undefined);
const isRoom = (r: string | undefined): r is string => r !== undefined && r in ROOM_ARROWS;

/** What breaks the layout, one line per import: empty when the house stands. */
export function layoutViolations(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [file, targets] of imports) {
    const from = roomOf(file);
    for (const target of targets) {
      const to = roomOf(target);
      if (from === undefined) {
        if (to !== undefined && target !== `${CORE}/index.ts`) out.push(`${file} imports ${target}: outside code enters the core by ${CORE}/index.ts only`);
        continue;
      }
      if (to === undefined) {
        if (!CORE_MAY_IMPORT.includes(target)) out.push(`${file} imports ${target}: the core imports nothing outside it but ${CORE_MAY_IMPORT.join(", ")}`);
        continue;
      }
      if (to === from) continue;
      // The hall (index.ts, prepare.ts) stands above the rooms: it may enter any of them by its index.
      if (!isRoom(from) && !isRoom(to)) continue;
      if (!isRoom(to)) {
        out.push(`${file} imports ${target}: a room does not import the core's hall`);
        continue;
      }
      if (target !== `${CORE}/${to}/index.ts`) out.push(`${file} imports ${target}: another room is entered by its index, ${CORE}/${to}/index.ts`);
      if (isRoom(from) && !ROOM_ARROWS[from].includes(to)) out.push(`${file} imports ${target}: ${from} may import ${ROOM_ARROWS[from].join(" and ") || "no other room"}, not ${to}`);
    }
  }
  return out;
}

/** Every source file of the repository but the installed and generated ones, with its imports. */
export function repositoryImports(root: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (["node_modules", "dist", ".build", ".git"].includes(e.name)) continue;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|js|cjs)$/.test(e.name) && !e.name.endsWith(".d.ts")) files.push(rel);
    }
  };
  walk("");
  const exists = (p: string) => fs.existsSync(path.join(root, p)) && fs.statSync(path.join(root, p)).isFile();
  return new Map(files.map((f) => [f, importsOf(f, fs.readFileSync(path.join(root, f), "utf8"), exists)]));
}
