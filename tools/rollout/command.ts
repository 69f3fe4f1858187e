/**
 * The rollout command: `renderRollout` as a function of the stack file's text (what to print and the file's new
 * text), and `rollout` as a function of the arguments, which reads and writes the file (main.ts runs it).
 */
import * as fs from "fs";
import { ValidGateway } from "../../components/core";
import { readStackConfig, StackConfig } from "../../stacks/config";
import { Edit, move, MoveRefused, onlyCanary, pickGateway, statusText, Verb } from "./plan";
import { missingStackFile, stackFilePath, stackNameOf, StackFileError } from "../engine/stack-file";
import { StackDocument } from "./stack-edit";
import * as path from "path";
import { CommandIO } from "../engine/command";
import { parseArgs, UsageError } from "../engine/cli";
import { PROJECT_DIR } from "../engine/render-stack";
import { analyzed, analyzeVerb, engineDeps, gatewayOf, gateNext, runVerb } from "./analysis";

export interface RolloutRequest {
  file: string;
  verb: string;
  gateway?: string;
  force: boolean;
}

export interface RolloutResult {
  output: string;
  /** The stack file's new text, when the verb changes it. */
  newText?: string;
}

type ReadConfig = (stack: string, raw: unknown) => StackConfig;

const VERBS = ["status", ...Object.values(Verb)];
/** The analysis verbs (analysis.ts), named in the refusal of an unknown verb. */
const ANALYSIS_VERBS = ["analyze", "run"];

export function renderRollout(req: RolloutRequest, readConfig: ReadConfig): RolloutResult {
  const stack = stackNameOf(req.file);
  if (!VERBS.includes(req.verb)) throw new MoveRefused(`rollout: unknown verb "${req.verb}"; use one of ${[...VERBS, ...ANALYSIS_VERBS].join(", ")}`);
  if (!fs.existsSync(req.file)) {
    throw new StackFileError(missingStackFile(req.file));
  }
  const doc = new StackDocument(fs.readFileSync(req.file, "utf8"), req.file);
  const config = readConfig(stack, doc.gateways());
  if (req.verb === "status") {
    const shown = req.gateway === undefined ? config.gateways : [pickGateway(stack, config.gateways, req.gateway)];
    return { output: shown.map((g) => statusText(stack, g)).join("\n") };
  }
  const gw = req.gateway === undefined ? onlyCanary(stack, config.gateways) : pickGateway(stack, config.gateways, req.gateway);
  const edit = move(req.verb as Verb, gw, req.force, stack);
  if (edit.kind === "weight" && edit.from === edit.to) {
    return { output: `${gw.name}: the canary is already at ${edit.to}%; nothing to change\n` };
  }
  doc.apply(gw.name, edit);
  const after = readConfig(stack, doc.gateways()).gateways.find((g) => g.name === gw.name) as ValidGateway;
  return { output: changeText(stack, req.file, gw, after, edit), newText: doc.toString() };
}

function promoteLines(before: ValidGateway, after: ValidGateway, revision: string, from: number): string[] {
  const adopted = before.adoption;
  const old = adopted?.deployment ? `adopted Deployment ${adopted.deployment.name}` : `${before.revision ?? "default"} Deployment`;
  const retired = adopted?.retire.length ? `, with ${adopted.retire.map((r) => `${r.kind}/${r.name}`).join(", ")}` : "";
  return [
    `${before.name}: revision ${before.revision ?? "(default)"} → ${revision}, canary removed (promoted at ${from}%)${adopted ? ", adopt removed (all of it imported)" : ""}`,
    `  the ${revision} Deployment keeps its name and pods and holds all ${after.replicas}; the ${old} is deleted after it${retired}`,
  ];
}

function changeText(stack: string, file: string, before: ValidGateway, after: ValidGateway, edit: Edit): string {
  const name = path.basename(file);
  const lines = edit.kind === "weight"
    ? [`${before.name}: canary.weight ${edit.from}% → ${edit.to}% (canary.previousWeight ${edit.from} tells pulumi up which revision grows first)`]
    : promoteLines(before, after, edit.revision, edit.from);
  return [
    `changed ${name}:`,
    ...lines.map((l) => `  ${l}`),
    "",
    statusText(stack, after),
    "next:",
    `  npm run render -- --stack ${stack}    # offline: the objects this stack file now gives`,
    `  pulumi preview --diff --stack ${stack}`,
    `  pulumi up --stack ${stack}`,
    "",
  ].join("\n");
}

const USAGE = "usage: npm run rollout -- --stack <name> <status|next|back|abort|promote|analyze|run> [--gateway <name>] [--force] [--dry-run]";

export async function rollout(argv: string[], io: CommandIO): Promise<void> {
  const { flags, positional } = parseArgs(argv, "rollout");
  if (positional.length !== 1) throw new UsageError(`rollout: name one verb; ${USAGE}`);
  const file = flags["stack-file"] ? path.resolve(flags["stack-file"])
    : flags.stack ? stackFilePath(PROJECT_DIR, flags.stack) : undefined;
  if (file === undefined) throw new UsageError(`rollout: name a stack; ${USAGE}`);
  const verb = positional[0];
  const force = flags.force === "true";
  const dryRun = flags["dry-run"] === "true";
  if (dryRun && verb !== "run") throw new UsageError(`rollout: --dry-run applies to run only; ${USAGE}`);
  if (force && verb !== "next" && verb !== "promote") throw new UsageError(`rollout: --force applies to next and promote only; ${USAGE}`);
  const stack = stackNameOf(file);
  if ((verb === "analyze" || verb === "run" || verb === "next") && !fs.existsSync(file)) throw new StackFileError(missingStackFile(file));
  if (verb === "analyze") return analyzeVerb(analyzed(gatewayOf(file, stack, flags.gateway, readStackConfig), stack), stack, io);
  const move = (v: string, gateway: string) => {
    const result = renderRollout({ file, verb: v, gateway, force: false }, readStackConfig);
    if (result.newText !== undefined) fs.writeFileSync(file, result.newText);
    return result.output;
  };
  if (verb === "run") return runVerb({ file, stack, gateway: flags.gateway, dryRun }, io, readStackConfig, engineDeps(file, stack, move));
  // next with an analysis: measured first, refused unless it passes (or --force).
  const gate = verb === "next" ? await gateNext(gatewayOf(file, stack, flags.gateway, readStackConfig), stack, force) : "";
  const result = renderRollout({ file, verb, gateway: flags.gateway, force }, readStackConfig);
  if (result.newText !== undefined) fs.writeFileSync(file, result.newText);
  io.out(gate + result.output);
}
