/**
 * `npm run cluster -- up --istiod … --istiod-tag …`, offline: which istiods a cluster runs, the names Istio gives a
 * revision's objects, and the e2e run's lanes. The processes themselves are the e2e suites' (tests/e2e/istiod.e2e.ts).
 */
import * as assert from "assert";
import { defaultRevisionOf, istiodChoice, istiodExportLines, istiodName, proxyTag } from "../../tools/cluster/istiod";
import { intoLanes } from "../../tools/e2e/lanes";

describe("istiod choice (npm run cluster -- up --istiod)", () => {
  const accepted: Array<[string, string | undefined, { revisions: string[]; tags: Record<string, string> }]> = [
    ["1-25-1", undefined, { revisions: ["1-25-1"], tags: { default: "1-25-1" } }],
    ["1-25-1,1-26-0", undefined, { revisions: ["1-25-1", "1-26-0"], tags: { default: "1-25-1" } }],
    [" 1-25-1 , 1-26-0 ", undefined, { revisions: ["1-25-1", "1-26-0"], tags: { default: "1-25-1" } }],
    ["1-25-1,1-26-0", "default=1-26-0", { revisions: ["1-25-1", "1-26-0"], tags: { default: "1-26-0" } }],
    ["1-25-1,1-26-0", "prod-stable=1-25-1,prod-canary=1-26-0", { revisions: ["1-25-1", "1-26-0"], tags: { "prod-stable": "1-25-1", "prod-canary": "1-26-0", default: "1-25-1" } }],
    // The default revision needs no default tag: its own webhooks take unlabelled pods and config.
    ["default,1-26-0", undefined, { revisions: ["default", "1-26-0"], tags: {} }],
  ];
  for (const [revisions, tags, want] of accepted) {
    it(`takes --istiod ${JSON.stringify(revisions)}${tags ? ` --istiod-tag ${tags}` : ""}`, () => {
      assert.deepStrictEqual(istiodChoice(revisions, tags), want);
    });
  }

  const refused: Array<[string, string | undefined, RegExp]> = [
    ["", undefined, /names no revision/],
    ["1.25.1", undefined, /"1.25.1" is not a DNS-1123 label; Istio names revisions like 1-26-0/],
    ["1-25-1,1-25-1", undefined, /names revision 1-25-1 twice/],
    ["1-25-1", "prod-stable", /"prod-stable" is not <tag>=<revision>/],
    ["1-25-1", "prod-stable=1-26-0", /1-26-0 is not one of --istiod's revisions \(1-25-1\)/],
    ["1-25-1,1-26-0", "1-26-0=1-25-1", /a tag cannot take the name of a revision/],
    ["1-25-1", "t=1-25-1,t=1-25-1", /names tag t twice/],
    // The default revision is named `default` already: no tag may take that name from it.
    ["default,1-25-1", "default=1-25-1", /--istiod-tag default: a tag cannot take the name of a revision/],
  ];
  for (const [revisions, tags, message] of refused) {
    it(`refuses --istiod ${JSON.stringify(revisions)}${tags ? ` --istiod-tag ${tags}` : ""}, saying why`, () => {
      assert.throws(() => istiodChoice(revisions, tags), message);
    });
  }

  it("sends unlabelled pods and config to the default revision, else to the default tag's", () => {
    assert.strictEqual(defaultRevisionOf(istiodChoice("default,1-26-0")), "default");
    assert.strictEqual(defaultRevisionOf(istiodChoice("1-25-1,1-26-0", "default=1-26-0")), "1-26-0");
  });

  const names: Array<[string, string, string]> = [["default", "istiod", "default"], ["1-25-1", "istiod-1-25-1", "1.25.1"], ["canary", "istiod-canary", "canary"]];
  for (const [revision, name, tag] of names) {
    it(`names revision ${revision}'s objects ${name} and its proxy image tag ${tag}`, () => {
      assert.deepStrictEqual([istiodName(revision), proxyTag(revision)], [name, tag]);
    });
  }

  it("exports each istiod's debug and xDS addresses under the revision's name", () => {
    const lines = istiodExportLines({ "1-26-0": { revision: "1-26-0", tags: [], dir: "/x", ports: { http: 1, webhook: 2, grpc: 3, secureGrpc: 4, monitoring: 5 } } });
    assert.deepStrictEqual(lines.slice(1), ["export ISTIOD_1_26_0_DEBUG='http://127.0.0.1:1'", "export ISTIOD_1_26_0_XDS='127.0.0.1:3'"]);
    assert.match(lines[0], /^# istiod 1-26-0: http:\/\/127\.0\.0\.1:1\/debug\/configz/);
  });
});

describe("e2e lanes (npm run e2e)", () => {
  const suites = ["a.e2e.ts", "languages.e2e.ts", "faults.e2e.ts", "fleet.e2e.ts", "dev.e2e.ts", "bench.e2e.ts"];

  it("puts every suite in exactly one lane", () => {
    for (const lanes of [1, 2, 3, 4]) {
      assert.deepStrictEqual(intoLanes(suites, lanes).flat().sort(), [...suites].sort(), `${lanes} lanes`);
    }
  });

  it("gives the longest suites out first, each to the lane with the least work so far", () => {
    assert.deepStrictEqual(intoLanes(suites, 2), [
      // 6.5 + 3 (an unlisted suite counts 3) + 2.8 minutes against 5.5 + 4.6 + 1.1; languages runs last in its lane
      ["a.e2e.ts", "dev.e2e.ts", "languages.e2e.ts"],
      ["faults.e2e.ts", "fleet.e2e.ts", "bench.e2e.ts"],
    ]);
  });

  it("runs the analysis suite last in its lane, after the suites its Prometheus build runs beside", () => {
    for (const lanes of [1, 2, 3]) {
      const plan = intoLanes([...suites, "analysis.e2e.ts"], lanes);
      const lane = plan.find((l) => l.includes("analysis.e2e.ts")) as string[];
      assert.strictEqual(lane[lane.length - 1], "analysis.e2e.ts", `${lanes} lanes: ${JSON.stringify(plan)}`);
    }
  });

  it("runs the languages suite last in its lane, after the suites its Go program's background compile runs beside", () => {
    for (const lanes of [1, 2, 3]) {
      const plan = intoLanes(suites, lanes);
      const lane = plan.find((l) => l.includes("languages.e2e.ts")) as string[];
      assert.strictEqual(lane[lane.length - 1], "languages.e2e.ts", `${lanes} lanes: ${JSON.stringify(plan)}`);
    }
  });

  it("makes no empty lane when there are fewer suites than lanes", () => {
    assert.deepStrictEqual(intoLanes(["dev.e2e.ts"], 2), [["dev.e2e.ts"]]);
  });
});
