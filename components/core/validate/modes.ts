/**
 * Gateway modes: what Istio's own profiles set for an ingress, an egress and an east-west gateway.
 *
 * - ingress (the istio/gateway chart's default): a LoadBalancer Service in front of the servers' ports.
 * - egress (the `istio-egressgateway` of Istio's demo profile; the default profile has none): a ClusterIP Service,
 *   no load balancer; traffic reaches it from inside the mesh only.
 * - east-west (Istio "Install multi-primary on different networks", gen-eastwest-gateway.sh): the network's
 *   gateway. Pods and Service carry `topology.istio.io/network` (istiod finds the network's gateway by that label
 *   on the Service), the proxy asks for that network's view (`ISTIO_META_REQUESTED_NETWORK_VIEW`), the Service
 *   exposes 15443 (mTLS cross-network traffic, AUTO_PASSTHROUGH) and 15012/15017 (istiod and its webhook, for
 *   remote clusters), and the Gateway serves `*.local` on 15443.
 */
import { Mode, ServiceType } from "../../args";
import { ServicePort, ValidServer } from "../model";


export const NETWORK_LABEL = "topology.istio.io/network";

export interface ModePreset {
  serviceType: ServiceType;
  /** Servers when the stack file names none; undefined: the component's default HTTP server. */
  servers?: ValidServer[];
  /** Ports the Service exposes beyond the servers'. */
  extraPorts: ServicePort[];
  /** Labels on the pods and the Service. */
  labels: Record<string, string>;
  env: Record<string, string>;
}

export function modePreset(mode: Mode, network: string | undefined): ModePreset {
  switch (mode) {
    case Mode.Ingress:
      return { serviceType: "LoadBalancer", extraPorts: [], labels: {}, env: {} };
    case Mode.Egress:
      return { serviceType: "ClusterIP", extraPorts: [], labels: {}, env: {} };
    case Mode.EastWest:
      return {
        serviceType: "LoadBalancer",
        servers: [{ port: { number: 15443, name: "tls", protocol: "TLS" }, hosts: ["*.local"], tls: { mode: "AUTO_PASSTHROUGH" } }],
        extraPorts: [
          { name: "tls-istiod", port: 15012, targetPort: 15012, protocol: "TCP" },
          { name: "tls-webhook", port: 15017, targetPort: 15017, protocol: "TCP" },
        ],
        labels: network ? { [NETWORK_LABEL]: network } : {},
        env: network ? { ISTIO_META_REQUESTED_NETWORK_VIEW: network } : {},
      };
  }
}
