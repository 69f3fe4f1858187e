/**
 * Renders a stack as it was at a git revision: that revision's own stack file *and* program, so a pull request
 * that changes code shows its effect too. The revision is exported to a temporary folder (git archive), given
 * this checkout's node_modules, and rendered by its own render command.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../engine/errors";
import { describe } from "../engine/cli";
import { entriesOf } from "../engine/manifest";
import { PROJECT_DIR, runStack } from "../engine/render-stack";
import { Entry } from "./object-diff";

// Plain JavaScript beside the sources (not in the compiled build): found from the project, wherever this runs from.
const { BUILD_DIR, builtDigest, sourceDigest } = require(path.join(PROJECT_DIR, "components/build-digest.js")) as {
  BUILD_DIR: string; builtDigest(root: string): string | undefined; sourceDigest(root: string): string;
};

export class DiffError extends UserError {}

function git(cwd: string, ...args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() };
}

/** The default base: where this branch left main (or origin/main, as CI checks it out). */
export function defaultBase(root: string): string {
  for (const main of ["main", "origin/main"]) {
    const r = git(root, "merge-base", "HEAD", main);
    if (r.ok) return r.out;
  }
  throw new DiffError("no main or origin/main to compare with; pass --base <git-ref>");
}

export function resolveRef(root: string, ref: string): string {
  const r = git(root, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  if (!r.ok) throw new DiffError(`--base ${JSON.stringify(ref)} is not a commit in this repository`);
  return r.out;
}

/** Where a revision keeps its render command: its own folder now, tools/render.ts before commands had folders. */
const RENDER_COMMANDS = ["tools/render/main.ts", "tools/render.ts"];

/**
 * The stack's objects at a commit; none when the stack file did not exist there (a new stack). When the commit's
 * program is this checkout's (the same sources, as in a pull request that moves a canary), its stack file is
 * rendered in this process; otherwise the commit's own render command runs in a process of its own.
 */
export async function renderAt(root: string, sha: string, stack: string, label: string): Promise<Entry[]> {
  if (!git(root, "cat-file", "-e", `${sha}:Pulumi.${stack}.yaml`).ok) return [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-gateways-base-"));
  try {
    const archive = spawnSync("git", ["archive", "--format=tar", sha], { cwd: root, maxBuffer: 1 << 30 });
    if (archive.status !== 0) throw new DiffError(`git archive ${label} failed: ${archive.stderr.toString().trim()}`);
    const tar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
    if (tar.status !== 0) throw new DiffError(`unpacking ${label} failed: ${tar.stderr.toString().trim()}`);
    if (sourceDigest(dir) === sourceDigest(root) && sameProject(dir, root)) return await renderHere(path.join(dir, `Pulumi.${stack}.yaml`), stack, label);
    const command = RENDER_COMMANDS.find((f) => fs.existsSync(path.join(dir, f)));
    if (command === undefined) throw new DiffError(`${label} has no render command to render it with`);
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    const r = spawnSync(process.execPath, [...renderCommand(root, dir, command), "--stack", stack, "--format", "json"],
      { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) {
      const message = (r.stderr || "").trim().split("\n").filter((l) => !l.startsWith("warning:")).join("\n").replace(/^error: /, "");
      throw new DiffError(`stack "${stack}" does not render at ${label}: ${message}`);
    }
    return JSON.parse(r.stdout) as Entry[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How to start the revision's render: compiled when this checkout's build was made from that revision's sources
 * (the usual case after editing the program on a branch: \`npm ci\` built main), so the base starts without
 * transpiling (docs/BENCHMARKS.md); through ts-node otherwise.
 */
export function renderCommand(root: string, dir: string, command: string): string[] {
  const compiled = path.join(BUILD_DIR, "tools/render/main.js");
  const current = builtDigest(root) === sourceDigest(dir) && fs.existsSync(path.join(root, compiled));
  if (process.env.LAUNCH_TRACE === "1") process.stderr.write(`diff: the base renders ${current ? "compiled" : "through ts-node"}\n`);
  if (!current) return ["-r", "ts-node/register/transpile-only", command];
  const compiledCode = (f: string) => !f.endsWith(".tsbuildinfo") && path.basename(f) !== "consumer";
  fs.cpSync(path.join(root, BUILD_DIR), path.join(dir, BUILD_DIR), { recursive: true, filter: compiledCode });
  return [compiled];
}

function sameProject(a: string, b: string): boolean {
  return ["Pulumi.yaml", "package-lock.json"].every((f) => fs.existsSync(path.join(a, f)) && fs.existsSync(path.join(b, f))
    && fs.readFileSync(path.join(a, f), "utf8") === fs.readFileSync(path.join(b, f), "utf8"));
}

async function renderHere(stackFile: string, stack: string, label: string): Promise<Entry[]> {
  try {
    return entriesOf(await runStack({ stackFile }));
  } catch (e) {
    throw new DiffError(`stack "${stack}" does not render at ${label}: ${describe(e).message}`);
  }
}
