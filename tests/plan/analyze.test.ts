import * as assert from "assert";
import { analyzeGateway, analyzeNamespace, analyzeStack, Code, planGateway, readinessGate, validateGateway } from "../../components/core";

type Config = Record<string, unknown>;
const https = (extra: Config = {}, tls: Config = {}) =>
  ({ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["shop.example.com"], tls: { mode: "SIMPLE", credentialName: "cert", ...tls }, ...extra });
const http = (extra: Config = {}) => ({ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["shop.example.com"], ...extra });

function codes(config: Config, gateway = "gw"): string[] {
  const where = { stack: "t", gateway };
  const gw = validateGateway(where, { namespace: "ns", replicas: 4, revision: "1-25-1", ...config });
  return analyzeGateway(where, gw, planGateway(gw)).map((f) => f.code);
}

/** Each finding: a configuration that makes it fire, and the nearest correct one, where it stays silent. */
const cases: Array<[code: string, fires: Config, silent: Config]> = [
  [Code.GatewayPortNotDefinedOnService,
    { servers: [https()], service: { ports: [{ name: "http", port: 80 }] } },
    { servers: [https()], service: { ports: [{ name: "https", port: 443 }] } }],
  [Code.ReferencedResourceNotFound,
    { gatewaySelector: { team: "edge" } },
    { gatewaySelector: { team: "edge" }, podLabels: { team: "edge" } }],
  [Code.TlsWithoutCredential,
    { servers: [https({}, { credentialName: undefined })] },
    { servers: [https({}, { mode: "PASSTHROUGH", credentialName: undefined })] }],
  [Code.MutualTlsWithoutCa,
    { servers: [https({}, { mode: "MUTUAL" })] },
    { servers: [https({}, { mode: "MUTUAL", caCertCredentialName: "clients-ca" })] }],
  [Code.HostNotInRouteNamespaces,
    { routeNamespaces: ["shop"], servers: [http({ hosts: ["blog/blog.example.com"] })] },
    { routeNamespaces: ["shop", "blog"], servers: [http({ hosts: ["blog/blog.example.com"] })] }],
  [Code.DuplicateServerHost,
    { servers: [https(), https({ name: "second" }, { credentialName: "other" })] },
    { servers: [https(), https({ port: { number: 443, name: "https-blog", protocol: "HTTPS" }, hosts: ["blog.example.com"] }, { credentialName: "other" })] }], // SNI on 443 stays allowed
  [Code.DuplicatePortName,
    { servers: [http(), http({ port: { number: 8080, name: "http", protocol: "HTTP" } })] },
    { servers: [http(), http({ port: { number: 8080, name: "http-alt", protocol: "HTTP" } })] }],
  [Code.DuplicatePortName, // on one port too: Istio refuses any two servers with one name
    { servers: [https(), https({ hosts: ["blog.example.com"] })] },
    { servers: [https({ port: { number: 443, protocol: "HTTPS" } }), https({ port: { number: 443, protocol: "HTTPS" }, hosts: ["blog.example.com"] })] }],
  [Code.NamespaceDeletedWithStack,
    { createNamespace: true, retainNamespace: false },
    { createNamespace: true }],
  [Code.TargetsWithoutReadinessGate,
    { createNamespace: true, service: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip" } } },
    { createNamespace: true, namespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" }, service: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip" } } }],
  [Code.ConflictingPortProtocols,
    { servers: [https(), http({ port: { number: 443, name: "plain", protocol: "HTTP" }, hosts: ["blog.example.com"] })] },
    { servers: [https(), https({ port: { number: 443, name: "tls", protocol: "TLS" }, hosts: ["db.example.com"] }, { mode: "PASSTHROUGH", credentialName: undefined })] }],
  [Code.CanaryStepsCollapse,
    { canary: { revision: "1-26-0", weight: 0, previousWeight: 0, steps: [10, 25, 50, 100] } },
    { canary: { revision: "1-26-0", weight: 0, previousWeight: 0, steps: [25, 50, 100] } }],
  [Code.CanaryDirectionAssumed,
    { canary: { revision: "1-26-0", weight: 25, steps: [25, 50, 100] } },
    { canary: { revision: "1-26-0", weight: 25, previousWeight: 0, steps: [25, 50, 100] } }],
];

const strip = (c: Config): Config => JSON.parse(JSON.stringify(c)); // drops the undefined keys above

