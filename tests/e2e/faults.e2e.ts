/**
 * Faults under the real engine (docs/RELIABILITY.md has the table): a canary that never gets ready, `pulumi up`
 * interrupted by SIGINT and by SIGKILL while the canary grows, the API server stopped mid-update, drift, and the
 * restricted Pod Security Standard. One cluster, one stack, one scenario after another; each ends with the stack
 * converged (`pulumi preview --expect-no-changes`) so the next starts clean. Each prints what it measured.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { deploymentName, TRACK_LABEL } from "../../components/core";
import { KubeObject, sleep, waitFor } from "../../tools/cluster/kube-api";
import { sessionMembers, startApiServer, stopApiServer } from "../../tools/cluster/control-plane";
import { istiodChoice } from "../../tools/cluster/istiod";
import { LiveStack, useStack } from "./support/cluster";
import { injectionProblem, revisionRoutes } from "./support/injection";
import { liveDifferences } from "./support/live";
import { ReadySampler } from "./support/sampler";
import { watchedCommand, watchedUp } from "./support/steps";
import { CommandResult, Workspace } from "./support/workspace";

const GATEWAY = "edge-gateway";
const NAMESPACE = "edge";
/** Its pods never become Ready on this cluster (kwok stage): an injector that cannot serve the new revision. */
const BROKEN = "1-27-0";
/** Its pods become Ready 8 s after they are scheduled: a rollout slow enough to interrupt at a known point. */
const SLOW = "1-26-0";
const STABLE = "1-25-1";
const TIMEOUT_SECONDS = 30;

