/**
 * The fleet file: which stacks move a revision, in which order. Committed beside the stack files; every stack it
 * names is a `Pulumi.<stack>.yaml` in the same folder. Read and checked before any stack is touched, and every
 * mistake names the file, the key, the value and what is allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { didYouMean, DNS1123_LABEL } from "../../components/core";
import { UserError } from "../engine/errors";

export interface Wave {
  name: string;
  stacks: string[];
  /** How long the wave's stacks must stay healthy after their update before the next wave moves. */
  bakeSeconds: number;
  /** How many of the wave's stacks are updated at once. */
  parallelism: number;
}

export interface Fleet {
  file: string;
  /** The folder of the stack files (and the Pulumi project). */
  dir: string;
  /** The revision every gateway's canary runs. */
  revision: string;
  gateways: string[];
  waves: Wave[];
}

export class FleetError extends UserError {}

const KEYS = ["revision", "gateways", "waves"];
const WAVE_KEYS = ["name", "stacks", "bakeSeconds", "parallelism"];
export const MAX_BAKE_SECONDS = 86400;
export const MAX_PARALLELISM = 64;

export function readFleetFile(file: string): Fleet {
  if (!fs.existsSync(file)) throw new FleetError(`fleet: ${file} does not exist`);
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new FleetError(`fleet "${file}": not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  return checkFleet(file, doc);
}

/** The fleet as validated; `raw` is the parsed YAML. */
export function checkFleet(file: string, raw: unknown): Fleet {
  const bad = (key: string, value: unknown, allowed: string) =>
    new FleetError(`fleet "${file}": ${key} is ${value === undefined ? "missing" : JSON.stringify(value)}; ${allowed}`);
  const doc = mapAt(raw, "the file", bad);
  for (const k of Object.keys(doc)) if (!KEYS.includes(k)) throw bad(k, doc[k], `${didYouMean(k, KEYS)}known keys: ${KEYS.join(", ")}`);
  if (typeof doc.revision !== "string" || !DNS1123_LABEL.test(doc.revision)) {
    throw bad("revision", doc.revision, 'name the revision every canary moves to, a DNS-1123 label such as "1-26-0"');
  }
  const gateways = names(doc.gateways, "gateways", bad, 'list the gateways to move in every stack, e.g. ["istio-ingressgateway"]');
  if (!Array.isArray(doc.waves) || doc.waves.length === 0) throw bad("waves", doc.waves, "list the waves in order, each { name, stacks, bakeSeconds, parallelism }");
  const waves = doc.waves.map((w, i) => checkWave(w, `waves[${i}]`, bad));
  const seen = new Map<string, string>();
  waves.forEach((w, i) => w.stacks.forEach((s, j) => {
    if (seen.has(s)) throw bad(`waves[${i}].stacks[${j}]`, s, `it is in wave "${seen.get(s)}" already; a stack moves in one wave`);
    seen.set(s, w.name);
  }));
  const waveNames = waves.map((w) => w.name);
  waveNames.forEach((n, i) => { if (waveNames.indexOf(n) !== i) throw bad(`waves[${i}].name`, n, "wave names are unique"); });
  return { file, dir: path.dirname(path.resolve(file)), revision: doc.revision, gateways, waves };
}

type Bad = (key: string, value: unknown, allowed: string) => FleetError;

function checkWave(raw: unknown, key: string, bad: Bad): Wave {
  const w = mapAt(raw, key, bad);
  for (const k of Object.keys(w)) if (!WAVE_KEYS.includes(k)) throw bad(`${key}.${k}`, w[k], `${didYouMean(k, WAVE_KEYS)}known keys: ${WAVE_KEYS.join(", ")}`);
  if (typeof w.name !== "string" || !DNS1123_LABEL.test(w.name)) throw bad(`${key}.name`, w.name, 'name the wave, e.g. "canary", "early", "rest"');
  return {
    name: w.name,
    stacks: names(w.stacks, `${key}.stacks`, bad, 'list the stacks of the wave, e.g. ["prod-eu-1"]'),
    bakeSeconds: whole(w.bakeSeconds ?? 0, `${key}.bakeSeconds`, 0, MAX_BAKE_SECONDS, bad),
    parallelism: whole(w.parallelism ?? 1, `${key}.parallelism`, 1, MAX_PARALLELISM, bad),
  };
}

function mapAt(raw: unknown, key: string, bad: Bad): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw bad(key, raw, "use a map of keys to values");
  return raw as Record<string, unknown>;
}

function names(raw: unknown, key: string, bad: Bad, allowed: string): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad(key, raw, allowed);
  raw.forEach((n, i) => {
    // Stack names become file names (Pulumi.<stack>.yaml); gateway names are DNS labels.
    if (typeof n !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n)) throw bad(`${key}[${i}]`, n, "use a stack or gateway name");
    if (raw.indexOf(n) !== i) throw bad(`${key}[${i}]`, n, "it is listed twice");
  });
  return raw as string[];
}

function whole(raw: unknown, key: string, min: number, max: number, bad: Bad): number {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) throw bad(key, raw, `use a whole number from ${min} to ${max}`);
  return raw;
}
