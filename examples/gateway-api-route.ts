// The README's "Kubernetes Gateway API" program, verbatim but for the import (tests/readme.test.ts).
import * as k8s from "@pulumi/kubernetes";
import { IstioGateway } from "../components";

// A Gateway API Gateway bound to the gateway's Service; HTTPRoutes from the shop namespace may attach.
const edge = new IstioGateway("edge", {
  namespace: "edge",
  createNamespace: true,
  routingApi: "gateway-api",
  routeNamespaces: ["shop"],
  replicas: 4,
  revision: "1-25-1",
  servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["shop.example.com"] }],
});

// The app team's route, in its own namespace, attached through the component's parentRefs.
export const shopRoute = new k8s.apiextensions.CustomResource("shop-route", {
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "HTTPRoute",
  metadata: { name: "shop", namespace: "shop" },
  spec: {
    parentRefs: edge.parentRefs,
    hostnames: ["shop.example.com"],
    rules: [{ backendRefs: [{ name: "shop", port: 8080 }] }],
  },
});
