/**
 * The ready-pod floor must fail when the update order breaks: a mutant of the component's `firstRole` (the track
 * whose Deployment moves first) in the workspace's own copy of the program, never a switch in the package, makes the
 * shrinking Deployment go first; the first canary step must then fall below `replicas` and fail the step.
 */
import * as assert from "assert";
import * as path from "path";
import { ROOT } from "../support/run";
import { useCluster } from "./support/cluster";
import { watchedUp } from "./support/steps";
import { Workspace } from "./support/workspace";

const GATEWAY = "istio-ingressgateway";

describe("the ready-pod floor catches a wrong update order (a mutant in a copy of the program)", function () {
  const cluster = useCluster();

  it("fails the first canary step when the copy moves the shrinking Deployment first", async () => {
    const { state, api } = cluster();
    const ws = new Workspace(state, path.join(ROOT, "Pulumi.dev.yaml"));
    ws.mutate("components/istio-gateway.ts", 'return plan.move?.first ?? "stable";', 'return plan.move?.first === "canary" ? "stable" : "canary";');
    await ws.init();
    await watchedUp(ws, api, "mutant: order reversed", "up from empty (25%)");
    await ws.rollout("next", GATEWAY);
    const error = await watchedUp(ws, api, "mutant: order reversed", "next (25% → 50%)").then(() => undefined, (e: Error) => e);
    process.stdout.write(`      mutant "order reversed": ${error ? error.message.split("\n")[0] : "survived"}\n`);
    assert.ok(error, "the floor did not catch a shrinking Deployment moved first");
    assert.match(error.message, new RegExp(`${GATEWAY} fell to \\d ready pods, below its 4 replicas`));
  });
});
