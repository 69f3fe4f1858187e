/**
 * A copy of this repository's Pulumi project in another folder, as the real engine runs it: the program, its
 * compiled build as `npm ci` leaves it (stacks/main.js runs it when it matches), what starts it, and this
 * checkout's node_modules linked. The e2e workspaces and the real-engine benchmark use it.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../engine/render-stack";

const PROGRAM_FILES = ["Pulumi.yaml", "package.json", "tsconfig.json", "tsconfig.tools.json", "stacks", "components", ".build"];

/**
 * Folders under .build/ that other commands write while they run, and no program reads: npm run mutation's results
 * and sandboxes, and the package test's consumer project. Copying them costs time and can race their writers.
 */
export const BUILD_SCRATCH: readonly string[] = [".build/mutation", ".build/consumer"];

/** Whether a path under the project is one of BUILD_SCRATCH's folders, or in one. */
export function isBuildScratch(root: string, file: string): boolean {
  const rel = path.relative(root, file).split(path.sep).join("/");
  return BUILD_SCRATCH.some((s) => rel === s || rel.startsWith(`${s}/`));
}

export function copyProgram(dir: string): void {
  for (const f of PROGRAM_FILES) {
    if (fs.existsSync(path.join(PROJECT_DIR, f))) {
      fs.cpSync(path.join(PROJECT_DIR, f), path.join(dir, f), { recursive: true, filter: (from) => !isBuildScratch(PROJECT_DIR, from) });
    }
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
}
