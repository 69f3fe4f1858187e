import * as assert from "assert";
import { CORE, layoutViolations, repositoryImports } from "./support/layout";
import { ROOT } from "./support/run";

describe("the core's layout: four rooms, one door", () => {
  const imports = repositoryImports(ROOT);

  it("is entered from outside by components/core/index.ts only, tests included, and its arrows run one way", () => {
    assert.deepStrictEqual(layoutViolations(imports), []);
  });

  it("has the four rooms, each with its index", () => {
    for (const room of ["model", "validate", "plan", "analyze"]) assert.ok(imports.has(`${CORE}/${room}/index.ts`), `${room} has no index.ts`);
  });

  describe("names each kind of break", () => {
    const cases: Array<{ rule: string; file: string; target: string; says: RegExp }> = [
      { rule: "outside code through an inner file", file: "stacks/config.ts", target: `${CORE}/validate/gateway.ts`, says: /enters the core by components\/core\/index\.ts only/ },
      { rule: "an arrow back, model → plan", file: `${CORE}/model/labels.ts`, target: `${CORE}/plan/index.ts`, says: /model may import no other room, not plan/ },
      { rule: "an arrow across, validate → plan", file: `${CORE}/validate/pods.ts`, target: `${CORE}/plan/index.ts`, says: /validate may import model, not plan/ },
      { rule: "a room past another's index", file: `${CORE}/analyze/analyze.ts`, target: `${CORE}/plan/plan.ts`, says: /entered by its index/ },
      { rule: "the core reaching out to the shell", file: `${CORE}/plan/plan.ts`, target: "components/istio-gateway.ts", says: /imports nothing outside it/ },
    ];
    for (const c of cases) {
      it(c.rule, () => {
        const found = layoutViolations(new Map([[c.file, [c.target]]]));
        assert.strictEqual(found.length, 1, found.join("\n"));
        assert.match(found[0], c.says);
      });
    }
  });
});
