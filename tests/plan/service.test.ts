import * as assert from "assert";
import { ServerProtocol } from "../../components/args";
import { planService, serviceDnsName, servicePorts, ValidServer, ValidService } from "../../components/core";

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
});
