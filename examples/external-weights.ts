// The README's "External traffic shifting" example, verbatim but for the import (tests/readme.test.ts).
import * as k8s from "@pulumi/kubernetes";
import { IstioGateway } from "../components";

// Each revision gets its own Service; the outer load balancer, not the pod count, holds the weights.
const ingress = new IstioGateway("istio-ingressgateway", {
  namespace: "istio-ingress",
  createNamespace: true,
  replicas: 10,
  revision: "1-25-1",
  canary: { revision: "1-26-0", weight: 25, previousWeight: 10 },
  trafficShifting: "external",
  service: { type: "ClusterIP" },
});

// One weighted route at the edge (a Gateway API implementation in front of the cluster's Istio gateways),
// with a backend per revision at the weight the stack file asks for.
export const edgeRoute = new k8s.apiextensions.CustomResource("edge-route", {
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "HTTPRoute",
  metadata: { name: "istio-ingressgateway-revisions", namespace: "istio-ingress" },
  spec: {
    parentRefs: [{ name: "edge", namespace: "edge-system" }],
    rules: [{
      backendRefs: Object.entries(ingress.externalWeights ?? {}).map(([revision, weight]) => ({
        name: ingress.trackServices[revision].metadata.name,
        port: 80,
        weight,
      })),
    }],
  },
});
