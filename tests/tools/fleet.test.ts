import * as assert from "assert";
import fc from "fast-check";
import { validateGateway } from "../../components/core";
import { checkFleet, FleetError } from "../../tools/fleet/fleet-file";
import { showTracks, unhealthyTracks, trackOf } from "../../tools/fleet/engine";
import {
  Action, actionOf, bounded, describeIndex, haltedWave, LastUpdate, sharedSteps, StackPosition, stackIndex, targetIndex, verbAt,
} from "../../tools/fleet/waves";

const FILE = "fleet.yaml";
const valid = {
  revision: "1-26-0", gateways: ["istio-ingressgateway"],
  waves: [{ name: "canary", stacks: ["dev"], bakeSeconds: 60 }, { name: "early", stacks: ["prod-eu"] }, { name: "rest", stacks: ["prod-us", "prod-ap"], parallelism: 2 }],
};
const fleet = checkFleet(FILE, valid);
const STEPS = [10, 50, 100];

describe("fleet file", () => {
  it("reads waves in order, with a bake of 0 and one stack at a time unless told", () => {
    assert.deepStrictEqual(fleet.waves.map((w) => [w.name, w.stacks, w.bakeSeconds, w.parallelism]),
      [["canary", ["dev"], 60, 1], ["early", ["prod-eu"], 0, 1], ["rest", ["prod-us", "prod-ap"], 0, 2]]);
  });

  const bad: Array<[rule: string, edit: (f: Record<string, any>) => void, key: string]> = [
    ["an unknown key", (f) => { f.wave = []; }, "wave is []"],
    ["a revision with dots", (f) => { f.revision = "1.26.0"; }, "revision is \"1.26.0\""],
    ["no gateways", (f) => { f.gateways = []; }, "gateways is []"],
    ["no waves", (f) => { f.waves = []; }, "waves is []"],
    ["a wave without stacks", (f) => { f.waves[0].stacks = []; }, "waves[0].stacks is []"],
    ["a stack in two waves", (f) => { f.waves[2].stacks = ["prod-us", "dev"]; }, "waves[2].stacks[1] is \"dev\""],
    ["a stack twice in a wave", (f) => { f.waves[2].stacks = ["prod-us", "prod-us"]; }, "waves[2].stacks[1] is \"prod-us\""],
    ["two waves of one name", (f) => { f.waves[1].name = "canary"; }, "waves[1].name is \"canary\""],
    ["a negative bake", (f) => { f.waves[0].bakeSeconds = -1; }, "waves[0].bakeSeconds is -1"],
    ["a bake of a minute written as text", (f) => { f.waves[0].bakeSeconds = "1m"; }, "waves[0].bakeSeconds is \"1m\""],
    ["a parallelism of 0", (f) => { f.waves[2].parallelism = 0; }, "waves[2].parallelism is 0"],
    ["an unknown wave key", (f) => { f.waves[0].bake = 5; }, "waves[0].bake is 5"],
  ];
  for (const [rule, edit, key] of bad) {
    it(`refuses ${rule}, naming the file and the key`, () => {
      const f = structuredClone(valid) as Record<string, any>;
      edit(f);
      assert.throws(() => checkFleet(FILE, f), (e: FleetError) => e instanceof FleetError && e.message.startsWith(`fleet "${FILE}": ${key}; `));
    });
  }
});

const gw = (config: Record<string, unknown>) => validateGateway({ stack: "s", gateway: "istio-ingressgateway" }, { namespace: "ns", replicas: 4, revision: "1-25-1", ...config });
const canaryAt = (weight: number, steps = STEPS) => gw({ canary: { revision: "1-26-0", weight, steps } });

