/**
 * A fresh local cluster per suite: `useCluster()` inside a `describe` starts one before its tests and stops it
 * after them. The watchdog (control-plane.ts) stops it too if this process dies, so an interrupted run leaves no
 * process behind.
 */
import * as fs from "fs";
import { AWS_READINESS_GATE_LABEL } from "../../../components/core";
import { ClusterState, startCluster, stopCluster } from "../../../tools/cluster/control-plane";
import { KubeApi } from "../../../tools/cluster/kube-api";
import { IstiodChoice, istiodChoice } from "../../../tools/cluster/istiod";
import { RevisionReadiness } from "../../../tools/cluster/stages";
import { ensureToolchain, Toolchain, waitForPart } from "../../../tools/cluster/toolchain";
import { Workspace } from "./workspace";

let toolchain: Promise<Toolchain> | undefined;

/** The toolchain, found once per run (npm run e2e built it before mocha started). */
export function e2eToolchain(): Promise<Toolchain> {
  return (toolchain ??= ensureToolchain(() => undefined));
}

let count = 0;

export interface LiveCluster {
  state: ClusterState;
  api: KubeApi;
}

export interface ClusterChoices {
  extraStages?: string;
  /** Revisions whose pods kwok never readies, or readies late (stages.ts). */
  revisions?: RevisionReadiness;
  /** The istiods the cluster runs; false for none (a suite that creates no pod). @default E2E_ISTIOD */
  istiod?: IstiodChoice | false;
  /** Prometheus and the traffic stand-in (tools/cluster/prometheus.ts). @default false */
  prometheus?: boolean;
  /** An upstream Envoy behind every gateway pod, readiness from it (tools/cluster/envoy-harness.ts). @default false */
  envoy?: boolean;
  /** With envoy: revisions whose istiod keeps Istio's own filters, so their Envoys refuse its config. @default none */
  istioFiltersFor?: string[];
}

/**
 * Every suite's cluster runs istiod, as a real one would: the two revisions the committed stacks name, the stable
 * one also as the `default` tag (what unlabelled pods and config reach), so every gateway pod a suite creates is
 * injected by its own revision's istiod and every Istio object passes a validation webhook.
 */
export const E2E_ISTIOD: IstiodChoice = istiodChoice("1-25-1,1-26-0");

export function useCluster(options: ClusterChoices = {}): () => LiveCluster {
  let live: LiveCluster | undefined;
  before(async function () {
    this.timeout(10 * 60 * 1000); // two starts at most, below
    if (options.prometheus) {
      // The e2e run builds Prometheus in the background when it is not cached (tools/e2e/main.ts): wait for it.
      this.timeout(45 * 60 * 1000);
      const status = process.env.E2E_OPTIONAL_BUILD_STATUS; // set by tools/e2e/main.ts for its lanes
      await waitForPart(await e2eToolchain(), "prometheus", 40 * 60 * 1000, () => status !== undefined && fs.existsSync(status));
    }
    const start = async () => startCluster({ name: `e2e-${process.pid}-${++count}`, toolchain: await e2eToolchain(), watchPid: process.pid, extraStages: options.extraStages,
      revisions: options.revisions, istiod: options.istiod === false ? undefined : options.istiod ?? E2E_ISTIOD, prometheus: options.prometheus, envoy: options.envoy, istioFiltersFor: options.istioFiltersFor,
      log: (line) => process.stdout.write(`      ${line}\n`) });
    // A second start, printed, when the first fails (startCluster stops what it started): on two busy cores a
    // control plane can miss a start-up deadline, and that is no claim of this package's. Two failures fail the suite.
    const state = await start().catch(async (e: Error) => {
      process.stdout.write(`      cluster: start failed (${e.message.split("\n")[0]}); starting a fresh one once more\n`);
      return start();
    });
    live = { state, api: new KubeApi(state) };
  });
  after(async function () {
    this.timeout(60 * 1000);
    if (live) await stopCluster(live.state);
  });
  return () => {
    if (!live) throw new Error("the cluster is not up (its before hook failed)");
    return live;
  };
}

/**
 * Namespaces a stack expects to exist (`createNamespace: false`), created as the app team would have: no
 * injection labels, so per-pod revisions apply, and the AWS load balancer controller's readiness gate turned on,
 * as prod's payments team does (harmless here: no such controller runs on this cluster).
 */
export async function createExpectedNamespaces(api: KubeApi, ws: Workspace): Promise<string[]> {
  const rendered = new Set((await ws.render()).filter((m) => m.kind === "Namespace").map((m) => (m.metadata as { name: string }).name));
  const expected = [...new Set(Object.values(ws.gateways()).map((g) => g.namespace))].filter((ns) => !rendered.has(ns));
  for (const name of expected) {
    if (!(await api.find(`/api/v1/namespaces/${name}`))) await api.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { [AWS_READINESS_GATE_LABEL]: "enabled" } } });
  }
  return expected;
}

export interface LiveStack extends LiveCluster {
  ws: Workspace;
}

/**
 * A fresh cluster and a Pulumi stack initialised on it from a temp copy of `stackFile`; `then` runs once both are
 * ready (e.g. a first `pulumi up`). Removed after the suite.
 */
export function useStack(stackFile: string, then?: (live: LiveStack) => Promise<unknown>, choices: ClusterChoices = {}): () => LiveStack {
  const cluster = useCluster(choices);
  let ws: Workspace | undefined;
  before(async function () {
    this.timeout(10 * 60 * 1000);
    ws = new Workspace(cluster().state, stackFile);
    await ws.init();
    await then?.({ ...cluster(), ws });
  });
  after(() => ws?.remove());
  return () => {
    if (!ws) throw new Error("the stack is not initialised (its before hook failed)");
    return { ...cluster(), ws };
  };
}
