/**
 * Istio's own validator on everything we render: `istioctl validate` and `istioctl analyze --use-kube=false`
 * (built from the istio.io/istio module with the rest of the toolchain) on every committed and fixture stack at
 * every canary step. No cluster: istioctl reads the files. (The Gateway rules corpus, tests/fixtures/istio-rules.yaml,
 * takes its verdicts from istiod's webhook instead, which applies the Gateway CRD's schema too: istio-webhook.e2e.ts.)
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { manifestsOf, toYaml } from "../../tools/engine/manifest";
import { afterVerb, runText } from "../support/stack-files";
import { ROOT } from "../support/run";
import { e2eToolchain } from "./support/cluster";

const STACK_FILES = [
  "Pulumi.dev.yaml", "Pulumi.prod.yaml",
  ...["tests/fixtures/valid", "tests/fixtures/rollout", "tests/e2e/fixtures"].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => `${dir}/${f}`)),
];

interface Verdict { code: number | null; output: string }

function istioctl(bin: string, args: string[]): Verdict {
  const r = spawnSync(path.join(bin, "istioctl"), args, { encoding: "utf8" });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

function tempFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "istioctl-")), name);
  fs.writeFileSync(file, text);
  return file;
}

type Gateways = Record<string, { canary?: { weight?: number; steps?: number[] } }>;
const gatewaysOf = (text: string) => (parse(text) as { config: Record<string, Gateways> }).config["istio-gateways:gateways"];

/** The stack file at every step of the runbook: as committed, each `next` up to 100 %, then `promote`, per canary. */
function runbookSteps(text: string): Array<{ step: string; text: string }> {
  const steps = [{ step: "as committed", text }];
  let current = text;
  for (const [gateway, g] of Object.entries(gatewaysOf(text))) {
    if (!g.canary) continue;
    while ((gatewaysOf(current)[gateway].canary?.weight ?? 0) < 100) {
      current = afterVerb(current, "next", gateway);
      steps.push({ step: `${gateway} at ${gatewaysOf(current)[gateway].canary?.weight}%`, text: current });
    }
    current = afterVerb(current, "promote", gateway);
    steps.push({ step: `${gateway} promoted`, text: current });
  }
  return steps;
}

describe("Istio's validator (istioctl, built from istio.io/istio) on every render", function () {
  this.timeout(10 * 60 * 1000);
  let bin = "";
  before(async () => { bin = (await e2eToolchain()).bin; });

  for (const file of STACK_FILES) {
    it(`${file}: istioctl validate and analyze find nothing, at every canary step`, async () => {
      const problems: string[] = [];
      for (const { step, text } of runbookSteps(fs.readFileSync(path.join(ROOT, file), "utf8"))) {
        const rendered = tempFile("render.yaml", toYaml(manifestsOf(await runText(text))));
        const validate = istioctl(bin, ["validate", "-f", rendered]);
        // Clean means these words alone: a warning (telemetry labels, port names) is printed before them.
        if (validate.code !== 0 || validate.output !== `"${rendered}" is valid`) problems.push(`${step}: istioctl validate exited ${validate.code}:\n${validate.output}`);
        const analyze = istioctl(bin, ["analyze", "--use-kube=false", rendered]);
        if (analyze.code !== 0 || !analyze.output.includes("No validation issues found")) problems.push(`${step}: istioctl analyze exited ${analyze.code}:\n${analyze.output}`);
      }
      assert.deepStrictEqual(problems, []);
    });
  }
});
