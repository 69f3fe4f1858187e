// The README's "Use it from your own program" example, verbatim but for the import (tests/readme.test.ts).
import { IstioGateway } from "../components";

// A shared gateway in the platform team's namespace, delegating *.example.com to two app namespaces.
const ingress = new IstioGateway("istio-ingressgateway", {
  namespace: "istio-ingress",
  createNamespace: true,
  replicas: 10,
  revision: "1-25-1",
  canary: { revision: "1-26-0", weight: 10, previousWeight: 0 },
  routeNamespaces: ["shop", "blog"],
  servers: [
    { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*.example.com"], tls: { httpsRedirect: true } },
    { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["*.example.com"],
      tls: { mode: "SIMPLE", credentialName: "wildcard-example-com" } },
  ],
});

// A dedicated gateway owned by one app; VirtualServices of its own namespace only may bind it.
const payments = new IstioGateway("payments-gateway", {
  namespace: "payments",
  topology: "dedicated",
  replicas: 3,
  revision: "1-25-1",
  servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["pay.example.com"],
    tls: { mode: "SIMPLE", credentialName: "pay-example-com" } }],
});

export const ingressSplit = ingress.split;              // [{ revision: "1-25-1", pods: 9, percent: 90, ... }, { revision: "1-26-0", pods: 1, ... }]
export const ingressAddress = ingress.serviceDnsName;   // "istio-ingressgateway.istio-ingress.svc.cluster.local"
export const paymentsService = payments.service.metadata.name;