describe("preflight findings", () => {
  for (const [code, fires, silent] of cases) {
    it(`${code} fires on the mistake`, () => assert.ok(codes(strip(fires)).includes(code), JSON.stringify(codes(strip(fires)))));
    it(`${code} stays silent on the correct configuration`, () => assert.ok(!codes(strip(silent)).includes(code), JSON.stringify(codes(strip(silent)))));
  }

  it("finds nothing on the defaults", () => assert.deepStrictEqual(codes({}), []));

  it("DuplicateServerHost shows the hosts as the stack file wrote them, not as delegated", () => {
    const where = { stack: "t", gateway: "gw" };
    const gw = validateGateway(where, { namespace: "ns", routeNamespaces: ["bookinfo"], servers: [http({ hosts: ["*"] }), http({ port: { number: 80, name: "http-2", protocol: "HTTP" }, hosts: ["*"] })] });
    const f = analyzeGateway(where, gw, planGateway(gw)).find((x) => x.code === Code.DuplicateServerHost);
    assert.match(f?.message ?? "", /servers\[1\]\.hosts is \["\*"\]; \[DuplicateServerHost\] servers\[0\] on port 80/);
  });

  it("TargetsWithoutReadinessGate reads an adopted namespace's live labels at preview, not the config's", () => {
    const where = { stack: "t", gateway: "gw" };
    const service = { annotations: { "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip" } };
    const gw = validateGateway(where, { namespace: "ns", service });
    assert.deepStrictEqual(codes({ service }), []);
    assert.deepStrictEqual(readinessGate(where, gw, {}).map((f) => f.code), [Code.TargetsWithoutReadinessGate]);
    assert.deepStrictEqual(readinessGate(where, gw, { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" }), []);
  });

  const stack = (b: Config) => ["a", "b"].map((name, i) => {
    const where = { stack: "t", gateway: name };
    const gw = validateGateway(where, { namespace: "ns", servers: [http()], ...(i === 1 ? b : {}) });
    return { gw, plan: planGateway(gw) };
  });
  it("ConflictingGateways fires on two Gateways with the same selector, port and host", () => {
    const found = analyzeStack("t", stack({ gatewaySelector: { app: "a", istio: "a" }, podLabels: {} }));
    assert.deepStrictEqual(found.map((f) => [f.code, f.message.includes('gateway "a" selects the same pods')]), [[Code.ConflictingGateways, true]]);
  });
  it("ConflictingGateways stays silent when the hosts differ", () => {
    assert.deepStrictEqual(analyzeStack("t", stack({ gatewaySelector: { app: "a", istio: "a" }, servers: [http({ hosts: ["blog.example.com"] })] })), []);
  });
  it("ConflictingGateways stays silent for gateways with their own selectors", () => assert.deepStrictEqual(analyzeStack("t", stack({})), []));

  const ns = (labels: Record<string, string>, revisions: Array<string | undefined> = ["1-25-1", "1-26-0"]) =>
    analyzeNamespace({ stack: "t", gateway: "gw" }, "shop", labels, revisions).map((f) => f.code);
  it("ImageAutoWithoutInjection fires on an adopted namespace with injection disabled", () =>
    assert.deepStrictEqual(ns({ "istio-injection": "disabled" }), [Code.ImageAutoWithoutInjection]));
  it("NamespaceOverridesRevision fires on an adopted namespace with a revision the pods do not all use", () =>
    assert.deepStrictEqual(ns({ "istio.io/rev": "1-25-1" }), [Code.NamespaceOverridesRevision]));
  it("NamespaceOverridesRevision fires on istio-injection=enabled with revisioned pods", () =>
    assert.deepStrictEqual(ns({ "istio-injection": "enabled" }), [Code.NamespaceOverridesRevision]));
  it("namespace checks stay silent on a namespace without injection labels", () => assert.deepStrictEqual(ns({ team: "shop" }), []));
  it("namespace checks stay silent when the namespace's revision is the pods' only one", () =>
    assert.deepStrictEqual(ns({ "istio.io/rev": "1-25-1" }, ["1-25-1"]), []));

  it("names the stack, the gateway, the key, the code and the fix in one line", () => {
    const where = { stack: "prod", gateway: "gw" };
    const gw = validateGateway(where, { namespace: "ns", servers: [https()], service: { ports: [{ name: "http", port: 80 }] } });
    const [f] = analyzeGateway(where, gw, planGateway(gw));
    assert.strictEqual(f.message, 'stack "prod", gateway "gw": servers[0].port.number is 443; [GatewayPortNotDefinedOnService] no port of Service ns/gw '
      + "targets it (targets: 15021, 80); fix: add a port with targetPort 443 to service.ports, or remove service.ports");
  });
});
