import * as assert from "assert";
import fc from "fast-check";
import { analyzeGateway, ConfigError, errorsOf, objectsOf, planGateway, validateGateway } from "../../components/core";
import { Manifest } from "../../tools/engine/manifest";
import { gatewayApiConfig } from "../support/arbitrary";
import { expectedFrom, violations } from "../support/invariants";
import { schemaErrors } from "../support/schema";

const where = { stack: "test", gateway: "edge" };
const plan = (config: Record<string, unknown>) => planGateway(validateGateway(where, { namespace: "istio-ingress", routingApi: "gateway-api", ...config }));
const listeners = (config: Record<string, unknown>) => plan(config).kubernetesGateway?.spec.listeners;
const server = (protocol: string, number: number, hosts: string[], tls?: Record<string, unknown>, name?: string) =>
  ({ port: { number, protocol, ...(name && { name }) }, hosts, ...(tls && { tls }) });

describe("Gateway API Gateway (routingApi gateway-api or both)", () => {
  it("binds to the gateway's Service by its DNS name, with Istio's class", () => {
    const gw = plan({}).kubernetesGateway;
    assert.deepStrictEqual(gw?.spec.addresses, [{ type: "Hostname", value: "edge.istio-ingress.svc.cluster.local" }]);
    assert.strictEqual(gw?.spec.gatewayClassName, "istio");
    assert.deepStrictEqual(gw?.metadata, { name: "edge", namespace: "istio-ingress", labels: gw?.metadata.labels, annotations: { "pulumi.com/patchForce": "true" } });
  });

  it("takes another class when told", () => assert.strictEqual(plan({ gatewayClassName: "istio-internal" }).kubernetesGateway?.spec.gatewayClassName, "istio-internal"));

  it("makes only the Gateway API Gateway with gateway-api, both with both, only Istio's by default", () => {
    const kinds = (routingApi?: string) => objectsOf(plan(routingApi ? { routingApi } : { routingApi: undefined })).filter((o) => o.kind === "Gateway").map((o) => o.apiVersion);
    assert.deepStrictEqual(kinds("gateway-api"), ["gateway.networking.k8s.io/v1"]);
    assert.deepStrictEqual(kinds("both"), ["networking.istio.io/v1", "gateway.networking.k8s.io/v1"]);
    assert.deepStrictEqual(kinds(), ["networking.istio.io/v1"]);
  });

  it("gives HTTPRoutes their parentRefs, and VirtualServices a gatewayRef only where an Istio Gateway exists", () => {
    const ref = [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", namespace: "istio-ingress" }];
    assert.deepStrictEqual([plan({}).parentRefs, plan({}).gatewayRef], [ref, undefined]);
    assert.deepStrictEqual([plan({ routingApi: "both" }).parentRefs, plan({ routingApi: "both" }).gatewayRef], [ref, "istio-ingress/edge"]);
    assert.deepStrictEqual([plan({ routingApi: "istio" }).parentRefs, plan({ routingApi: "istio" }).gatewayRef], [undefined, "istio-ingress/edge"]);
  });

  describe("listeners from servers", () => {
    const selector = (...values: string[]) => ({ namespaces: { from: "Selector", selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values }] } } });
    const cases: Array<{ rule: string; config: Record<string, unknown>; expect: unknown }> = [
      { rule: "the default server: HTTP on 80, no hostname (every host), routes from every namespace",
        config: {}, expect: [{ name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "a shared gateway takes routes from its routeNamespaces",
        config: { routeNamespaces: ["shop", "pay"], servers: [server("HTTP", 80, ["shop.example.com"])] },
        expect: [{ name: "http-80", port: 80, protocol: "HTTP", hostname: "shop.example.com", allowedRoutes: selector("shop", "pay") }] },
      { rule: "a dedicated gateway takes routes from its own namespace only",
        config: { topology: "dedicated", servers: [server("HTTP", 80, ["shop.example.com"])] },
        expect: [{ name: "http-80", port: 80, protocol: "HTTP", hostname: "shop.example.com", allowedRoutes: { namespaces: { from: "Same" } } }] },
      { rule: "one listener per host; the first keeps the port name, the next add -2, -3",
        config: { servers: [server("HTTP", 80, ["shop/a.example.com", "./b.example.com", "*/c.example.com"], undefined, "web")] },
        expect: [
          { name: "web", port: 80, protocol: "HTTP", hostname: "a.example.com", allowedRoutes: selector("shop") },
          { name: "web-2", port: 80, protocol: "HTTP", hostname: "b.example.com", allowedRoutes: { namespaces: { from: "Same" } } },
          { name: "web-3", port: 80, protocol: "HTTP", hostname: "c.example.com", allowedRoutes: { namespaces: { from: "All" } } },
        ] },
      { rule: "a host delegated to several namespaces is one listener for all of them (the gateway's own named, not '.')",
        config: { servers: [server("HTTP", 80, ["a/x.example.com", "b/x.example.com", "./x.example.com"])] },
        expect: [{ name: "http-80", port: 80, protocol: "HTTP", hostname: "x.example.com", allowedRoutes: selector("a", "b", "istio-ingress") }] },
      { rule: "SIMPLE terminates with the credential as a Secret reference",
        config: { servers: [server("HTTPS", 443, ["*.example.com"], { mode: "SIMPLE", credentialName: "wildcard-cert" })] },
        expect: [{ name: "https-443", port: 443, protocol: "HTTPS", hostname: "*.example.com", tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "wildcard-cert" }] }, allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "two credentials (RSA and ECDSA) are two references",
        config: { servers: [server("HTTPS", 443, ["*"], { mode: "SIMPLE", credentialNames: ["rsa", "ecdsa"] })] },
        expect: [{ name: "https-443", port: 443, protocol: "HTTPS", tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "rsa" }, { group: "", kind: "Secret", name: "ecdsa" }] }, allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "MUTUAL is Terminate with Istio's terminate-mode option; cipher suites go in Istio's option too",
        config: { servers: [server("HTTPS", 443, ["*"], { mode: "MUTUAL", credentialName: "cert", cipherSuites: ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"] })] },
        expect: [{ name: "https-443", port: 443, protocol: "HTTPS", tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "cert" }],
          options: { "gateway.istio.io/tls-terminate-mode": "MUTUAL", "gateway.istio.io/tls-cipher-suites": "ECDHE-RSA-AES128-GCM-SHA256,ECDHE-RSA-AES256-GCM-SHA384" } }, allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "ISTIO_MUTUAL needs no certificate: the option alone",
        config: { servers: [server("TLS", 15443, ["*"], { mode: "ISTIO_MUTUAL" })] },
        expect: [{ name: "tls-15443", port: 15443, protocol: "TLS", tls: { mode: "Terminate", options: { "gateway.istio.io/tls-terminate-mode": "ISTIO_MUTUAL" } }, allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "PASSTHROUGH on a TLS server is a Passthrough listener (for TLSRoutes)",
        config: { servers: [server("TLS", 443, ["db.example.com"], { mode: "PASSTHROUGH" })] },
        expect: [{ name: "tls-443", port: 443, protocol: "TLS", hostname: "db.example.com", tls: { mode: "Passthrough" }, allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "a TLS server without a mode is Istio's PASSTHROUGH, spelled out: the CRD wants a mode on every TLS listener",
        config: { servers: [server("TLS", 443, ["db.example.com"], {})] },
        expect: [{ name: "tls-443", port: 443, protocol: "TLS", hostname: "db.example.com", tls: { mode: "Passthrough" }, allowedRoutes: { namespaces: { from: "All" } } }] },
      { rule: "a TCP listener has no hostname, whatever namespace the host names",
        config: { servers: [server("TCP", 5432, ["db/*"])] },
        expect: [{ name: "tcp-5432", port: 5432, protocol: "TCP", allowedRoutes: selector("db") }] },
      { rule: "the listener's port is the Service port that targets the server's port (Istio resolves it back)",
        config: { servers: [server("HTTP", 8080, ["*"])], service: { ports: [{ name: "http2", port: 80, targetPort: 8080 }] } },
        expect: [{ name: "http-8080", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } }] },
    ];
    for (const c of cases) it(c.rule, () => assert.deepStrictEqual(listeners(c.config), c.expect));
  });

  describe("refuses what a listener cannot spell, naming the key", () => {
    const cases: Array<{ rule: string; config: Record<string, unknown>; key: string }> = [
      { rule: "an unknown routing API", config: { routingApi: "gateway" }, key: "routingApi" },
      { rule: "a class without a Gateway API Gateway", config: { routingApi: "istio", gatewayClassName: "istio" }, key: "gatewayClassName" },
      { rule: "a class that is no object name", config: { gatewayClassName: "Istio" }, key: "gatewayClassName" },
      { rule: "an east-west gateway (AUTO_PASSTHROUGH)", config: { mode: "east-west", network: "n1" }, key: "routingApi" },
      { rule: "a selector with no Istio Gateway to shape", config: { gatewaySelector: { team: "edge" } }, key: "gatewaySelector" },
      { rule: "HTTP2", config: { servers: [server("HTTP2", 80, ["*"])] }, key: "servers[0].port.protocol" },
      { rule: "GRPC", config: { servers: [server("GRPC", 80, ["*"])] }, key: "servers[0].port.protocol" },
      { rule: "MONGO", config: { servers: [server("MONGO", 27017, ["*"])] }, key: "servers[0].port.protocol" },
      { rule: "a hostname on TCP", config: { servers: [server("TCP", 5432, ["db.example.com"])] }, key: "servers[0].hosts[0]" },
      { rule: "an IP address as host", config: { servers: [server("HTTP", 80, ["10.0.0.1"])] }, key: "servers[0].hosts[0]" },
      { rule: "an upper-case host (Istio takes it, the Gateway API does not)", config: { servers: [server("HTTP", 80, ["Shop.example.com"])] }, key: "servers[0].hosts[0]" },
      { rule: "a trailing dot", config: { servers: [server("HTTP", 80, ["shop.example.com."])] }, key: "servers[0].hosts[0]" },
      { rule: "httpsRedirect (a route's filter in the Gateway API)", config: { servers: [server("HTTP", 80, ["*"], { httpsRedirect: true })] }, key: "servers[0].tls.httpsRedirect" },
      { rule: "tls on an HTTP server (the CRD takes none on HTTP listeners; Istio refuses it on TCP)", config: { servers: [server("HTTP", 80, ["*"], { mode: "PASSTHROUGH" })] }, key: "servers[0].tls" },
      { rule: "AUTO_PASSTHROUGH", config: { servers: [server("TLS", 15443, ["*.local"], { mode: "AUTO_PASSTHROUGH" })] }, key: "servers[0].tls.mode" },
      { rule: "PASSTHROUGH on HTTPS", config: { servers: [server("HTTPS", 443, ["*"], { mode: "PASSTHROUGH" })] }, key: "servers[0].port.protocol" },
      ...["minProtocolVersion", "maxProtocolVersion", "subjectAltNames", "caCertificates", "caCertCredentialName"].map((k) => ({
        rule: `tls.${k}`, key: `servers[0].tls.${k}`,
        config: { servers: [server("HTTPS", 443, ["*"], { mode: "MUTUAL", credentialName: "c", [k]: k === "subjectAltNames" ? ["spiffe://x"] : k.endsWith("Version") ? "TLSV1_3" : k === "caCertificates" ? "/etc/ca.pem" : "ca" })] },
      })),
    ];
    for (const c of cases) {
      it(c.rule, () => assert.throws(() => plan(c.config), (e: ConfigError) => {
        assert.strictEqual(e.key, c.key, e.message);
        assert.match(e.message, /^stack "test", gateway "edge": /);
        return true;
      }));
    }
    it("accepts the same servers with routingApi istio", () => {
      for (const c of cases.filter((x) => x.key.startsWith("servers"))) {
        assert.doesNotThrow(() => planGateway(validateGateway(where, { namespace: "istio-ingress", ...c.config, routingApi: "istio" })), c.rule);
      }
    });
  });

  describe("preflight findings on the listeners", () => {
    const codes = (config: Record<string, unknown>) => {
      const gw = validateGateway(where, { namespace: "istio-ingress", routingApi: "gateway-api", ...config });
      return errorsOf(analyzeGateway(where, gw, planGateway(gw))).map((f) => `${f.code} ${f.key}`);
    };
    it("DuplicateListener: one host on one port, delegated to two namespaces by two servers", () => {
      assert.deepStrictEqual(codes({ servers: [server("HTTP", 80, ["a/x.example.com"]), server("HTTP", 80, ["b/x.example.com"], undefined, "http-b")] }), ["DuplicateListener servers[1].hosts"]);
    });
    it("DuplicateListenerName: a port name that a second host's listener already took", () => {
      assert.deepStrictEqual(codes({ servers: [server("HTTP", 80, ["a.example.com", "b.example.com"], undefined, "web"), server("HTTP", 8080, ["*"], undefined, "web-2")] }),
        ["DuplicateListenerName servers[1].port.name"]);
    });
    it("GatewayPortNotDefinedOnService when no Service port targets the server's port", () => {
      assert.deepStrictEqual(codes({ servers: [server("HTTP", 8080, ["*"])], service: { ports: [{ name: "http2", port: 80, targetPort: 9090 }] } }), ["GatewayPortNotDefinedOnService servers[0].port.number"]);
    });
    it("none of them with routingApi istio, where those servers are fine", () => {
      const gw = validateGateway(where, { namespace: "istio-ingress", servers: [server("HTTP", 80, ["a/x.example.com"]), server("HTTP", 80, ["b/x.example.com"], undefined, "http-b")] });
      assert.deepStrictEqual(errorsOf(analyzeGateway(where, gw, planGateway(gw))), []);
    });
  });

  describe("for any valid configuration", () => {
    const planned = (config: Record<string, unknown>) => planGateway(validateGateway({ stack: "test", gateway: "istio-ingressgateway" }, config));

    it("holds every invariant, with no preflight error", () => {
      fc.assert(fc.property(gatewayApiConfig, (config) => {
        const p = planned(config);
        const gw = validateGateway({ stack: "test", gateway: "istio-ingressgateway" }, config);
        assert.deepStrictEqual(errorsOf(analyzeGateway({ stack: "test", gateway: "istio-ingressgateway" }, gw, p)).map((f) => f.message), [], JSON.stringify(config));
        assert.deepStrictEqual(violations(objectsOf(p) as unknown as Manifest[], expectedFrom({ "istio-ingressgateway": config })), [], JSON.stringify(config));
      }), { numRuns: 300 });
    });

    it("passes the Gateway API schema (@kubernetes-models/gateway-api)", () => {
      fc.assert(fc.property(gatewayApiConfig, (config) => {
        assert.deepStrictEqual(schemaErrors(objectsOf(planned(config)) as unknown as Manifest[]), [], JSON.stringify(config));
      }), { numRuns: 100 });
    });

    // The Gateway CRD's own CEL rules on listeners (sigs.k8s.io/gateway-api apis/v1/gateway_types.go), which
    // @kubernetes-models' JSON schema does not carry: the API server refuses a Gateway that breaks one.
    it("keeps the Gateway CRD's listener rules: a mode on every TLS listener, Terminate on HTTPS, no tls on HTTP or TCP", () => {
      fc.assert(fc.property(gatewayApiConfig, (config) => {
        for (const l of planned(config).kubernetesGateway?.spec.listeners ?? []) {
          if (l.protocol === "TLS") assert.ok(l.tls?.mode === "Passthrough" || l.tls?.mode === "Terminate", `TLS listener ${l.name} has no mode: ${JSON.stringify(config)}`);
          if (l.protocol === "HTTPS") assert.strictEqual(l.tls?.mode, "Terminate", JSON.stringify(config));
          if (l.protocol === "HTTP" || l.protocol === "TCP") assert.strictEqual(l.tls, undefined, JSON.stringify(config));
        }
      }), { numRuns: 300 });
    });

    it("gives every server host a listener on its Service port, protocol and hostname", () => {
      fc.assert(fc.property(gatewayApiConfig, (config) => {
        const p = planned(config);
        for (const s of validateGateway({ stack: "test", gateway: "istio-ingressgateway" }, config).servers) {
          const port = p.service.spec.ports.find((x) => x.targetPort === s.port.number)?.port;
          for (const h of s.hosts.map((x) => x.split("/").pop())) {
            const hostname = h === "*" || s.port.protocol === "TCP" ? undefined : h;
            assert.ok(p.kubernetesGateway?.spec.listeners.some((l) => l.port === port && l.protocol === s.port.protocol && l.hostname === hostname), `${JSON.stringify(s)} ${h}`);
          }
        }
      }), { numRuns: 200 });
    });

    it("changes only the routing resource: pods, Services and budgets are the same as with routingApi istio", () => {
      fc.assert(fc.property(gatewayApiConfig, (config) => {
        const rest = (routingApi: string) => objectsOf(planned({ ...config, routingApi })).filter((o) => o.kind !== "Gateway");
        assert.deepStrictEqual(rest(config.routingApi as string), rest("istio"));
      }), { numRuns: 200 });
    });
  });
});

describe("Gateway API listeners, host by host", () => {
  const names = (ls: ReturnType<typeof listeners>) => (ls ?? []).map((l) => [l.name, l.hostname ?? "*", l.allowedRoutes.namespaces]);

  it("makes one listener per host, whatever namespaces delegate it, named <port name> then <port name>-2, -3…", () => {
    const ls = listeners({ topology: "shared", servers: [server("HTTP", 80, ["a/shop.example.com", "b/shop.example.com", "a/blog.example.com"], undefined, "web")] });
    assert.deepStrictEqual(names(ls), [
      ["web", "shop.example.com", { from: "Selector", selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["a", "b"] }] } }],
      ["web-2", "blog.example.com", { from: "Selector", selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["a"] }] } }],
    ]);
  });

  it("gives an HTTP listener its host", () => {
    assert.deepStrictEqual(listeners({ servers: [server("HTTP", 80, ["shop.example.com"], undefined, "web")] })?.map((l) => l.hostname), ["shop.example.com"]);
  });

  const modeOption = (mode: string) => listeners({ servers: [server("HTTPS", 443, ["shop.example.com"], { mode, credentialName: "cert" }, "https")] })?.[0].tls?.options;
  it("names no terminate mode for SIMPLE, the Gateway API's own Terminate", () => assert.ok(!Object.keys(modeOption("SIMPLE") ?? {}).includes("gateway.istio.io/tls-terminate-mode")));
  it("names Istio's terminate mode option for MUTUAL", () => assert.strictEqual(modeOption("MUTUAL")?.["gateway.istio.io/tls-terminate-mode"], "MUTUAL"));
});
