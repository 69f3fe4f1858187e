/**
 * `npm run bench -- --engine [--sizes 1,30,100] [--rounds 3]`: the real engine's cost of this repository's program
 * against a flat plain-JavaScript program declaring the same Kubernetes objects with @pulumi/kubernetes, on one
 * local cluster (npm run cluster's): `pulumi preview` from empty, alternated, several rounds; then `pulumi up` of
 * each (destroyed between, untimed). Prints medians and ratios; asserts nothing.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { adopt, clusterEnv, ClusterState, release, startCluster, stopCluster } from "../cluster/control-plane";
import { copyProgram } from "../cluster/project";
import { ensureToolchain } from "../cluster/toolchain";
import { PROJECT_DIR } from "../engine/render-stack";
import { CONFIG_KEY } from "../../stacks/config";
import { FLAT_KINDS, flatObjects, generatedGateways } from "./workload";

// The flat baseline: the objects the component would register, declared one by one, no validation, no planning.
const FLAT_PROGRAM = `"use strict";
const k8s = require("@pulumi/kubernetes");
const kinds = ${JSON.stringify(FLAT_KINDS)};
const classOf = (kind) => kinds[kind].split(".").reduce((o, k) => o[k], k8s);
for (const { name, object } of require("./objects.json")) new (classOf(object.kind))(name, object);
`;

interface Project { variant: "component" | "flat" | "typechecked"; dir: string; stack: string }

/**
 * This repository's program as `pulumi up` runs it (stacks/main.js: compiled), or, as `typechecked`, the way it ran
 * before: the language host's own TypeScript support, which type-checks the program on every run.
 */
function componentProject(root: string, n: number, variant: "component" | "typechecked" = "component"): Project {
  const dir = path.join(root, `${variant}-${n}`);
  copyProgram(dir);
  if (variant === "typechecked") {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: istio-gateways\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: stacks/index.ts\n");
  }
  const stack = `${variant}-${n}`;
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), `config:\n  ${JSON.stringify(CONFIG_KEY)}: ${JSON.stringify(gateways(n))}\n`);
  return { variant, dir, stack };
}

function flatProject(root: string, n: number): Project {
  const dir = path.join(root, `flat-${n}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: istio-gateways-flat\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "istio-gateways-flat", private: true, main: "index.js" }));
  fs.writeFileSync(path.join(dir, "index.js"), FLAT_PROGRAM);
  fs.writeFileSync(path.join(dir, "objects.json"), JSON.stringify(flatObjects(gateways(n))));
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
  return { variant: "flat", dir, stack: `flat-${n}` };
}

/** Generated gateways with a canary each, as Services a cluster without a cloud can serve (ClusterIP). */
function gateways(n: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(generatedGateways(n, true)).map(([k, g]) => [k, { ...(g as object), service: { type: "ClusterIP" } }]));
}

function pulumi(state: ClusterState, p: Project, args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    // A session of its own, recorded with the cluster: stopping the cluster (or its watchdog) stops it and the
    // plugins it started, which Pulumi puts in process groups of their own but in its session.
    const child = spawn("pulumi", [...args, "--stack", p.stack, "--non-interactive"], { cwd: p.dir, detached: true, env: { ...process.env, ...clusterEnv(state), PULUMI_COLOR: "never" } });
    if (child.pid !== undefined) adopt(state, { name: `pulumi ${args[0]}`, pid: child.pid });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => {
      if (child.pid !== undefined) release(state, child.pid);
      if (code === 0) resolve((performance.now() - t0) / 1000);
      else reject(new Error(`pulumi ${args.join(" ")} (${p.stack}) exited ${code}:\n${output.slice(-3000)}`));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => x.toFixed(1);

/** @param up also time `pulumi up` of each program (at 100 gateways, minutes each on two cores) */
export async function engineBench(sizes: number[], rounds: number, out: (line?: string) => void, up = true): Promise<void> {
  const toolchain = await ensureToolchain((l) => process.stderr.write(`${l}\n`));
  const state = await startCluster({ name: `bench-engine-${process.pid}`, toolchain, watchPid: process.pid });
  const interrupted = (signal: NodeJS.Signals) => void stopCluster(state).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
  try {
    out(`## real engine: pulumi preview and pulumi up, component program vs flat program (${rounds} preview rounds, alternated; medians in seconds)`);
    out("| gateways | objects | preview: component | preview: flat | ratio | preview: type-checked (before) | ratio | up: component | up: flat | ratio |");
    out("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const n of sizes) {
      const projects = [componentProject(state.dir, n), flatProject(state.dir, n)];
      const before = componentProject(state.dir, n, "typechecked");
      for (const p of [...projects, before]) await pulumi(state, p, ["stack", "init"]);
      const previews: Record<string, number[]> = { component: [], flat: [], typechecked: [] };
      for (let r = 0; r < rounds; r++) {
        const order = [...projects, before];
        for (const p of r % 2 === 0 ? order : order.reverse()) previews[p.variant].push(await pulumi(state, p, ["preview"]));
      }
      const ups: Record<string, number> = {};
      for (const p of up ? projects : []) {
        ups[p.variant] = await pulumi(state, p, ["up", "--yes", "--skip-preview"]);
        await pulumi(state, p, ["destroy", "--yes", "--skip-preview"]);
      }
      const [pc, pf, pt] = [median(previews.component), median(previews.flat), median(previews.typechecked)];
      const runs = (xs: number[]) => `${fmt(median(xs))} (${xs.map(fmt).join(", ")})`;
      out(`| ${n} | ${flatObjects(gateways(n)).length} | ${runs(previews.component)} | ${runs(previews.flat)} | ${(pc / pf).toFixed(2)} | ${runs(previews.typechecked)} | ${(pt / pf).toFixed(2)} | ${up ? `${fmt(ups.component)} | ${fmt(ups.flat)} | ${(ups.component / ups.flat).toFixed(2)}` : "– | – | –"} |`);
    }
  } finally {
    process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    await stopCluster(state);
  }
}
