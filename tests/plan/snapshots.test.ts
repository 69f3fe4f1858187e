/**
 * What every committed stack file plans, object for object, at every step of its canaries: the objects (objectsOf),
 * the plan's other outputs (which revision moves first, external weights, the restart, the names a program reads)
 * and every finding's severity and message, against tests/fixtures/plans/<stack>.json. As AWS CDK's docs advise for
 * constructs ("snapshot tests"), a change to what users deploy must show up in review as a change to these files,
 * never as a side effect. When a plan changes on purpose, the failure names the first field that differs and where
 * to write the new plan.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { objectsOf } from "../../components/core";
import { readStackConfig } from "../../stacks/config";
import { ROOT } from "../support/run";

export const SNAPSHOT_STACKS = [
  "Pulumi.dev.yaml", "Pulumi.prod.yaml",
  ...["tests/fixtures/valid", "tests/fixtures/rollout", "tests/e2e/fixtures"].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).sort().map((f) => `${dir}/${f}`)),
];

type Gateways = Record<string, Record<string, unknown> & { canary?: { weight: number; steps?: number[]; previousWeight?: number } }>;

/** The stack file as committed, then each step of each canary (weight at the step, previousWeight the step before). */
function states(gateways: Gateways): Array<[string, Gateways]> {
  const out: Array<[string, Gateways]> = [["as committed", gateways]];
  for (const [name, gw] of Object.entries(gateways)) {
    const steps = gw.canary?.steps ?? [];
    steps.forEach((weight, i) => {
      const moved = structuredClone(gateways);
      moved[name].canary = { ...gw.canary!, weight, previousWeight: i === 0 ? 0 : steps[i - 1] };
      out.push([`${name} at ${weight}%`, moved]);
    });
  }
  return out;
}

/** What one stack file plans in each state, as plain JSON. */
export function plansOf(stackFile: string): Record<string, unknown> {
  const doc = parse(fs.readFileSync(path.join(ROOT, stackFile), "utf8")) as { config: Record<string, unknown> };
  const stack = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(stackFile))![1];
  const gateways = doc.config["istio-gateways:gateways"] as Gateways;
  return Object.fromEntries(states(gateways).map(([state, gws]) => {
    const config = readStackConfig(stack, gws, Object.keys(doc.config), doc.config["istio-gateways:strict"] ?? false);
    return [state, Object.fromEntries(config.components.map((c) => {
      const { tracks: _tracks, service: _service, gateway: _gateway, kubernetesGateway: _k, namespace: _ns, adoption, ...rest } = c.prepared.plan as unknown as Record<string, unknown> & { adoption?: { imports: string[] } };
      return [c.name, {
        objects: objectsOf(c.prepared.plan),
        plan: { ...rest, ...(adoption && { imports: adoption.imports }) },
        findings: c.prepared.findings.map((f) => `${f.severity}: ${f.message}`),
      }];
    }))];
  }));
}

export const snapshotFile = (stackFile: string) => path.join(ROOT, "tests", "fixtures", "plans", `${path.basename(stackFile, ".yaml")}.json`);

/** The first path at which two JSON values differ. */
function firstDifference(a: unknown, b: unknown, at = ""): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return `${at || "(root)"}: ${JSON.stringify(b)?.slice(0, 200)} (was ${JSON.stringify(a)?.slice(0, 200)})`;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

describe("what every committed stack file plans, at every canary step (tests/fixtures/plans/)", () => {
  it("has a snapshot for each stack file and none for a stack file that is gone", () => {
    assert.deepStrictEqual(fs.readdirSync(path.join(ROOT, "tests", "fixtures", "plans")).sort(), SNAPSHOT_STACKS.map((f) => `${path.basename(f, ".yaml")}.json`).sort());
  });

  for (const stackFile of SNAPSHOT_STACKS) {
    it(`${stackFile} plans what its snapshot holds`, () => {
      const expected = JSON.parse(fs.readFileSync(snapshotFile(stackFile), "utf8")) as unknown;
      const actual = JSON.parse(JSON.stringify(plansOf(stackFile))) as unknown;
      const difference = firstDifference(expected, actual);
      assert.ok(difference === undefined, `${stackFile} now plans differently at ${difference}; if that is meant, write the new plan to ${path.relative(ROOT, snapshotFile(stackFile))}`);
    });
  }
});
