/**
 * The local cluster's offline parts: pinned versions, cache keys, kwok's stages, the fake nodes, the exports a
 * user evals, the load-balancer stand-in's addresses, and the e2e comparison of rendered and live objects. What
 * needs the binaries runs in `npm run e2e`.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { clusterEnv, ClusterState, clustersRoot, exportsText, startCluster } from "../../tools/cluster/control-plane";
import { addressFor } from "../../tools/cluster/load-balancer";
import { clusterNodes } from "../../tools/cluster/nodes";
import { kwokConfig, runningUnready, slowReady, withDelay, withoutRevisions } from "../../tools/cluster/stages";
import { lockedVersions, moduleVersion, partKey, parts, Toolchain, waitForPart } from "../../tools/cluster/toolchain";
import { apiPath, differences } from "../e2e/support/live";
import { ROOT } from "../support/run";

describe("e2e toolchain versions", () => {
  it("asks for the plugin versions package-lock.json's SDKs request", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const byName = Object.fromEntries(parts().map((p) => [p.name, p.version]));
    assert.strictEqual(byName["pulumi-resource-kubernetes"], lock.packages["node_modules/@pulumi/kubernetes"].version);
    assert.strictEqual(byName["pulumi-resource-random"], lock.packages["node_modules/@pulumi/random"].version);
    assert.strictEqual(byName.pulumi, `v${lockedVersions().pulumi}`);
  });

  it("builds the CLI from the Go module of the same version as @pulumi/pulumi", () => {
    assert.strictEqual(moduleVersion("pulumi", "github.com/pulumi/pulumi/pkg/v3"), `v${lockedVersions().pulumi}`);
  });

  it("pins the control plane to the Kubernetes release its staging modules are replaced with", () => {
    const gomod = fs.readFileSync(path.join(ROOT, "tools/cluster/go/kubernetes/go.mod"), "utf8");
    const k8s = moduleVersion("kubernetes", "k8s.io/kubernetes");
    const staging = [...gomod.matchAll(/^\s*(k8s\.io\/[\w-]+) => \1 (\S+)$/gm)];
    assert.strictEqual(staging.length, 31);
    for (const [, mod, version] of staging) assert.strictEqual(version, k8s.replace(/^v1\./, "v0."), mod);
  });

  it("commits a go.mod and go.sum for every wrapper module a part builds from", () => {
    for (const part of parts()) {
      if (part.module === undefined) continue; // downloaded, not built (envoy)
      for (const f of ["go.mod", "go.sum"]) assert.ok(fs.existsSync(path.join(ROOT, "tools/cluster/go", part.module, f)), `${part.module}/${f}`);
    }
  });
});

describe("e2e toolchain cache key", () => {
  const part = () => parts().find((p) => p.name === "kwok")!;

  it("is the same for the same module, version and Go", () => {
    assert.strictEqual(partKey(part(), "go1.26.0"), partKey(part(), "go1.26.0"));
  });

  it("changes with the Go that builds it", () => {
    assert.notStrictEqual(partKey(part(), "go1.26.0"), partKey(part(), "go1.26.1"));
  });

  it("changes with the version", () => {
    assert.notStrictEqual(partKey(part(), "go1.26.0"), partKey({ ...part(), version: "v0.9.0" }, "go1.26.0"));
  });

  it("changes with the sources a part copies", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "key-"));
    const file = path.join(dir, "main.go");
    fs.writeFileSync(file, "package main\n");
    const withSource = { ...part(), sources: () => [file] };
    const before = partKey(withSource, "go1.26.0");
    fs.writeFileSync(file, "package main // changed\n");
    assert.notStrictEqual(partKey(withSource, "go1.26.0"), before);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("e2e toolchain: an optional part another process builds", () => {
  function waiting(): { toolchain: Toolchain; binary: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "part-"));
    const part = parts().find((p) => p.name === "prometheus")!;
    return { toolchain: { bin: dir, istioCrds: "", gatewayApi: "", kwokStages: "", parts: [{ part, dir, how: "not built", seconds: 0 }], deferred: ["prometheus"] }, binary: path.join(dir, "prometheus") };
  }

  it("is left out of the default build (Prometheus: only the analysis suites and up --prometheus need it; Envoy: only the traffic suite and up --envoy)", () => {
    assert.deepStrictEqual(parts().filter((p) => p.optional).map((p) => p.name), ["prometheus", "envoy"]);
  });

  it("is waited for until its binary is in place", async function () {
    this.timeout(10_000); // one poll (2 s) after the binary appears
    const { toolchain, binary } = waiting();
    setTimeout(() => fs.writeFileSync(binary, ""), 100);
    await waitForPart(toolchain, "prometheus", 10_000);
  });

  it("stops the wait at once when its build has failed, naming the command that builds it", async () => {
    const { toolchain } = waiting();
    const started = Date.now();
    await assert.rejects(waitForPart(toolchain, "prometheus", 60_000, () => true), /the build of prometheus failed .*npm run cluster -- toolchain --prometheus/);
    assert.ok(Date.now() - started < 1000);
  });
});

describe("kwok stages", () => {
  const stage = "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: pod-ready\nspec:\n  resourceRef:\n    kind: Pod";

  it("delays pod readiness by the given milliseconds", () => {
    const doc = parseAllDocuments(withDelay(stage, 1500))[0].toJS();
    assert.deepStrictEqual(doc.spec.delay, { durationMilliseconds: 1500 });
    assert.deepStrictEqual(doc.spec.resourceRef, { kind: "Pod" });
  });

  it("leaves a stage alone with no delay", () => {
    assert.strictEqual(withDelay(stage, 0), stage);
  });

  // kwok's pod-ready Stage in short: its selector, and the conditions and container status its template writes.
  const ready = `${stage}\n  selector:\n    matchExpressions:\n    - key: '.status.phase'\n      operator: 'In'\n      values:\n      - 'Pending'\n`
    + `  next:\n    statusTemplate: |\n      conditions:\n      - status: "True"\n        type: Initialized\n      - status: "True"\n        type: Ready\n`
    + `      - status: "True"\n        type: ContainersReady\n      containerStatuses:\n      - name: istio-proxy\n        ready: true\n      initContainerStatuses:\n      - name: init\n        ready: true\n      phase: Running`;
  const revisionRequirement = (operator: string, values: string[]) => ({ key: '.metadata.labels["istio.io/rev"]', operator, values });

  it("keeps pods of chosen revisions from the ready stage, and no other pod", () => {
    const doc = parseAllDocuments(withoutRevisions(ready, ["1-27-0", "1-26-0"]))[0].toJS();
    assert.deepStrictEqual(doc.spec.selector.matchExpressions, [
      revisionRequirement("NotIn", ["1-27-0", "1-26-0"]), { key: ".status.phase", operator: "In", values: ["Pending"] },
    ]);
    assert.strictEqual(withoutRevisions(ready, []), ready);
    assert.throws(() => withoutRevisions(stage, ["1-27-0"]), /without spec.selector.matchExpressions/);
  });

  it("readies a slow revision's pods in a stage of its own, with its own delay", () => {
    const doc = parseAllDocuments(slowReady(ready, "1-26-0", 6000))[0].toJS();
    assert.strictEqual(doc.metadata.name, "pod-ready-1-26-0");
    assert.deepStrictEqual(doc.spec.delay, { durationMilliseconds: 6000 });
    assert.deepStrictEqual(doc.spec.selector.matchExpressions[0], revisionRequirement("In", ["1-26-0"]));
  });

  it("runs a never-ready revision's pods with Ready and ContainersReady False and the proxy not ready, in a stage of its own", () => {
    const doc = parseAllDocuments(runningUnready(ready, ["1-27-0"]))[0].toJS();
    assert.strictEqual(doc.metadata.name, "pod-running-unready");
    assert.deepStrictEqual(doc.spec.selector.matchExpressions[0], revisionRequirement("In", ["1-27-0"]));
    const status = parseAllDocuments(doc.spec.next.statusTemplate)[0].toJS();
    assert.deepStrictEqual(status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`), ["Initialized=True", "Ready=False", "ContainersReady=False"]);
    assert.deepStrictEqual([status.containerStatuses[0].ready, status.initContainerStatuses[0].ready, status.phase], [false, true, "Running"]);
    assert.throws(() => runningUnready(ready.replace("type: ContainersReady", "type: Other"), ["1-27-0"]), /no ContainersReady condition/);
  });

  it("writes one ready stage per slow revision, and keeps slow and never-ready pods out of the common one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kwok-"));
    for (const f of ["node/fast/node-initialize", "node/heartbeat/node-heartbeat", "pod/fast/pod-ready", "pod/fast/pod-complete", "pod/fast/pod-delete"]) {
      fs.mkdirSync(path.join(dir, "kustomize/stage", path.dirname(f)), { recursive: true });
      fs.writeFileSync(path.join(dir, "kustomize/stage", `${f}.yaml`), ready.replace("pod-ready", path.basename(f)));
    }
    const docs = parseAllDocuments(kwokConfig(dir, 700, "", { neverReady: ["1-27-0"], slowMs: { "1-26-0": 6000 } })).map((d) => d.toJS());
    assert.deepStrictEqual(docs.map((d) => d.metadata.name), ["node-initialize", "node-heartbeat", "pod-ready", "pod-ready-1-26-0", "pod-running-unready", "pod-complete", "pod-delete"]);
    assert.deepStrictEqual(docs[2].spec.selector.matchExpressions[0], revisionRequirement("NotIn", ["1-27-0", "1-26-0"]));
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses a stage without a top-level spec", () => {
    assert.throws(() => withDelay("kind: Stage\n", 10), /without a top-level spec/);
  });

  it("writes kwok's node and pod stages, then the extra ones, as one multi-document file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kwok-"));
    for (const f of ["node/fast/node-initialize", "node/heartbeat/node-heartbeat", "pod/fast/pod-ready", "pod/fast/pod-complete", "pod/fast/pod-delete"]) {
      fs.mkdirSync(path.join(dir, "kustomize/stage", path.dirname(f)), { recursive: true });
      fs.writeFileSync(path.join(dir, "kustomize/stage", `${f}.yaml`), stage.replace("pod-ready", path.basename(f)));
    }
    const docs = parseAllDocuments(kwokConfig(dir, 700, "kind: Stage\nmetadata:\n  name: never-ready\nspec: {}")).map((d) => d.toJS());
    assert.deepStrictEqual(docs.map((d) => d.metadata.name), ["node-initialize", "node-heartbeat", "pod-ready", "pod-complete", "pod-delete", "never-ready"]);
    assert.deepStrictEqual(docs.map((d) => d.spec.delay?.durationMilliseconds), [undefined, undefined, 700, undefined, undefined, undefined]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("fake nodes", () => {
  it("spread over three zones, plus one node for the payments gateway, tainted as prod's tolerations expect", () => {
    const nodes = clusterNodes();
    const zones = new Set(nodes.filter((n) => !n.taints).map((n) => n.labels["topology.kubernetes.io/zone"]));
    assert.strictEqual(zones.size, 3);
    const payments = nodes.filter((n) => n.labels.workload === "payments");
    assert.strictEqual(payments.length, 1);
    assert.deepStrictEqual(payments[0].taints, [{ key: "dedicated", value: "payments", effect: "NoSchedule" }]);
  });
});

describe("cluster exports", () => {
  const state: ClusterState = {
    name: "local", dir: "/tmp/it's here", server: "https://127.0.0.1:6443", token: "t", kubeconfig: "/tmp/it's here/kubeconfig",
    bin: "/cache/bin", ports: {}, processes: [],
  };

  it("names every variable pulumi and kubectl need", () => {
    assert.deepStrictEqual(Object.keys(clusterEnv(state)).sort(),
      ["KUBECONFIG", "PATH", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_DIY_BACKEND_NO_LEGACY_WARNING", "PULUMI_HOME", "PULUMI_SKIP_UPDATE_CHECK"]);
  });

  it("puts the toolchain first on PATH and the state in the cluster's folder", () => {
    const env = clusterEnv(state);
    assert.ok(env.PATH.startsWith(`/cache/bin${path.delimiter}`));
    assert.strictEqual(env.PULUMI_BACKEND_URL, "file:///tmp/it's here/pulumi-state");
  });

  it("quotes values for the shell, single quotes included", () => {
    assert.match(exportsText(state), /^export KUBECONFIG='\/tmp\/it'\\''s here\/kubeconfig'$/m);
  });
});

describe("load-balancer stand-in", () => {
  it("gives a Service the same loopback address every time", () => {
    assert.strictEqual(addressFor("istio-ingress", "gw"), addressFor("istio-ingress", "gw"));
    assert.match(addressFor("istio-ingress", "gw"), /^127\.1\.\d{1,3}\.\d{1,3}$/);
  });

  it("gives different Services different addresses", () => {
    assert.notStrictEqual(addressFor("istio-ingress", "gw"), addressFor("payments", "gw"));
  });
});

describe("rendered against live objects (e2e)", () => {
  const cases: Array<[what: string, rendered: unknown, live: unknown, found: number]> = [
    ["a field the server added", { a: 1 }, { a: 1, b: 2 }, 0],
    ["a field the server lacks", { a: 1, c: 3 }, { a: 1 }, 1],
    ["a changed value", { a: { b: "x" } }, { a: { b: "y" } }, 1],
    ["a list item with defaults added", { l: [{ n: 1 }] }, { l: [{ n: 1, d: true }] }, 0],
    ["a list of another length", { l: [1, 2] }, { l: [1] }, 1],
  ];
  for (const [what, rendered, live, found] of cases) {
    it(`finds ${found} difference${found === 1 ? "" : "s"} for ${what}`, () => {
      assert.strictEqual(differences(rendered, live).length, found);
    });
  }

  it("reads core objects under /api and the rest under /apis", () => {
    assert.strictEqual(apiPath({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } }), "/api/v1/namespaces/x");
    assert.strictEqual(apiPath({ apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: "g", namespace: "n" } }),
      "/apis/networking.istio.io/v1/namespaces/n/gateways/g");
  });
});

describe("the Go program's packages, compiled ahead for the languages suite (tools/cluster/go/go-program)", () => {
  const wrapper = fs.readFileSync(path.join(ROOT, "tools/cluster/go/go-program/go.mod"), "utf8");

  it("asks for the Go SDK at the version the languages suite's program requires (@pulumi/pulumi's)", () => {
    assert.match(wrapper, new RegExp(`^\\s*github\\.com/pulumi/pulumi/sdk/v3 v${lockedVersions().pulumi.replace(/\./g, "\\.")}$`, "m"));
  });

  it("imports the Kubernetes SDK's package of every Kubernetes resource the package schema names (what its Go SDK imports)", async function () {
    this.timeout(60_000); // the schema is read from the component's own provider
    const schema = JSON.stringify(await (require("../../tools/schema/package-schema") as { packageSchema(): Promise<unknown> }).packageSchema());
    const groups = [...new Set([...schema.matchAll(/schema\.json#\/resources\/kubernetes:([a-z0-9.]+)%2F(v[0-9a-z]+):/g)].map((m) => `${m[1]}/${m[2]}`))].sort();
    assert.deepStrictEqual(groups, ["apps/v1", "core/v1"]);
    const main = fs.readFileSync(path.join(ROOT, "tools/cluster/go/go-program/main.go"), "utf8");
    for (const g of groups) assert.ok(main.includes(`"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/${g}"`), g);
  });
});

describe("a cluster with Envoys (up --envoy)", () => {
  it("is refused before anything starts when no istiod runs: each Envoy takes its config from its revision's istiod", async () => {
    const toolchain: Toolchain = { bin: "/nonexistent", istioCrds: "", gatewayApi: "", kwokStages: "", parts: [], deferred: [] };
    const name = `envoy-no-istiod-${process.pid}`;
    await assert.rejects(startCluster({ name, toolchain, envoy: true }), /--envoy needs --istiod/);
    assert.ok(!fs.existsSync(path.join(clustersRoot(), name)), "a cluster folder was made");
  });
});
