/** Public API of pulumi-istio-gateway. */
export { IstioGateway, ISTIO_GATEWAY_TYPE } from "./istio-gateway";
export * from "./args";
export { ParentRef, splitReplicas, Split, TrackSplit } from "./core";