describe("fleet positions", () => {
  const cases: Array<[rule: string, config: Record<string, unknown>, index: number]> = [
    ["a canary at weight 0 is at 0", { canary: { revision: "1-26-0", weight: 0, steps: STEPS } }, 0],
    ["a canary at the first step is at 1", { canary: { revision: "1-26-0", weight: 10, steps: STEPS } }, 1],
    ["a canary at 100 % is at the last step", { canary: { revision: "1-26-0", weight: 100, steps: STEPS } }, 3],
    ["the fleet's revision as the stable one, no canary: promoted", { revision: "1-26-0" }, 4],
  ];
  for (const [rule, config, index] of cases) it(rule, () => assert.strictEqual(stackIndex(fleet, "dev", [gw(config)], STEPS), index));

  it("refuses a stack whose canary is another revision, saying what to add", () => {
    assert.throws(() => stackIndex(fleet, "dev", [gw({ canary: { revision: "1-27-0", weight: 0 } })], STEPS), /add canary: \{ revision: 1-26-0, weight: 0, steps: \[10,50,100\] \}/);
  });
  it("refuses a stack without the fleet's gateway", () => {
    assert.throws(() => stackIndex(fleet, "dev", [], STEPS), /stack "dev" has no gateway "istio-ingressgateway"/);
  });
  it("refuses stacks with different steps", () => {
    assert.throws(() => sharedSteps(fleet, [{ stack: "dev", gateways: [canaryAt(0)] }, { stack: "prod-eu", gateways: [canaryAt(0, [50, 100])] }]), /same steps/);
  });
  it("takes the shared steps from any stack that still has the canary", () => {
    assert.deepStrictEqual(sharedSteps(fleet, [{ stack: "dev", gateways: [gw({ revision: "1-26-0" })] }, { stack: "prod-eu", gateways: [canaryAt(50)] }]), STEPS);
  });
  it("moves a stack at the last step by promote, and any other by next", () => {
    assert.deepStrictEqual([0, 1, 2, 3].map((i) => verbAt(i, STEPS)), ["next", "next", "next", "promote"]);
  });
  it("describes each position", () => {
    assert.deepStrictEqual([0, 1, 3, 4].map((i) => describeIndex(i, STEPS)), ["0%", "10% (step 1/3)", "100% (step 3/3)", "promoted"]);
  });
});

const pos = (stack: string, wave: string, index: number, lastUpdate: LastUpdate = "succeeded"): StackPosition =>
  ({ stack, wave, index, weight: 0, lastUpdate });

describe("fleet next", () => {
  const table: Array<[rule: string, positions: StackPosition[], target: number | undefined, actions: Action[]]> = [
    ["from the start every stack moves one step", [pos("dev", "canary", 0), pos("eu", "early", 0), pos("us", "rest", 0)], 1, ["move", "move", "move"]],
    ["after a halt it resumes: the earlier wave is verified, the failed stack updated again, the later wave moved",
      [pos("dev", "canary", 1), pos("eu", "early", 1, "failed"), pos("us", "rest", 0)], 1, ["verify", "retry", "move"]],
    ["an interrupted update counts as failed", [pos("dev", "canary", 1), pos("eu", "early", 1, "in-progress")], 1, ["verify", "retry"]],
    ["after an abort, the aborted wave and the later ones catch up; the earlier stays", [pos("dev", "canary", 1), pos("eu", "early", 0), pos("us", "rest", 0)], 1, ["verify", "move", "move"]],
    ["at the last step the next move is the promotion", [pos("dev", "canary", 3), pos("eu", "early", 3)], 4, ["move", "move"]],
    ["a promoted stack is done while the others catch up", [pos("dev", "canary", 4), pos("eu", "early", 3)], 4, ["done", "move"]],
    ["every stack promoted: nothing to move", [pos("dev", "canary", 4), pos("eu", "early", 4)], undefined, ["done", "done"]],
  ];
  for (const [rule, positions, target, actions] of table) {
    it(rule, () => {
      const t = targetIndex(positions, STEPS);
      assert.strictEqual(t, target);
      assert.deepStrictEqual(positions.map((p) => actionOf(p, t, STEPS)), actions);
    });
  }

  const positionsArb = fc.array(fc.record({ index: fc.integer({ min: 0, max: STEPS.length + 1 }), failed: fc.boolean() }), { minLength: 1, maxLength: 8 })
    .map((xs) => xs.map((x, i) => pos(`s${i}`, `w${i}`, x.index, x.failed && x.index > 0 ? "failed" : "succeeded")));

  it("moves no stack more than one step, and leaves every stack that is not done at one position", () => {
    fc.assert(fc.property(positionsArb, (positions) => {
      const t = targetIndex(positions, STEPS);
      const after = positions.map((p) => {
        const a = actionOf(p, t, STEPS);
        assert.ok(a !== Action.Move || p.index + 1 === t, `${p.stack} would jump from ${p.index} to ${t}`);
        return a === Action.Move ? p.index + 1 : p.index;
      });
      const open = after.filter((_, i) => actionOf(positions[i], t, STEPS) !== Action.Done && positions[i].lastUpdate === "succeeded");
      if (t !== undefined) for (const i of open) assert.ok(i >= t, `a stack left at ${i} below the target ${t}`);
    }), { numRuns: 500 });
  });

  it("never moves a stack that is already at or past the lowest stack's next step", () => {
    fc.assert(fc.property(positionsArb, (positions) => {
      const t = targetIndex(positions, STEPS);
      for (const p of positions) if (t !== undefined && p.index >= t) assert.notStrictEqual(actionOf(p, t, STEPS), Action.Move);
    }), { numRuns: 500 });
  });

  it("finds the wave to abort: the first with a failed stack", () => {
    assert.strictEqual(haltedWave(fleet.waves, new Set(["prod-us"]))?.name, "rest");
    assert.strictEqual(haltedWave(fleet.waves, new Set()), undefined);
  });
});

