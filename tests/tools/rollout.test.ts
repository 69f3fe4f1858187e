import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { manifestsOf } from "../../tools/engine/manifest";
import { runStack } from "../../tools/engine/render-stack";
import { expectedFrom, violations } from "../support/invariants";
import { runInProcess } from "../support/in-process";
import { ROOT, runTool } from "../support/run";
import { tempStackFile } from "../support/stack-files";

const PROD = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
const TWO = fs.readFileSync(path.join(ROOT, "tests/fixtures/rollout/Pulumi.two-canaries.yaml"), "utf8");
const comments = (text: string) => text.split("\n").filter((l) => l.trim().startsWith("#") || l.includes(" # "));

async function rollout(text: string, ...args: string[]) {
  const file = tempStackFile("prod", text);
  const result = await runInProcess("rollout", ["--stack-file", file, ...args]);
  return { ...result, text: fs.readFileSync(file, "utf8"), file };
}

async function assertRendersClean(file: string): Promise<void> {
  const gateways = parse(fs.readFileSync(file, "utf8")).config["istio-gateways:gateways"];
  assert.deepStrictEqual(violations(manifestsOf(await runStack({ stackFile: file })), expectedFrom(gateways)), []);
}

describe("rollout command (in-process; the process boundary in the last test)", () => {
  it("status prints each step's pods and achieved weight, marking the current step, and changes nothing", async () => {
    const r = await rollout(PROD, "status");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /istio-ingressgateway \(stack prod\): 10 pods, 1-25-1 → 1-26-0, canary at 10%/);
    assert.match(r.stdout, /> 1 +10% +9 +1 +10%/);
    assert.match(r.stdout, /payments-gateway \(stack prod\): 3 pods on 1-25-1, no canary/);
    assert.strictEqual(r.text, PROD);
  });

  const verbs: Array<[verb: string, from: string, check: RegExp]> = [
    ["next", PROD, /weight: 25\n\s+steps: \[10, 25, 50, 100\]\n(\s+#.*\n)?\s+previousWeight: 10\n/],
    ["back", PROD, /weight: 0\n/],
    ["abort", PROD, /weight: 0\n/],
    ["promote --force", PROD, /revision: 1-26-0\n\s+# VirtualServices/],
  ];
  for (const [verb, from, check] of verbs) {
    it(`${verb} edits the file, keeps its comments, prints the pulumi up to run, and leaves a stack that renders clean`, async () => {
      const r = await rollout(from, ...verb.split(" "));
      assert.strictEqual(r.status, 0, r.stderr);
      assert.match(r.text, check);
      assert.match(r.stdout, /pulumi up --stack prod/);
      const kept = comments(from).filter((c) => !c.includes("previousWeight") && !c.includes("weight before"));
      for (const c of kept) assert.ok(r.text.includes(c), `comment lost: ${c}`);
      await assertRendersClean(r.file);
    });
  }

  it("changes only the lines the move is about", async () => {
    const r = await rollout(PROD, "next");
    const before = PROD.split("\n");
    const after = r.text.split("\n");
    assert.deepStrictEqual(after.filter((l) => !before.includes(l)).map((l) => l.trim()), ["weight: 25", "previousWeight: 10"]);
  });

  const refusals: Array<[what: string, text: string, args: string[], message: RegExp]> = [
    ["next past the last step", PROD.replace("weight: 10", "weight: 100"), ["next"], /^error: stack "prod", gateway "istio-ingressgateway" is at 100%, the last step; run promote/],
    ["back before the first step", PROD.replace("weight: 10", "weight: 0"), ["back"], /^error: stack "prod", gateway "istio-ingressgateway" is at 0%, before the first step/],
    ["promote before 100%", PROD, ["promote"], /^error: stack "prod", gateway "istio-ingressgateway" is at 10%; promote needs the canary at 100%/],
    ["an ambiguous gateway", TWO, ["next"], /gateways ingress-a, ingress-b have canaries; choose one with --gateway/],
    ["a gateway that does not exist", PROD, ["next", "--gateway", "nope"], /has no gateway "nope"; gateways: istio-ingressgateway, payments-gateway/],
    ["a gateway without a canary", PROD, ["next", "--gateway", "payments-gateway"], /^error: stack "prod", gateway "payments-gateway" has no canary/],
    ["an unknown verb", PROD, ["forward"], /unknown verb "forward"/],
    ["a stack file that is invalid", PROD.replace("replicas: 10", "replicas: -1"), ["next"], /replicas is -1/],
  ];
  for (const [what, text, args, message] of refusals) {
    it(`refuses ${what}, leaving the file as it was`, async () => {
      const r = await rollout(text, ...args);
      assert.strictEqual(r.status, 1);
      assert.match(r.stderr, message);
      assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
      assert.strictEqual(r.text, text);
      assert.strictEqual(r.stdout, "");
    });
  }

  it("refuses a stack file that does not exist", async () => {
    const r = await runInProcess("rollout", ["--stack", "staging", "status"]);
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /Pulumi\.staging\.yaml does not exist; stacks here: dev, prod/);
  });

  it("moves the gateway named with --gateway and keeps the other's layout and comment", async () => {
    const r = await rollout(TWO, "next", "--gateway", "ingress-b");
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.text, /canary: \{ revision: 1-26-0, weight: 50, steps: \[50, 100\] \}  # halfway/);
    assert.match(r.text, /weight: 10\n\s+previousWeight: 0\n/);
    await assertRendersClean(r.file);
  });

  it("abort at 0% is a no-op that says so", async () => {
    const r = await rollout(TWO, "abort", "--gateway", "ingress-b");
    assert.strictEqual(r.status, 0);
    assert.match(r.stdout, /already at 0%; nothing to change/);
    assert.strictEqual(r.text, TWO);
  });

  it("as a process: edits the file, prints the plan on stdout and exits 0; refuses with exit 1 and the file untouched", function () {
    this.timeout(60000);
    const file = tempStackFile("prod", PROD);
    const moved = runTool("rollout", ["--stack-file", file, "next"]);
    assert.strictEqual(moved.status, 0, moved.stderr);
    assert.match(moved.stdout, /pulumi up/);
    const text = fs.readFileSync(file, "utf8");
    const refused = runTool("rollout", ["--stack-file", file, "promote"]);
    assert.strictEqual(refused.status, 1);
    assert.match(refused.stderr, /^error: /);
    assert.strictEqual(fs.readFileSync(file, "utf8"), text);
  });
});
