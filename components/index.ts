/** Public API of pulumi-istio-gateway. */
export { IstioGateway, ISTIO_GATEWAY_TYPE } from "./istio-gateway";
export * from "./args";
export { TrackSplit } from "./plan/plan";
export { ParentRef } from "./plan/gateway-api";
export { splitReplicas, Split } from "./plan/canary";
