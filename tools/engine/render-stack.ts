/**
 * Render as a function: the stack file, the program under mocks, the manifests as YAML. Shared by the render
 * command and the tests.
 */
import * as fs from "fs";
import * as path from "path";
import { manifestsOf, Manifest, toYaml } from "./manifest";
import { Registered, runOffline } from "./offline";
import { readProject, readStackFile, stackFilePath, StackFileError } from "./stack-file";

/** The repository root (the nearest folder above this file with a Pulumi.yaml): the project whose program is rendered. */
export const PROJECT_DIR = projectDir(__dirname);

function projectDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, "../..");
  }
}

/**
 * When the commands run compiled (tools/engine/launch.js, from .build/), the program runs from the same build: its
 * compiled file, stamped with the same source digest. A program outside the build is loaded through ts-node.
 */
function programFile(main: string): string {
  if (path.extname(__filename) !== ".js") return main;
  // This file runs from .build/tools/engine/: the build's root is two folders up.
  const compiled = path.join(__dirname, "..", "..", path.relative(PROJECT_DIR, main)).replace(/\.ts$/, ".js");
  if (fs.existsSync(compiled)) return compiled;
  registerTsNodeOnce();
  return main;
}

/** ts-node with SWC, once per process (tools/engine/register-ts.js). */
function registerTsNodeOnce(): void {
  require(path.join(PROJECT_DIR, "tools", "engine", "register-ts.js"));
}

export interface RenderTarget {
  /** Stack name, read from `Pulumi.<stack>.yaml` beside Pulumi.yaml. */
  stack?: string;
  /** A stack file anywhere, `Pulumi.<stack>.yaml`. */
  stackFile?: string;
  /** Another Pulumi program than the project's, e.g. one of examples/, run without stack config. */
  program?: string;
  /** Sets `istio-gateways:strict` for this run: warnings refuse the render. */
  strict?: boolean;
}

/** Every resource the stack's program registers, with its inputs and dependency edges. */
export async function runStack(target: RenderTarget, reads?: Record<string, Record<string, unknown>>): Promise<Registered[]> {
  const project = readProject(PROJECT_DIR);
  if (target.program !== undefined) {
    if (target.strict) throw new StackFileError("--strict sets the stack's istio-gateways:strict, and --program runs without a stack: give the program's gateways strict: true instead");
    return runProgram(project.name, path.resolve(target.program), reads);
  }
  const file = target.stackFile ? path.resolve(target.stackFile)
    : target.stack ? stackFilePath(project.dir, target.stack)
    : undefined;
  if (file === undefined) throw new StackFileError("name a stack: --stack <name> (or --stack-file <path>)");
  const stack = readStackFile(project, file);
  return runOffline({
    project: project.name,
    stack: stack.stack,
    config: target.strict ? { ...stack.config, [`${project.name}:strict`]: "true" } : stack.config,
    secretKeys: stack.secretKeys,
    program: () => requireFresh(offlineProgram(project.main)),
    reads,
  });
}

/** A program of its own (examples/): no stack file, so no config; the stack is named after the file. */
function runProgram(project: string, file: string, reads?: Record<string, Record<string, unknown>>): Promise<Registered[]> {
  if (!fs.existsSync(file)) throw new StackFileError(`--program ${file} does not exist`);
  return runOffline({ project, stack: path.basename(file).replace(/\.[jt]s$/, ""), config: {}, program: () => requireFresh(file), reads });
}

/** The project's program (Pulumi.yaml `main`), loaded anew on every call. */
export function requireProgram(): void {
  requireFresh(offlineProgram(readProject(PROJECT_DIR).main));
}

export async function renderManifests(target: RenderTarget): Promise<Manifest[]> {
  return manifestsOf(await runStack(target));
}

export async function renderStack(target: RenderTarget): Promise<string> {
  return toYaml(await renderManifests(target));
}

/**
 * The program a render runs. The engine's entry, stacks/main.js, only picks compiled or transpiled index.ts (and
 * would keep the compiled one cached); offline, index.ts itself runs, loaded anew for every render.
 */
function offlineProgram(main: string): string {
  return path.basename(main) === "main.js" ? path.join(path.dirname(main), "index.ts") : main;
}

/** Loads the program anew, so that a second render in the same process runs it again. */
function requireFresh(source: string): void {
  const main = programFile(source);
  const programDir = path.dirname(require.resolve(main));
  for (const id of Object.keys(require.cache)) {
    if (id.startsWith(programDir + path.sep)) delete require.cache[id];
  }
  require(main);
}
