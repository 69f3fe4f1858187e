import * as assert from "assert";
import { declareFlat, flatObjects, generatedGateways, stackConfig } from "../../tools/bench/workload";
import { manifestsOf } from "../../tools/engine/manifest";
import { runOffline } from "../../tools/engine/offline";
import { requireProgram } from "../../tools/engine/render-stack";
import { ROOT } from "../support/run";

// The benchmark compares like with like only if the flat baseline declares exactly the component's objects.
describe("benchmark workload", () => {
  for (const canary of [false, true]) {
    it(`declares flat exactly the Kubernetes objects the program registers (${canary ? "with" : "without"} canaries)`, async () => {
      const gateways = generatedGateways(3, canary);
      const viaComponent = manifestsOf(await runOffline({ project: "istio-gateways", stack: "bench", config: stackConfig(gateways), program: requireProgram }));
      const objects = flatObjects(gateways);
      const flat = manifestsOf(await runOffline({ project: "istio-gateways", stack: "bench", config: {}, program: () => declareFlat(objects) }));
      assert.deepStrictEqual(flat, viaComponent);
    });
  }

  it("measures memory in a process of its own: the resources it registered and the growth of its peak", () => {
    const { spawnSync } = require("child_process");
    const r = spawnSync(process.execPath, ["--expose-gc", "-r", "./tools/engine/register-ts.js", "tools/bench/memory.ts", "component", "5", "canary"],
      { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.strictEqual(m.resources, 5 * 10);
    assert.ok(m.rssMb >= 0 && m.heapMb >= 0, r.stdout);
  });

  it("generates stacks of the size asked for, with a canary on each gateway when asked", () => {
    const g = generatedGateways(25, true) as Record<string, { canary?: unknown }>;
    assert.strictEqual(Object.keys(g).length, 25);
    assert.ok(Object.values(g).every((x) => x.canary));
  });
});
