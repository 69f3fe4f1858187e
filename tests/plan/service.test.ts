import * as assert from "assert";
import { ServerProtocol } from "../../components/args";
import { planService, planTrackService, portsFor, serviceDnsName, servicePorts, ServicePort, ValidServer, ValidService } from "../../components/core";

const svc = (type: ValidService["type"]): ValidService => ({ type, extraPorts: [], annotations: {}, labels: {} });

function server(number: number, protocol: ServerProtocol, hosts = ["*"]): ValidServer {
  return { port: { number, name: `p-${number}`, protocol }, hosts };
}

describe("gateway Service", () => {
  it("always exposes the status port 15021 first", () => {
    assert.deepStrictEqual(servicePorts([server(80, "HTTP")])[0], { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP", appProtocol: "http" });
  });

  const names: Array<[number, ServerProtocol, string]> = [
    [80, "HTTP", "http2"], // the chart's name
    [443, "HTTPS", "https"], // the chart's name
    [8080, "HTTP", "http2-8080"],
    [8443, "HTTPS", "https-8443"],
    [15443, "TLS", "tls"], // Istio's east-west gateway names it so
    [9000, "TCP", "tcp-9000"],
    [50051, "GRPC", "grpc-50051"],
    [80, "TCP", "tcp-80"], // the chart's short names belong to its protocols on its ports, not to any port 80
    [443, "TLS", "tls-443"],
    [15443, "HTTPS", "https-15443"],
  ];
  for (const [port, protocol, name] of names) {
    it(`names port ${port} (${protocol}) "${name}", targeting ${port}`, () => {
      const p = servicePorts([server(port, protocol)])[1];
      assert.deepStrictEqual(p, { name, port, targetPort: port, protocol: "TCP" });
    });
  }

  it("exposes a port once however many servers share it (SNI on 443)", () => {
    const ports = servicePorts([server(443, "HTTPS", ["a.example.com"]), server(443, "HTTPS", ["b.example.com"]), server(80, "HTTP")]);
    assert.deepStrictEqual(ports.map((p) => p.targetPort), [15021, 443, 80]);
  });

  it("selects exactly the gateway labels, never a track", () => {
    const service = planService("istio-ingressgateway", "istio-ingress", svc("LoadBalancer"), servicePorts([server(80, "HTTP")]));
    assert.deepStrictEqual(service.spec.selector, { app: "istio-ingressgateway", istio: "ingressgateway" });
  });

  it("keeps the Service type asked for", () => {
    for (const type of ["LoadBalancer", "NodePort", "ClusterIP"] as const) {
      assert.strictEqual(planService("gw", "ns", svc(type), servicePorts([server(80, "HTTP")])).spec.type, type);
    }
  });

  it("names its in-cluster DNS name after the gateway and namespace", () => {
    assert.strictEqual(serviceDnsName("istio-ingressgateway", "istio-ingress"), "istio-ingressgateway.istio-ingress.svc.cluster.local");
  });

  it("takes the ports given instead of the servers', after the status port", () => {
    const given: ServicePort[] = [{ name: "http2", port: 80, targetPort: 8080, protocol: "TCP" }];
    assert.deepStrictEqual(portsFor([server(443, "HTTPS")], given).map((p) => p.name), ["status-port", "http2"]);
  });

  it("adds an extra port unless one of that name or that number is there", () => {
    const extra: ServicePort[] = [
      { name: "tls", port: 15443, targetPort: 15443, protocol: "TCP" }, // new: added
      { name: "http2", port: 8080, targetPort: 8080, protocol: "TCP" }, // its name is taken
      { name: "web", port: 80, targetPort: 80, protocol: "TCP" }, // its number is taken
    ];
    assert.deepStrictEqual(portsFor([server(80, "HTTP")], undefined, extra).map((p) => `${p.name}:${p.port}`), ["status-port:15021", "http2:80", "tls:15443"]);
  });

  it("copies the settings set, and only those", () => {
    const s: ValidService = { ...svc("LoadBalancer"), externalTrafficPolicy: "Local", loadBalancerSourceRanges: ["10.0.0.0/8"] };
    const spec = planService("gw", "ns", s, servicePorts([server(80, "HTTP")])).spec;
    assert.deepStrictEqual(Object.keys(spec).sort(), ["externalTrafficPolicy", "loadBalancerSourceRanges", "ports", "selector", "type"]);
  });

  it("carries no annotations key without annotations, and the annotations given otherwise", () => {
    const ports = servicePorts([server(80, "HTTP")]);
    assert.ok(!("annotations" in planService("gw", "ns", svc("LoadBalancer"), ports).metadata));
    assert.deepStrictEqual(planService("gw", "ns", { ...svc("LoadBalancer"), annotations: { a: "1" } }, ports).metadata.annotations, { a: "1" });
  });

  // Only one Service can hold a fixed address: each revision's own Service (external traffic shifting) gets its own.
  const fixedAddresses = [
    "service.beta.kubernetes.io/aws-load-balancer-eip-allocations",
    "service.beta.kubernetes.io/aws-load-balancer-private-ipv4-addresses",
    "service.beta.kubernetes.io/aws-load-balancer-ipv6-addresses",
    "networking.gke.io/load-balancer-ip-addresses",
    "service.beta.kubernetes.io/azure-load-balancer-ipv4",
    "service.beta.kubernetes.io/azure-load-balancer-ipv6",
    "service.beta.kubernetes.io/azure-pip-name",
    "service.beta.kubernetes.io/azure-pip-prefix-id",
    "metallb.universe.tf/loadBalancerIPs",
    "metallb.io/loadBalancerIPs",
    "kube-vip.io/loadbalancerIPs",
  ];
  for (const annotation of fixedAddresses) {
    it(`a revision's own Service leaves the shared Service's fixed address ${annotation}, and keeps the rest`, () => {
      const shared = { ...svc("LoadBalancer"), annotations: { [annotation]: "x", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } };
      const own = planTrackService("gw", "ns", "1-26-0", shared, servicePorts([server(80, "HTTP")]));
      assert.deepStrictEqual(own.metadata.annotations, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" });
    });
  }
});

