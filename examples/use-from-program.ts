// The README's "Use it from your own program" example, verbatim but for the import (tests/readme.test.ts).
import * as k8s from "@pulumi/kubernetes";
import { IstioGateway } from "../components";

// A shared gateway in the platform team's namespace, delegating *.example.com to two app namespaces, with a
// canary: 10% of its pods run Istio 1.26 (move it with `weight`, one `pulumi up` per step).
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
  service: { type: "LoadBalancer", annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } },
  servers: [{ port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["pay.example.com"],
    tls: { mode: "SIMPLE", credentialName: "pay-example-com" } }],
});

// An app's route binds to the gateway by its reference, once the gateway exists.
new k8s.apiextensions.CustomResource("shop-routes", {
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name: "shop", namespace: "shop" },
  spec: {
    hosts: ["shop.example.com"],
    gateways: [ingress.gatewayRef],
    http: [{ route: [{ destination: { host: "storefront.shop.svc.cluster.local", port: { number: 8080 } } }] }],
  },
}, { dependsOn: [ingress] });

export const ingressSplit = ingress.split;              // [{ revision: "1-25-1", role: "stable", pods: 9, percent: 90, ... }, { revision: "1-26-0", role: "canary", pods: 1, ... }]
export const ingressAddress = ingress.serviceDnsName;   // "istio-ingressgateway.istio-ingress.svc.cluster.local"
export const ingressRef = ingress.gatewayRef;           // "istio-ingress/istio-ingressgateway"
export const canaryDeployment = ingress.deployments["1-26-0"].metadata.name;  // "istio-ingressgateway-1-26-0"
export const paymentsService = payments.service.metadata.name;                // "payments-gateway"
