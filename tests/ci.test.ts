import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "./support/run";

const workflow = parse(fs.readFileSync(path.join(ROOT, ".github/workflows/preview.yml"), "utf8"));
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
const steps = Object.values(workflow.jobs as Record<string, { steps: Array<{ run?: string; uses?: string }> }>).flatMap((j) => j.steps);

describe("CI", () => {
  it("runs the README's test command from .ci/run, after installing with npm ci", () => {
    const run = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    assert.ok(run.indexOf("npm ci") >= 0 && run.indexOf("npm ci") < run.indexOf("npm test"));
    assert.match(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), /npm ci && npm test/);
  });

  it("runs the e2e suite from .ci/run after the offline suite, as the README says", () => {
    const run = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
    assert.ok(run.indexOf("npm test") >= 0 && run.indexOf("npm test") < run.indexOf("npm run e2e"));
    assert.match(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), /npm run e2e/);
    assert.ok("e2e" in scripts && "cluster" in scripts);
  });

  it("keeps the e2e suites out of npm test: their files do not match mocha's spec", () => {
    const spec = (require(path.join(ROOT, ".mocharc.cjs")) as { spec: string[] }).spec;
    assert.ok(spec.length > 30 && spec.every((f) => f.startsWith("tests/") && f.endsWith(".test.ts") && !f.startsWith("tests/e2e/")), spec.join(", "));
    assert.ok(spec.includes("tests/bad-input.test.ts") && spec.includes("tests/plan/canary.test.ts"));
    assert.strictEqual(new Set(spec).size, spec.length, "a file listed twice would run twice");
    const e2e = fs.readdirSync(path.join(ROOT, "tests/e2e"));
    assert.ok(e2e.some((f) => f.endsWith(".e2e.ts")));
    assert.ok(!e2e.some((f) => f.endsWith(".test.ts")));
  });

  it("has a workflow that runs on every pull request, one that changes only Markdown too (npm test checks the docs)", () => {
    assert.ok("pull_request" in workflow.on);
    const filters = workflow.on.pull_request ?? {};
    assert.ok(!("paths-ignore" in filters) && !("paths" in filters), JSON.stringify(filters));
  });

  it("calls only npm scripts that exist", () => {
    const called = steps.flatMap((s) => [...(s.run ?? "").matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1]));
    assert.ok(called.length > 0);
    for (const name of called) assert.ok(name in scripts, `npm run ${name} is not a script`);
  });

  it("pins every action to an exact version", () => {
    for (const s of steps.filter((x) => x.uses)) assert.match(s.uses!, /@v\d+\.\d+\.\d+$/, s.uses);
  });

  it("diffs every committed stack", () => {
    const stacks = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.split(".")[1]).sort();
    assert.deepStrictEqual([...workflow.jobs.offline.strategy.matrix.stack].sort(), stacks);
    assert.deepStrictEqual([...workflow.jobs.live.strategy.matrix.stack].sort(), stacks);
  });

  it("holds what lands to strict mode: the offline diff refuses warnings, and every committed stack is strict", () => {
    const diff = steps.map((s) => s.run ?? "").find((r) => /npm run (-s )?diff/.test(r)) ?? "";
    assert.match(diff, /--strict/, diff);
    for (const f of fs.readdirSync(ROOT).filter((x) => /^Pulumi\.[^.]+\.yaml$/.test(x))) {
      assert.strictEqual(parse(fs.readFileSync(path.join(ROOT, f), "utf8")).config["istio-gateways:strict"], true, f);
    }
  });

  it("skips the live preview with a notice when credentials are missing", () => {
    const notice = workflow.jobs.live.steps[0];
    assert.strictEqual(notice.if, "env.HAS_CREDENTIALS != 'true'");
    assert.match(notice.run, /::notice/);
    assert.ok(workflow.jobs.live.steps.slice(1).every((s: { if?: string }) => s.if === "env.HAS_CREDENTIALS == 'true'"));
  });
});
