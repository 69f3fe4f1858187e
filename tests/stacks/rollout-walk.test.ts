import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { Registered } from "../../tools/engine/offline";
import { simulate } from "../support/capacity";
import { ROOT } from "../support/run";
import { afterVerb, runText } from "../support/stack-files";

const PROD = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
const GATEWAY = "istio-ingressgateway";
const deploymentsOf = (rs: Registered[]) => rs.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name.startsWith(GATEWAY));

/** prod before its canary started: the same file without the canary block. */
function withoutCanary(text: string): string {
  const doc = parseDocument(text);
  doc.deleteIn(["config", "istio-gateways:gateways", GATEWAY, "canary"]);
  return doc.toString();
}

describe("walking prod's canary plan through the program (under mocks)", () => {
  // States along the plan: before the canary, each step, then promotion.
  const states: Array<{ label: string; text: string }> = [];
  before(() => {
    states.push({ label: "no canary", text: withoutCanary(PROD) });
    states.push({ label: "10%", text: PROD });
    for (const label of ["25%", "50%", "100%"]) states.push({ label, text: afterVerb(states[states.length - 1].text, "next") });
    states.push({ label: "promoted", text: afterVerb(states[states.length - 1].text, "promote") });
  });

  const runs = new Map<string, Registered[]>();
  const run = async (text: string) => runs.get(text) ?? runs.set(text, await runText(text)).get(text)!;

  function assertCapacity(from: Registered[], to: Registered[], what: string): void {
    const t = simulate(deploymentsOf(from), deploymentsOf(to));
    assert.strictEqual(t.before, 10, what);
    assert.strictEqual(t.after, 10, what);
    assert.ok(t.minReady >= 10, `${what}: ready pods fall to ${t.minReady} of 10`);
  }

  it("keeps 10 ready pods on every forward step, from no canary to promotion", async () => {
    for (let i = 1; i < states.length; i++) {
      assertCapacity(await run(states[i - 1].text), await run(states[i].text), `${states[i - 1].label} → ${states[i].label}`);
    }
  });

  it("keeps 10 ready pods on every step back", async () => {
    for (let i = 2; i < states.length - 1; i++) {
      const back = afterVerb(states[i].text, "back");
      assertCapacity(await run(states[i].text), await run(back), `back from ${states[i].label}`);
    }
  });

  it("keeps 10 ready pods when aborting from any step", async () => {
    for (let i = 1; i < states.length - 1; i++) {
      const aborted = afterVerb(states[i].text, "abort");
      assertCapacity(await run(states[i].text), await run(aborted), `abort from ${states[i].label}`);
    }
  });

  it("keeps 10 ready pods on a forced promotion at 50%", async () => {
    const forced = afterVerb(states[3].text, "promote", undefined, true);
    assertCapacity(await run(states[3].text), await run(forced), "promote --force at 50%");
  });

  it("would lose capacity if the stable Deployment did not wait for the growing canary", async () => {
    const from = deploymentsOf(await run(states[1].text));
    const to = structuredClone(deploymentsOf(await run(states[2].text)));
    const [stable, canary] = [to.find((d) => d.name.endsWith("1-25-1"))!, to.find((d) => d.name.endsWith("1-26-0"))!];
    assert.ok(stable.dependencies?.includes(canary.urn!), "stable does not wait for the canary");
    stable.dependencies = stable.dependencies!.filter((u) => u !== canary.urn);
    canary.dependencies = [...canary.dependencies!, stable.urn!];
    assert.ok(simulate(from, to).minReady < 10);
  });

  it("makes the canary wait for the growing stable Deployment on a step back", async () => {
    const back = deploymentsOf(await run(afterVerb(states[3].text, "back")));
    const [stable, canary] = [back.find((d) => d.name.endsWith("1-25-1"))!, back.find((d) => d.name.endsWith("1-26-0"))!];
    assert.ok(canary.dependencies?.includes(stable.urn!));
    assert.ok(!stable.dependencies?.includes(canary.urn!));
  });

  it("promotes without replacing or restarting the surviving Deployment", async () => {
    const [at100, promoted] = [deploymentsOf(await run(states[4].text)), deploymentsOf(await run(states[5].text))];
    const survivor = (rs: Registered[]) => rs.find((d) => d.name === `${GATEWAY}-1-26-0`)!;
    assert.strictEqual(survivor(promoted).urn, survivor(at100).urn);
    assert.deepStrictEqual(survivor(promoted).inputs, survivor(at100).inputs); // same name, selector, pod template, replicas
    assert.deepStrictEqual(promoted.map((d) => d.name), [`${GATEWAY}-1-26-0`]);
  });

  it("removes the old revision only once it runs no pod, after the new one holds them all", async () => {
    const old = deploymentsOf(await run(states[4].text)).find((d) => d.name === `${GATEWAY}-1-25-1`)!;
    assert.strictEqual((old.inputs.spec as { replicas: number }).replicas, 0);
  });

  it("registers identical inputs for the same stack file twice", async () => {
    for (const s of states) assert.deepStrictEqual(await runText(s.text), await run(s.text), s.label);
  });
});

describe("in-place upgrades and restarts (under mocks)", () => {
  const PAYMENTS = "payments-gateway";
  const payments = (rs: Registered[]) => rs.filter((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name.startsWith(PAYMENTS));
  const setKey = (text: string, key: string, value: string | number) => {
    const doc = parseDocument(text);
    doc.setIn(["config", "istio-gateways:gateways", PAYMENTS, key], value);
    return doc.toString();
  };
  const token = (d: Registered) =>
    (d.inputs.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations["pulumi-istio-gateway/restart-token"];

  it("moves a gateway without a canary to a new revision with no loss of capacity", async () => {
    const from = payments(await runText(PROD));
    const to = payments(await runText(setKey(PROD, "revision", "1-26-0")));
    assert.deepStrictEqual(to.map((d) => d.name), [`${PAYMENTS}-1-26-0`]);
    const t = simulate(from, to);
    assert.ok(t.minReady >= 3, `ready pods fall to ${t.minReady} of 3`);
  });

  it("restarts every pod when restartGeneration is bumped, keeping capacity", async () => {
    const from = payments(await runText(PROD));
    const to = payments(await runText(setKey(PROD, "restartGeneration", 1)));
    assert.notStrictEqual(token(to[0]), token(from[0]));
    assert.strictEqual(to[0].urn, from[0].urn);
    assert.ok(simulate(from, to).minReady >= 3);
  });

  it("keeps the restart token when nothing changes, so a repeated pulumi up is a no-op", async () => {
    const restarted = setKey(PROD, "restartGeneration", 1);
    const [a, b] = [payments(await runText(restarted)), payments(await runText(restarted))];
    assert.ok(token(a[0]));
    assert.strictEqual(token(a[0]), token(b[0]));
  });

  it("carries no restart token until a restart is asked for", async () => {
    assert.strictEqual(token(payments(await runText(PROD))[0]), undefined);
  });

  it("restarts again on every further bump", async () => {
    const [one, two] = [payments(await runText(setKey(PROD, "restartGeneration", 1))), payments(await runText(setKey(PROD, "restartGeneration", 2)))];
    assert.notStrictEqual(token(one[0]), token(two[0]));
  });
});
