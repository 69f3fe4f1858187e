/**
 * Reads a project's `Pulumi.yaml` and a stack's `Pulumi.<stack>.yaml` into the flat config map the Pulumi
 * runtime receives from the CLI: `namespace:key` → string, objects as JSON. Values written `secure:` cannot be
 * decrypted without the Pulumi CLI, so they become a visible placeholder and their keys are marked secret.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { nearest } from "../../components/core";
import { UserError } from "./errors";
import { yamlProblem } from "./yaml-error";

export const SECRET_PLACEHOLDER = "[secret]";

export interface Project {
  name: string;
  /** Absolute path of the program `main` names. */
  main: string;
  dir: string;
}

export interface StackFile {
  stack: string;
  path: string;
  config: Record<string, string>;
  secretKeys: string[];
}

export class StackFileError extends UserError {}

export function readProject(dir: string): Project {
  const file = path.join(dir, "Pulumi.yaml");
  const doc = parse(fs.readFileSync(file, "utf8")) as { name?: string; main?: string };
  if (typeof doc?.name !== "string") throw new StackFileError(`${file}: "name" is missing`);
  return { name: doc.name, main: path.resolve(dir, doc.main ?? "."), dir };
}

/** The stack name a file is for: `Pulumi.<stack>.yaml`. */
export function stackNameOf(file: string): string {
  const match = /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file));
  if (!match) throw new StackFileError(`${file}: a stack file is named Pulumi.<stack>.yaml`);
  return match[1];
}

export function stackFilePath(dir: string, stack: string): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

/** Stacks that have a file in `dir`, for messages (none when the folder does not exist). */
export function knownStacks(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs.readdirSync(dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map(stackNameOf).sort();
}

/** Why a stack file is missing, in one line: the folder, or the file with the stacks beside it (and the near miss). */
export function missingStackFile(file: string): string {
  const stack = stackNameOf(file);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) return `stack "${stack}": ${file} does not exist: there is no folder ${dir}`;
  const known = knownStacks(dir);
  const near = known.find((k) => k.toLowerCase() === stack.toLowerCase()) ?? nearest(stack, known);
  return `stack "${stack}": ${file} does not exist; ${near !== undefined ? `did you mean "${near}"? ` : ""}stacks here: ${known.join(", ") || "none"}`;
}

export function readStackFile(project: Project, file: string): StackFile {
  const stack = stackNameOf(file);
  if (!fs.existsSync(file)) throw new StackFileError(missingStackFile(file));
  let doc: unknown;
  const text = fs.readFileSync(file, "utf8");
  try {
    doc = parse(text);
  } catch (e) {
    throw new StackFileError(`stack "${stack}": ${file} is not valid YAML, ${yamlProblem(text, e)}`);
  }
  const raw = (doc as { config?: unknown } | null)?.config ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new StackFileError(`stack "${stack}": "config" in ${file} must be a map of keys to values`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // The CLI reads a key without a namespace as the project's own.
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    const { value: plain, secret } = maskSecrets(value);
    config[full] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.push(full);
  }
  return { stack, path: file, config, secretKeys };
}

/** Replaces every `{ secure: ... }` with the placeholder; says whether there was one. */
function maskSecrets(value: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(maskSecrets);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") return { value: SECRET_PLACEHOLDER, secret: true };
    const masked = entries.map(([k, v]) => [k, maskSecrets(v)] as const);
    return { value: Object.fromEntries(masked.map(([k, m]) => [k, m.value])), secret: masked.some(([, m]) => m.secret) };
  }
  return { value, secret: false };
}
