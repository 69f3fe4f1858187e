/**
 * Traffic for real, the pure half (tools/cluster/envoy.ts, load.ts): which pods get an Envoy and from which istiod,
 * the bootstrap, readiness as a kubelet writes it, the endpoints kube-proxy would program, and how the load
 * generator picks, judges and sums. The real Envoys and requests: tests/e2e/traffic.e2e.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import {
  bootstrap, durationSeconds, endpointTable, envoyArgs, gatewayPod, netNames, parseStats, podNet, readinessPatch, readinessVerdict, restartDelaySeconds, revisionOfDiscovery, tokenRequest,
  routableEndpoints, ServiceEndpoint,
} from "../../tools/cluster/envoy";
import { KubeObject } from "../../tools/cluster/kube-api";
import { loadOptions, percentile, pickEndpoint, requestFailed, shareTolerance, summarize, LoadRecord } from "../../tools/cluster/load";
import { kwokConfig } from "../../tools/cluster/stages";

function injected(name: string, opts: { ip?: string; discovery?: string; drain?: string; args?: string[]; image?: string; deleting?: boolean } = {}): KubeObject {
  const config = { discoveryAddress: opts.discovery ?? "istiod-1-25-1.istio-system.svc:15012", ...(opts.drain ? { terminationDrainDuration: opts.drain } : {}) };
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name, namespace: "istio-ingress", uid: `uid-${name}`, labels: { app: "istio-ingressgateway", "istio.io/rev": "1-25-1" }, ...(opts.deleting ? { deletionTimestamp: "2026-12-07T00:00:00Z" } : {}) },
    spec: {
      serviceAccountName: "istio-ingressgateway",
      containers: [{ name: "istio-proxy", image: opts.image ?? "docker.io/istio/proxyv2:1.25.1", args: opts.args ?? ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc.cluster.local"], env: [{ name: "PROXY_CONFIG", value: JSON.stringify(config) }] }],
    },
    status: { ...(opts.ip === "" ? {} : { podIP: opts.ip ?? "10.244.0.5" }), containerStatuses: [{ name: "istio-proxy", ready: false }] },
  };
}

const served = (p: KubeObject) => {
  const g = gatewayPod(p);
  if ("skip" in g) throw new Error(g.skip);
  return g;
};

describe("Envoy harness: which pods get an Envoy, and from which istiod", () => {
  const cases: Array<[string, string, string | undefined]> = [
    ["a revisioned istiod", "istiod-1-25-1.istio-system.svc:15012", "1-25-1"],
    ["the default revision", "istiod.istio-system.svc:15012", "default"],
    ["a fully qualified name", "istiod-1-26-0.istio-system.svc.cluster.local:15012", "1-26-0"],
    ["another namespace's service", "istiod-1-25-1.other.svc:15012", undefined],
    ["no address", "", undefined],
  ];
  for (const [what, address, revision] of cases) {
    it(`reads the revision from the injected discovery address: ${what}`, () => {
      assert.strictEqual(revisionOfDiscovery(address), revision);
    });
  }

  it("serves an injected gateway pod with an IP: its revision, version, drain and labels", () => {
    const g = served(injected("gw-a", { drain: "45s" }));
    assert.deepStrictEqual([g.revision, g.version, g.drainSeconds, g.ip, g.serviceAccount, g.terminating], ["1-25-1", "1.25.1", 45, "10.244.0.5", "istio-ingressgateway", false]);
  });

  it("takes Istio's default drain (5 s) when the pod's proxy config names none", () => {
    assert.strictEqual(served(injected("gw-a")).drainSeconds, 5);
  });

  const skipped: Array<[string, KubeObject, RegExp]> = [
    ["a pod without the proxy (not injected)", { metadata: { name: "x", namespace: "n" }, spec: { containers: [{ name: "app" }] }, status: { podIP: "10.244.0.9" } }, /not an injected gateway/],
    ["a sidecar (proxy sidecar, not router)", injected("s", { args: ["proxy", "sidecar"] }), /not an injected gateway/],
    ["a pod with no IP yet", injected("gw-b", { ip: "" }), /no IP yet/],
    ["a discovery address of no istiod", injected("gw-c", { discovery: "elsewhere:15012" }), /is no istiod's/],
  ];
  for (const [what, pod, why] of skipped) {
    it(`gives no Envoy to ${what}, and says why`, () => {
      const g = gatewayPod(pod);
      assert.ok("skip" in g && why.test(g.skip), JSON.stringify(g));
    });
  }

  it("reads Go durations as Istio writes them, and refuses anything else", () => {
    assert.deepStrictEqual(["45s", "1m30s", "500ms", "2h", "1.5s"].map(durationSeconds), [45, 90, 0.5, 7200, 1.5]);
    assert.deepStrictEqual(["", "45", "s", "45s "].map(durationSeconds), [undefined, undefined, undefined, undefined]);
  });
});

describe("Envoy harness: the bootstrap", () => {
  const pod = served(injected("gw-a"));
  const boot = bootstrap(pod, { xds: { socket: "/c/xds.sock", caFile: "/c/ca.pem", token: "tok" }, admin: "/c/admin.sock" }) as {
    node: { id: string; metadata: Record<string, unknown> }; admin: unknown;
    dynamic_resources: { ads_config: { grpc_services: Array<{ initial_metadata: Array<{ key: string; value: string }> }> } };
    static_resources: { clusters: Array<{ name: string; load_assignment: unknown; transport_socket: { typed_config: { sni: string; common_tls_context: unknown } } }> };
  };

  it("names the node as Istio's agent names a router: router~<ip>~<pod>.<ns>~<ns>.svc.cluster.local", () => {
    assert.strictEqual(boot.node.id, "router~10.244.0.5~gw-a.istio-ingress~istio-ingress.svc.cluster.local");
  });

  it("gives istiod the pod's labels, namespace, name and cluster, which its Gateway selectors match", () => {
    assert.deepStrictEqual([boot.node.metadata.LABELS, boot.node.metadata.NAMESPACE, boot.node.metadata.NAME, boot.node.metadata.CLUSTER_ID],
      [pod.labels, "istio-ingress", "gw-a", "Kubernetes"]);
  });

  it("reaches istiod and serves its admin over the Unix sockets it is given (the namespace has no route to the host)", () => {
    assert.deepStrictEqual(boot.admin, { address: { pipe: { path: "/c/admin.sock" } } });
    assert.deepStrictEqual(boot.static_resources.clusters.map((c) => c.name), ["xds-grpc"]);
    assert.match(JSON.stringify(boot.static_resources.clusters[0].load_assignment), /"pipe":\{"path":"\/c\/xds.sock"\}/);
  });

  it("calls istiod as Istio's agent does: TLS to its secure port, checked against istiod's CA, named as the injected discovery address", () => {
    const tls = boot.static_resources.clusters[0].transport_socket.typed_config;
    assert.deepStrictEqual([tls.sni, tls.common_tls_context], ["istiod-1-25-1.istio-system.svc", { alpn_protocols: ["h2"], validation_context: { trusted_ca: { filename: "/c/ca.pem" } } }]);
  });

  it("carries the pod's token as a bearer token in the ADS call, which istiod checks to serve credentialName secrets", () => {
    assert.deepStrictEqual(boot.dynamic_resources.ads_config.grpc_services[0].initial_metadata,
      [{ key: "authorization", value: "Bearer tok" }, { key: "clusterid", value: "Kubernetes" }]);
    assert.strictEqual(boot.node.metadata.SERVICE_ACCOUNT, pod.serviceAccount);
  });

  it("asks for that token as a kubelet does for Istio's istio-token volume: audience istio-ca, bound to the pod", () => {
    assert.deepStrictEqual(tokenRequest(pod).spec, { audiences: ["istio-ca"], expirationSeconds: 43200, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "gw-a", uid: pod.uid } });
  });

  it("starts an Envoy that exited again after the kubelet's back-off: 10 s, doubled each restart, at most 5 minutes", () => {
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6, 20].map(restartDelaySeconds), [10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it("runs Envoy with the pod's drain time and without hot restart", () => {
    const args = envoyArgs("/c/b.json", { ...pod, drainSeconds: 45 });
    assert.deepStrictEqual([args[args.indexOf("--drain-time-s") + 1], args.includes("--disable-hot-restart"), args[args.indexOf("-c") + 1]], ["45", true, "/c/b.json"]);
  });
});

describe("Envoy harness: names in the kernel", () => {
  it("gives every cluster its own prefix, and every pod a namespace and a link name Linux accepts (15 characters)", () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.uuid(), (dir, uid) => {
      const names = netNames(dir);
      const net = podNet(names, uid);
      return net.netns.startsWith(`${names.prefix}-`) && net.hubLink.length <= 15 && names.hub.startsWith(names.prefix);
    }));
    assert.notStrictEqual(netNames("/tmp/a").prefix, netNames("/tmp/b").prefix);
  });

  it("keys a pod's namespace by its UID, so a new pod handed a freed IP never meets the old one's", () => {
    const names = netNames("/tmp/c");
    assert.notStrictEqual(podNet(names, "uid-1").netns, podNet(names, "uid-2").netns);
  });
});

describe("Envoy harness: Istio's readiness probe on the Envoy's stats (pilot-agent's probe.go)", () => {
  const live = { "cluster_manager.cds.update_success": 1, "listener_manager.lds.update_success": 1, "server.state": 0, "listener_manager.workers_started": 1 };
  const cases: Array<[string, Record<string, number>, boolean, RegExp?]> = [
    ["config accepted, server LIVE, workers started", live, true],
    ["nothing from istiod yet", { ...live, "cluster_manager.cds.update_success": 0, "listener_manager.lds.update_success": 0 }, false, /^config not received from XDS server \(is Istiod running\?\)/],
    ["clusters accepted, listeners refused (an Istio-only filter)", { ...live, "listener_manager.lds.update_success": 0, "listener_manager.lds.update_rejected": 2 }, false, /^config received from XDS server, but was rejected: .*lds updates: 0 successful, 2 rejected/],
    ["clusters accepted, listeners not yet", { ...live, "listener_manager.lds.update_success": 0 }, false, /^config not fully received from XDS server/],
    ["config accepted, server still initializing", { ...live, "server.state": 3 }, false, /server is not live, current state is: INITIALIZING/],
    ["config accepted, LIVE, workers not started", { ...live, "listener_manager.workers_started": 0 }, false, /workers have not yet started/],
  ];
  for (const [what, stats, ready, reason] of cases) {
    it(`${ready ? "passes" : "fails"} with ${what}`, () => {
      const v = readinessVerdict(stats);
      assert.strictEqual(v.ready, ready);
      if (reason) assert.match(v.reason ?? "", reason);
    });
  }

  it("reads Envoy's /stats text", () => {
    assert.deepStrictEqual(parseStats("cluster_manager.cds.update_success: 3\nserver.state: 0\nnot a stat\n"), { "cluster_manager.cds.update_success": 3, "server.state": 0 });
  });
});

describe("Envoy harness: readiness as a kubelet writes it", () => {
  const pod = injected("gw-a");
  it("sets Ready and ContainersReady and the proxy's container status together", () => {
    const patch = readinessPatch(pod, true, new Date("2026-12-07T01:02:03.456Z")) as { status: { conditions: Array<{ type: string; status: string; lastTransitionTime: string }>; containerStatuses: Array<{ ready: boolean }> } };
    assert.deepStrictEqual(patch.status.conditions.map((c) => `${c.type}=${c.status}@${c.lastTransitionTime}`), ["Ready=True@2026-12-07T01:02:03Z", "ContainersReady=True@2026-12-07T01:02:03Z"]);
    assert.deepStrictEqual(patch.status.containerStatuses.map((c) => c.ready), [true]);
  });
  it("says why when the probe fails", () => {
    const patch = readinessPatch(pod, false, new Date()) as { status: { conditions: Array<{ status: string; reason?: string }> } };
    assert.deepStrictEqual(patch.status.conditions.map((c) => [c.status, c.reason]), [["False", "ContainersNotReady"], ["False", "ContainersNotReady"]]);
  });
});

describe("Envoy harness: the endpoints kube-proxy would program", () => {
  const service: KubeObject = { metadata: { name: "gw", namespace: "istio-ingress" }, spec: { ports: [{ name: "http", port: 80 }, { name: "https", port: 443 }] } };
  const slice = (endpoints: unknown[]): KubeObject => ({ metadata: { name: "gw-x", namespace: "istio-ingress", labels: { "kubernetes.io/service-name": "gw" } }, ports: [{ name: "http", port: 8080 }, { name: "https", port: 8443 }], endpoints });
  const pods: KubeObject[] = [
    { metadata: { name: "p1", namespace: "istio-ingress", labels: { "istio.io/rev": "1-25-1" } } },
    { metadata: { name: "p2", namespace: "istio-ingress", labels: { "istio.io/rev": "1-26-0" } } },
  ];

  it("maps each Service port to the slice port of the same name, and each endpoint to its pod's revision", () => {
    const table = endpointTable([service], [slice([{ addresses: ["10.244.0.7"], conditions: { ready: true }, targetRef: { kind: "Pod", name: "p2" } }])], pods);
    assert.deepStrictEqual(table["istio-ingress/gw"], [{ ip: "10.244.0.7", ports: { 80: 8080, 443: 8443 }, pod: "p2", revision: "1-26-0", ready: true, serving: true, terminating: false }]);
  });

  it("reads a slice of another Service, or another namespace, as none of this one's", () => {
    const other = { ...slice([{ addresses: ["10.244.0.8"] }]), metadata: { name: "o", namespace: "istio-ingress", labels: { "kubernetes.io/service-name": "other" } } };
    const elsewhere = { ...slice([{ addresses: ["10.244.0.9"] }]), metadata: { name: "e", namespace: "apps", labels: { "kubernetes.io/service-name": "gw" } } };
    assert.deepStrictEqual(endpointTable([service], [other, elsewhere], pods)["istio-ingress/gw"], []);
  });

  const ep = (ip: string, ready: boolean, serving: boolean, terminating: boolean): ServiceEndpoint => ({ ip, ports: { 80: 8080 }, ready, serving, terminating });
  it("sends new connections to ready endpoints only, while any is ready", () => {
    assert.deepStrictEqual(routableEndpoints([ep("a", true, true, false), ep("b", false, true, true), ep("c", false, false, false)]).map((e) => e.ip), ["a"]);
  });
  it("falls back to serving terminating endpoints when none is ready (ProxyTerminatingEndpoints)", () => {
    assert.deepStrictEqual(routableEndpoints([ep("b", false, true, true), ep("c", false, false, false)]).map((e) => e.ip), ["b"]);
  });
});

describe("kwok stages with the Envoy harness", () => {
  const stage = "apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: pod-ready\nspec:\n  resourceRef:\n    kind: Pod\n  selector:\n    matchExpressions:\n    - key: '.status.phase'\n      operator: 'In'\n      values:\n      - 'Pending'\n"
    + "  next:\n    statusTemplate: |\n      conditions:\n      - status: \"True\"\n        type: Ready\n      - status: \"True\"\n        type: ContainersReady\n      containerStatuses:\n      - name: istio-proxy\n        ready: true\n      phase: Running";
  function config(revisions: Parameters<typeof kwokConfig>[3]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kwok-"));
    for (const f of ["node/fast/node-initialize", "node/heartbeat/node-heartbeat", "pod/fast/pod-ready", "pod/fast/pod-complete", "pod/fast/pod-delete"]) {
      fs.mkdirSync(path.join(dir, "kustomize/stage", path.dirname(f)), { recursive: true });
      fs.writeFileSync(path.join(dir, "kustomize/stage", `${f}.yaml`), stage.replace("pod-ready", path.basename(f)));
    }
    try {
      return parseAllDocuments(kwokConfig(dir, 700, "", revisions)).map((d) => d.toJS());
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  }

  it("leaves every gateway pod (istio.io/rev) Running and unready for its Envoy to ready, and readies every other pod", () => {
    const docs = config({ envoy: true });
    const ready = docs.find((d) => d.metadata.name === "pod-ready");
    const unready = docs.find((d) => d.metadata.name === "pod-running-unready");
    assert.deepStrictEqual(ready.spec.selector.matchExpressions[0], { key: '.metadata.labels["istio.io/rev"]', operator: "DoesNotExist" });
    assert.deepStrictEqual(unready.spec.selector.matchExpressions[0], { key: '.metadata.labels["istio.io/rev"]', operator: "Exists" });
    assert.match(unready.spec.next.statusTemplate, /status: "False"\n\s+type: Ready/);
  });

  it("refuses never-ready or slow revisions beside it: the Envoys decide readiness", () => {
    assert.throws(() => config({ envoy: true, neverReady: ["1-26-0"] }), /the Envoys decide readiness/);
  });
});

describe("load generator: picking, judging and summing", () => {
  const table = { "ns/gw": [
    { ip: "10.244.0.2", ports: { 80: 8080 }, ready: true, serving: true, terminating: false },
    { ip: "10.244.0.3", ports: { 80: 8080 }, ready: false, serving: false, terminating: false },
    { ip: "10.244.0.4", ports: { 80: 8080 }, ready: true, serving: true, terminating: false },
  ] };

  it("goes round the ready endpoints in turn, as kube-proxy spreads new connections", () => {
    assert.deepStrictEqual([0, 1, 2, 3].map((n) => pickEndpoint(table, "ns/gw", n)?.ip), ["10.244.0.2", "10.244.0.4", "10.244.0.2", "10.244.0.4"]);
  });

  it("has no endpoint for a Service with none ready, or one it does not know", () => {
    assert.strictEqual(pickEndpoint({ "ns/gw": [table["ns/gw"][1]] }, "ns/gw", 0), undefined);
    assert.strictEqual(pickEndpoint(table, "ns/other", 0), undefined);
  });

  const record = (over: Partial<LoadRecord>): LoadRecord => ({ t: 1000, ms: 3, ip: "10.244.0.2", pod: "p", revision: "1-25-1", status: 200, via: "10.244.0.2", ...over });
  const failures: Array<[string, Partial<LoadRecord>, boolean]> = [
    ["a 200 that came through the pod it was sent to", {}, false],
    ["no answer", { status: undefined, error: "ECONNREFUSED" }, true],
    ["a 503", { status: 503 }, true],
    ["a 404 (no route bound)", { status: 404 }, true],
    ["a 200 that came through another pod", { via: "10.244.0.9" }, true],
  ];
  for (const [what, over, failed] of failures) {
    it(`counts ${what} as ${failed ? "failed" : "served"}`, () => {
      assert.strictEqual(requestFailed(record(over)), failed);
    });
  }

  it("sums a window: sent, failed, the split by revision of what was served, and latency", () => {
    const records = [record({ t: 1, ms: 10 }), record({ t: 2, ms: 20, revision: "1-26-0" }), record({ t: 3, status: 503 }), record({ t: 9, ms: 99 })];
    const s = summarize(records, 0, 5);
    assert.deepStrictEqual([s.sent, s.failed, s.byRevision, s.p99Ms], [3, 1, { "1-25-1": 1, "1-26-0": 1 }, 20]);
    assert.match(s.examples[0], /status 503/);
  });

  it("takes nearest-rank percentiles", () => {
    assert.deepStrictEqual([percentile([], 99), percentile([5], 99), percentile([1, 2, 3, 4], 50), percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)], [0, 5, 2, 99]);
  });

  it("allows a revision's share to stray by four standard deviations of the binomial, never below one request", () => {
    assert.ok(Math.abs(shareTolerance(0.25, 400) - 4 * Math.sqrt(0.25 * 0.75 / 400)) < 1e-12);
    assert.strictEqual(shareTolerance(0, 50), 1 / 50);
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 100000 }), (p, n) => shareTolerance(p, n) >= 1 / n));
  });

  it("reads its options from the flags, with defaults", () => {
    assert.deepStrictEqual(loadOptions({ service: "istio-ingress/gw" }), { service: "istio-ingress/gw", port: 80, rps: 20, seconds: 10, requests: undefined, host: "echo.local", path: "/" });
  });

  it("speaks HTTPS to port 443 with --ca, the CA's path made absolute for the generator's process", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "load-ca-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), "");
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      const o = loadOptions({ service: "istio-ingress/gw", ca: "ca.pem", host: "shop.example.com" });
      assert.deepStrictEqual([o.port, o.ca, o.host], [443, path.join(fs.realpathSync(dir), "ca.pem"), "shop.example.com"]);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true });
    }
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{}, /load needs --service <namespace>\/<name>; e\.g\./],
    [{ service: "gw" }, /not "gw"/],
    [{ service: "ns/gw", rps: "0" }, /--rps is "0"; give a number above 0/],
    [{ service: "ns/gw", seconds: "soon" }, /--seconds is "soon"/],
    [{ service: "ns/gw", ca: "/no/such/ca.pem" }, /--ca \/no\/such\/ca\.pem: no such file; give the PEM file of the CA/],
  ];
  for (const [flags, message] of bad) {
    it(`refuses ${JSON.stringify(flags)} in one line`, () => {
      assert.throws(() => loadOptions(flags), message);
    });
  }
});