const deployments = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`;

/** The engine's errors in a command's output: the lines after "error:", trimmed. */
function errorLines(r: CommandResult): string[] {
  return (r.stdout + r.stderr).split("\n").map((l) => l.trim()).filter((l) => /^error:/.test(l) || /timed out|ProgressDeadlineExceeded/.test(l));
}

/**
 * Starts `pulumi up` and, once `when` holds on the cluster, calls `act` with the CLI's pid; returns the result once
 * the CLI has ended, checking that no process of its session (its plugins) was left running.
 */
async function upInterrupted(ws: Workspace, when: () => Promise<boolean>, act: (pid: number) => Promise<void> | void): Promise<CommandResult> {
  let pid: number | undefined;
  const up = ws.pulumi(["up", "--yes", "--skip-preview"], { onStart: (p) => (pid = p) });
  await waitFor("the moment to interrupt", 120000, async () => ((await when()) ? true : undefined), 100);
  assert.ok(pid !== undefined);
  await act(pid);
  const result = await up;
  const session = pid;
  await waitFor("every process of the interrupted pulumi up to end", 5000, async () => (sessionMembers(session).length === 0 ? true : undefined), 100);
  return result;
}

async function specReplicas(live: LiveStack, revision: string): Promise<number | undefined> {
  const d = await live.api.find<KubeObject>(`${deployments}/${deploymentName(GATEWAY, revision)}`);
  return d?.spec?.replicas as number | undefined;
}

/** Sets the canary block (or removes it) by hand, as the runbook's first step does. */
function setCanary(ws: Workspace, canary: { revision: string; weight: number } | undefined): void {
  ws.setGateway(GATEWAY, (gw) => {
    // previousWeight 0: no canary runs yet, so the one added grows (the runbook's first step).
    if (canary) gw.canary = { ...canary, steps: [25, 50, 100], previousWeight: 0 };
    else delete gw.canary;
  });
}

async function stateOf(ws: Workspace): Promise<{ resources: number; pending: string[] }> {
  const state = JSON.parse((await ws.must(["stack", "export"])).stdout) as {
    deployment: { resources?: unknown[]; pending_operations?: Array<{ type: string; resource: { urn: string } }> };
  };
  const pending = (state.deployment.pending_operations ?? []).map((p) => `${p.type} ${p.resource.urn.split("::").pop()}`);
  return { resources: state.deployment.resources?.length ?? 0, pending };
}

describe("faults, real engine", function () {
  const live = useStack(path.join(__dirname, "fixtures", "Pulumi.faults.yaml"),
    ({ ws, api }) => watchedUp(ws, api, "faults", "up from empty"),
    // 1-27-0 has an istiod too: its pods are injected and still never Ready, as proxies that never get config are.
    { revisions: { neverReady: [BROKEN], slowMs: { [SLOW]: 8000 } }, istiod: istiodChoice(`${STABLE},${SLOW},${BROKEN}`) });

  it("admits every gateway pod in a namespace that enforces the restricted Pod Security Standard, as injected by istiod", async () => {
    const { api, state } = live();
    const ns = await api.get<KubeObject>(`/api/v1/namespaces/${NAMESPACE}`);
    assert.strictEqual(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
    const stable = await api.get<KubeObject>(`${deployments}/${deploymentName(GATEWAY, STABLE)}`);
    assert.strictEqual((stable.status as { readyReplicas?: number }).readyReplicas, 4);
    // Pod Security admission judges the pod after the mutating webhooks: what it admitted is the injected pod.
    const pods = (await api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter((p) => p.metadata.labels?.[TRACK_LABEL] === STABLE);
    const routes = revisionRoutes(state.istiod ?? {});
    assert.deepStrictEqual(pods.map((p) => injectionProblem(p, routes) ?? "injected"), ["injected", "injected", "injected", "injected"]);
    // The same pod, injected too, without its seccomp profile is refused there: the level is enforced, not merely labelled.
    const template = stable.spec?.template as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { securityContext: Record<string, unknown> } };
    const { seccompProfile: _dropped, ...securityContext } = template.spec.securityContext;
    const refused = await api.create(`/api/v1/namespaces/${NAMESPACE}/pods`, {
      apiVersion: "v1", kind: "Pod",
      metadata: { name: "no-seccomp", labels: { ...template.metadata.labels, [TRACK_LABEL]: "psa-probe" }, annotations: template.metadata.annotations },
      spec: { ...template.spec, securityContext },
    }).then(() => "admitted", (e: Error) => e.message);
    process.stdout.write(`      restricted namespace: 4/4 injected gateway pods ready; without seccompProfile: ${refused.slice(0, 160)}\n`);
    assert.match(refused, /violates PodSecurity \\"restricted:latest\\": seccompProfile/);
  });

  it("fails the update of a canary that never gets ready within updateTimeoutSeconds, naming the Deployment; the stable keeps every pod", async () => {
    const { ws, api } = live();
    setCanary(ws, { revision: BROKEN, weight: 0 });
    await watchedUp(ws, api, "never ready", "canary added at 0%");
    await ws.rollout("next", GATEWAY);
    const stableBefore = await api.get<KubeObject>(`${deployments}/${deploymentName(GATEWAY, STABLE)}`);
    const { result, rows } = await watchedCommand(ws, api, "never ready", "next (0% → 25%)",
      // Stopped well past the bound, so that an update that ignores it fails here in minutes, not in the provider's 10.
      () => ws.pulumi(["up", "--yes", "--skip-preview"], { timeoutMs: (TIMEOUT_SECONDS + 90) * 1000 }), { settle: false });
    const stableAfter = await api.get<KubeObject>(`${deployments}/${deploymentName(GATEWAY, STABLE)}`);
    const errors = errorLines(result);
    process.stdout.write(`      never ready: exit ${result.code} after ${result.seconds.toFixed(1)} s:\n${errors.map((l) => `        ${l}`).join("\n")}\n`);
    assert.notStrictEqual(result.code, 0);
    assert.ok(result.seconds < TIMEOUT_SECONDS + 45, `the update took ${result.seconds.toFixed(1)} s, past its ${TIMEOUT_SECONDS + 45} s bound`);
    // The canary's pod runs, its proxy started, and it is not Ready: what a failing readiness probe looks like.
    const canaryPods = (await api.list(`/api/v1/namespaces/${NAMESPACE}/pods`)).filter((p) => p.metadata.labels?.["istio.io/rev"] === BROKEN);
    const seen = canaryPods.map((p) => {
      const status = p.status as { phase?: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ ready: boolean; state?: { running?: unknown } }> };
      const condition = (type: string) => status.conditions?.find((c) => c.type === type)?.status;
      return `${status.phase} Ready=${condition("Ready")} ContainersReady=${condition("ContainersReady")} running=${(status.containerStatuses ?? []).every((c) => c.state?.running !== undefined)} ready=${(status.containerStatuses ?? []).some((c) => c.ready)}`;
    });
    process.stdout.write(`      never ready: the canary's pods: ${JSON.stringify(seen)}\n`);
    assert.deepStrictEqual(seen, ["Running Ready=False ContainersReady=False running=true ready=false"]);
    assert.ok(errors.some((l) => l.includes(`${deploymentName(GATEWAY, BROKEN)}`) && /timed out/.test(l)), errors.join("\n"));
    assert.strictEqual(rows[0].report.minByTrack[STABLE], 4);
    assert.strictEqual(await specReplicas(live(), STABLE), 4, "the stable Deployment shrank before its canary was ready");
    // Not one stable pod replaced, and its template not touched: the failed canary cost the stable nothing.
    assert.deepStrictEqual([...(rows[0].report.after[STABLE] ?? [])].sort(), [...(rows[0].report.before[STABLE] ?? [])].sort(), "stable pods were replaced");
    assert.strictEqual((rows[0].report.before[STABLE] ?? []).length, 4);
    assert.deepStrictEqual(stableAfter.spec?.template, stableBefore.spec?.template, "the stable's pod template changed");
  });

  it("recovers from the never-ready canary with rollout abort and pulumi up, then removes it; nothing left to change", async () => {
    const { ws, api } = live();
    await ws.rollout("abort", GATEWAY);
    await watchedUp(ws, api, "never ready", "abort (25% → 0%)");
    await ws.expectNoChanges();
    setCanary(ws, undefined);
    await watchedUp(ws, api, "never ready", "canary removed");
    await ws.expectNoChanges();
    assert.strictEqual(await specReplicas(live(), BROKEN), undefined);
  });

  // docs/RELIABILITY.md: what each signal leaves behind, before anything recovers it.
  const LEFT: Record<"SIGINT" | "SIGKILL", { exit: string; said?: RegExp; lock: boolean; pending: string[] }> = {
    SIGINT: { exit: "exit 1", said: /Resource operation was cancelled for "edge-gateway-1-26-0"/, lock: false, pending: [] },
    SIGKILL: { exit: "killed by SIGKILL", lock: true, pending: ["updating edge-gateway-1-26-0"] },
  };
  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    it(`recovers from ${signal} to pulumi up while the canary grows: capacity held, the next pulumi up converges`, async () => {
      const { ws, api } = live();
      setCanary(ws, { revision: SLOW, weight: 0 });
      await watchedUp(ws, api, signal, "canary added at 0%");
      await ws.rollout("next", GATEWAY);
      const { result } = await watchedCommand(ws, api, signal, `next (0% → 25%), ${signal} as the canary grows`,
        () => upInterrupted(ws, async () => (await specReplicas(live(), SLOW)) === 1, (pid) => { process.kill(pid, signal); }), { settle: false });
      const state = await stateOf(ws);
      process.stdout.write(`      ${signal}: exit ${result.code ?? result.signal} after ${result.seconds.toFixed(1)} s; pending operations: ${JSON.stringify(state.pending)}\n`
        + `${errorLines(result).map((l) => `        ${l}`).join("\n")}\n`);
      assert.notStrictEqual(result.code, 0);
      const left = LEFT[signal];
      assert.strictEqual(result.code === null ? `killed by ${result.signal}` : `exit ${result.code}`, left.exit);
      if (left.said) assert.match(result.stdout + result.stderr, left.said);
      assert.strictEqual(lockHeld(ws), left.lock, `the stack's lock after ${signal}`);
      assert.deepStrictEqual(state.pending, left.pending);
      const recovery = await recover(ws);
      process.stdout.write(`      ${signal}: recovered with ${recovery.join(", ")}\n`);
      await watchedUp(ws, api, signal, "pulumi up after the interruption");
      const after = await stateOf(ws);
      process.stdout.write(`      ${signal}: pending operations after that pulumi up: ${JSON.stringify(after.pending)}\n`);
      assert.deepStrictEqual(after.pending, []);
      await ws.expectNoChanges();
      assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
      await ws.rollout("abort", GATEWAY);
      setCanary(ws, undefined);
      await watchedUp(ws, api, signal, "canary removed");
      await ws.expectNoChanges();
    });
  }

  it("survives the API server going away mid-update: the next pulumi up converges with nothing lost", async () => {
    const { ws, api, state } = live();
    setCanary(ws, { revision: SLOW, weight: 0 });
    await watchedUp(ws, api, "API server", "canary added at 0%");
    await ws.rollout("next", GATEWAY);
    const sampler = new ReadySampler(api, NAMESPACE, { app: GATEWAY });
    sampler.start();
    let outage = 0;
    const result = await upInterrupted(ws, async () => (await specReplicas(live(), SLOW)) === 1, async () => {
      const stopped = Date.now();
      await stopApiServer(state);
      await sleep(10000);
      await startApiServer(state);
      outage = (Date.now() - stopped) / 1000;
    });
    const during = await sampler.stop();
    process.stdout.write(`      API server: down ${outage.toFixed(1)} s; pulumi up exit ${result.code} after ${result.seconds.toFixed(1)} s; ready min ${during.minTotal}`
      + ` (${during.samples} samples answered, ${during.answeredBefore} before the gap and ${during.answeredAfter} after it; ${during.failedSamples} failed, the longest gap ${during.longestGapSeconds.toFixed(1)} s)`
      + `\n${errorLines(result).map((l) => `        ${l}`).join("\n")}\n`);
    // The outage was seen: samples failed for most of the 10 s it lasted, with answers on both sides of the gap.
    assert.ok(during.failedSamples > 0, "no sample failed: the API server never went away");
    assert.ok(during.longestGapSeconds >= 5 && during.longestGapSeconds <= outage + 5, `the longest gap was ${during.longestGapSeconds} s of an outage of ${outage} s`);
    assert.ok(during.answeredBefore > 0 && during.answeredAfter > 0, `answered ${during.answeredBefore} before the gap and ${during.answeredAfter} after it`);
    assert.ok(during.minTotal !== undefined && during.minTotal >= 4, `ready pods fell to ${during.minTotal}`);
    if (result.code !== 0) process.stdout.write(`      API server: recovered with ${(await recover(ws)).join(", ")}\n`);
    await watchedUp(ws, api, "API server", "pulumi up after the outage");
    await ws.expectNoChanges();
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    await ws.rollout("abort", GATEWAY);
    setCanary(ws, undefined);
    await watchedUp(ws, api, "API server", "canary removed");
  });

  it("shows drift at pulumi preview --refresh and puts it back with pulumi up --refresh: a scaled Deployment, an edited selector, a deleted budget", async () => {
    const { ws, api } = live();
    const stable = deploymentName(GATEWAY, STABLE);
    // `kubectl scale`: the scale subresource, as a user or a script would move it.
    await api.patch(`${deployments}/${stable}/scale`, { spec: { replicas: 2 } });
    await api.patch(`/apis/networking.istio.io/v1/namespaces/${NAMESPACE}/gateways/${GATEWAY}`, { spec: { selector: { app: "someone-else" } } });
    await api.delete(`/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${stable}`);
    const preview = await ws.pulumi(["preview", "--refresh", "--diff", "--expect-no-changes"]);
    const shown = preview.stdout;
    const steps = shown.split("\n").map((l) => l.trim()).filter((l) => /^[-+~] kubernetes:.*\((create|update|delete|replace)\)$/.test(l) || /to (create|update)/.test(l));
    process.stdout.write(`      drift: pulumi preview --refresh exit ${preview.code}: ${steps.join(" | ")}\n`);
    assert.notStrictEqual(preview.code, 0, "preview --expect-no-changes passed with drift");
    // The refresh reads each change back (the live value on the right), then the plan puts it back.
    assert.match(shown, /replicas\s*:\s*4\s*=>\s*2/);
    assert.match(shown, /app\s*:\s*"edge-gateway"\s*=>\s*"someone-else"/);
    for (const step of ["~ kubernetes:apps/v1:Deployment: (update)", "~ kubernetes:networking.istio.io/v1:Gateway: (update)", "+ kubernetes:policy/v1:PodDisruptionBudget: (create)"]) {
      assert.ok(steps.includes(step), `"${step}" not in: ${steps.join(" | ")}`);
    }
    await ws.must(["up", "--refresh", "--yes", "--skip-preview"]);
    await waitFor("the stable Deployment back at 4 ready pods", 60000, async () =>
      ((await api.get<KubeObject>(`${deployments}/${stable}`)).status as { readyReplicas?: number }).readyReplicas === 4 ? true : undefined);
    assert.deepStrictEqual(await liveDifferences(api, await ws.render()), []);
    await ws.pulumi(["refresh", "--yes"]);
    await ws.expectNoChanges();
  });
});

/**
 * What it takes for the next `pulumi up` to run after an interrupted one (the runbook's "An interrupted pulumi
 * up"): a killed CLI leaves its lock in the backend, and every command that updates the stack refuses ("the stack
 * is currently locked … delete the lock file with `pulumi cancel`"). Returns the commands it had to run.
 */
/** Whether the file backend holds a lock on the stack (an update that never ended). */
function lockHeld(ws: Workspace): boolean {
  const locks = path.join(ws.dir, ".pulumi-state/.pulumi/locks");
  return fs.existsSync(locks) && fs.readdirSync(locks, { recursive: true }).some((f) => String(f).endsWith(".json"));
}

async function recover(ws: Workspace): Promise<string[]> {
  if (!lockHeld(ws)) return ["nothing: pulumi up alone"];
  await ws.must(["cancel", "--yes"]);
  return ["pulumi cancel --yes"];
}
