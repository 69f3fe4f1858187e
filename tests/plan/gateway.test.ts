import * as assert from "assert";
import { Topology } from "../../components/args";
import { delegatedHosts, planIstioGateway } from "../../components/core";

describe("Istio Gateway resource", () => {
  const cases: Array<[topology: Topology, routeNamespaces: string[], hosts: string[], expected: string[], rule: string]> = [
    ["shared", [], ["shop.example.com"], ["*/shop.example.com"], "a shared gateway with no route namespaces takes routes from any namespace"],
    ["shared", ["shop", "blog"], ["*.example.com"], ["shop/*.example.com", "blog/*.example.com"], "a shared gateway delegates a bare host to each route namespace"],
    ["shared", ["shop"], ["blog/blog.example.com"], ["blog/blog.example.com"], "an explicit namespace/host is kept as written"],
    ["shared", ["shop"], ["a.example.com", "shop/a.example.com"], ["shop/a.example.com"], "duplicates collapse"],
    ["dedicated", [], ["pay.example.com"], ["./pay.example.com"], "a dedicated gateway takes routes from its own namespace only"],
    ["dedicated", [], ["*/pay.example.com"], ["*/pay.example.com"], "a dedicated gateway keeps an explicit delegation"],
  ];
  for (const [topology, routeNamespaces, hosts, expected, rule] of cases) {
    it(rule, () => assert.deepStrictEqual(delegatedHosts(topology, routeNamespaces, hosts), expected));
  }

  const gw = planIstioGateway("istio-ingressgateway", "istio-ingress", "shared", [], [
    { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["*"], tls: { mode: "SIMPLE", credentialName: "cert" } },
  ]);

  it("is a networking.istio.io/v1 Gateway in the gateway's namespace", () => {
    assert.deepStrictEqual([gw.apiVersion, gw.kind, gw.metadata.namespace], ["networking.istio.io/v1", "Gateway", "istio-ingress"]);
  });

  it("selects exactly the gateway labels", () => {
    assert.deepStrictEqual(gw.spec.selector, { app: "istio-ingressgateway", istio: "ingressgateway" });
  });

  it("keeps a TLS server's credentialName", () => {
    assert.deepStrictEqual(gw.spec.servers[0].tls, { mode: "SIMPLE", credentialName: "cert" });
  });
});

describe("Istio Gateway servers", () => {
  const servers = (name?: string) => planIstioGateway("gw", "ns", "dedicated", [], [
    { ...(name !== undefined && { name }), port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["shop.example.com"] },
  ]).spec.servers;
  it("keeps a server's name, which Istio's metrics and istioctl name it by", () => assert.strictEqual(servers("shop")[0].name, "shop"));
  it("writes no name key for a server without one", () => assert.ok(!("name" in servers()[0])));
});
