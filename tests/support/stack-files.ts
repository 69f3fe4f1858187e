/** Stack files as text: temporary copies to run and edit, the way a user's repository holds them. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackConfig } from "../../stacks/config";
import { Registered } from "../../tools/engine/offline";
import { runStack } from "../../tools/engine/render-stack";
import { renderRollout } from "../../tools/rollout/command";

export function tempStackFile(stack: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "stack-")), `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

/** The stack file's text after one rollout verb, as the command would write it. */
export function afterVerb(text: string, verb: string, gateway?: string, force = false): string {
  const result = renderRollout({ file: tempStackFile("prod", text), verb, gateway, force }, readStackConfig);
  if (result.newText === undefined) throw new Error(`${verb} changed nothing`);
  return result.newText;
}

export function runText(text: string): Promise<Registered[]> {
  return runStack({ stackFile: tempStackFile("prod", text) });
}