describe("fleet health and parallelism", () => {
  it("is healthy when every revision has all its pods ready, and names those that do not", () => {
    const tracks = [{ gateway: "g", track: "1-25-1", ready: 2, wanted: 2 }, { gateway: "g", track: "1-26-0", ready: 0, wanted: 2 }];
    assert.deepStrictEqual(unhealthyTracks(tracks).map((t) => t.track), ["1-26-0"]);
    assert.strictEqual(showTracks(tracks), "1-25-1 2/2, 1-26-0 0/2");
    assert.deepStrictEqual(unhealthyTracks([{ gateway: "g", track: "1-26-0", ready: 0, wanted: 0 }]), []);
  });

  it("runs at most `limit` at once, and starts nothing once stopped", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await bounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      done.push(n);
    }, () => done.includes(3));
    assert.strictEqual(most, 2);
    assert.ok(!done.includes(6) && done.length < 6, `ran ${done.join(",")} after the stop`);
  });
});


describe("fleet command, before the engine is asked anything", () => {
  const fs = require("fs") as typeof import("fs");
  const os = require("os") as typeof import("os");
  const path = require("path") as typeof import("path");
  const run = async (files: Record<string, string>, argv: (dir: string) => string[]) => {
    const { runCommand } = require("../../tools/engine/command");
    const { fleetCommand } = require("../../tools/fleet/command");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    let out = "";
    let err = "";
    const r = await runCommand(fleetCommand, argv(dir), { out: (t: string) => (out += t), err: (t: string) => (err += t) });
    fs.rmSync(dir, { recursive: true, force: true });
    return { code: r.code as number, out, err };
  };
  const fleetText = "revision: 1-26-0\ngateways: [gw]\nwaves:\n  - { name: canary, stacks: [dev] }\n";

  it("refuses a mistake in the fleet file with exit 1 and one line naming the key", async () => {
    const r = await run({ "fleet.yaml": "revision: 1.26.0\ngateways: [gw]\nwaves: []\n" }, (d) => ["next", "--fleet", `${d}/fleet.yaml`]);
    assert.deepStrictEqual([r.code, r.out, r.err.split("\n").length], [1, "", 2]);
    assert.match(r.err, /^error: fleet ".*fleet.yaml": revision is "1.26.0"; /);
  });
  it("refuses a stack the fleet names that has no stack file", async () => {
    const r = await run({ "fleet.yaml": fleetText }, (d) => ["status", "--fleet", `${d}/fleet.yaml`]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /stack "dev": .*Pulumi.dev.yaml does not exist/);
  });
  it("refuses a stack whose gateway has no canary of the fleet's revision, saying what to add", async () => {
    const stack = "config:\n  istio-gateways:gateways:\n    gw: { namespace: ns, revision: 1-25-1 }\n";
    const r = await run({ "fleet.yaml": fleetText, "Pulumi.dev.yaml": stack }, (d) => ["next", "--fleet", `${d}/fleet.yaml`]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /no stack has a canary of revision 1-26-0/);
  });
  it("refuses an unknown verb and --wave outside abort", async () => {
    assert.match((await run({}, () => ["go", "--fleet", "f"])).err, /name one of plan, next, status, abort/);
    assert.match((await run({}, () => ["next", "--fleet", "f", "--wave", "early"])).err, /--wave only applies to abort/);
  });
});

describe("fleet: which gateway and track a Deployment of the state is", () => {
  const urn = (parent: string, name: string) => ({ urn: `urn:pulumi:prod::istio-gateways::istio-gateway:index:IstioGateway$kubernetes:apps/v1:Deployment::${name}`,
    parent: `urn:pulumi:prod::istio-gateways::istio-gateway:index:IstioGateway::${parent}` });
  const cases: Array<[string, { urn: string; parent?: string }, { gateway: string; track: string } | undefined]> = [
    ["a revision's Deployment", urn("gw", "gw-1-26-0"), { gateway: "gw", track: "1-26-0" }],
    ["an adopted Deployment, whatever labels its installer gave it", urn("gw", "gw-adopted"), { gateway: "gw", track: "adopted" }],
    ["a gateway whose name another one's starts with", urn("gw-1", "gw-1-1-26-0"), { gateway: "gw-1", track: "1-26-0" }],
    ["a gateway the fleet does not move", urn("other", "other-1-26-0"), undefined],
    ["a Deployment outside any gateway", { urn: "urn:pulumi:prod::istio-gateways::kubernetes:apps/v1:Deployment::gw-1-26-0" }, undefined],
  ];
  for (const [what, r, expected] of cases) {
    it(`reads ${what} from its parent and its name`, () => assert.deepStrictEqual(trackOf(r.urn, r.parent, ["gw", "gw-1"]), expected));
  }
});
