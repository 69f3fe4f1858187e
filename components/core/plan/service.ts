/**
 * The Service in front of every track of a gateway.
 *
 * It selects only the gateway labels, so stable and canary pods serve behind it together and traffic divides
 * by ready pods. Each Gateway server's port must be a target port of this Service, or Istio reports
 * GatewayPortNotDefinedOnService and the listener is unreachable; every distinct server port gets one.
 */
import { ServerProtocol } from "../../args";
import { commonLabels, gatewayLabels, Labels, Service, ServicePort, TRACK_LABEL, trackSelector, ValidServer, ValidService } from "../model";

/**
 * The health port the injected gateway serves `/healthz/ready` on; load balancers probe it. It keeps the
 * istio/gateway chart's name, `status-port`, which names no protocol; `appProtocol: http` tells Istio what it
 * serves instead (an appProtocol wins over the name's prefix in protocol selection), so `istioctl validate`
 * accepts it and mesh clients treat it as HTTP.
 */
export const STATUS_PORT: ServicePort = { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP", appProtocol: "http" };

/**
 * Istio picks a Service port's protocol from its name's prefix, up to the first "-", or from `appProtocol`, which wins
 * (Istio "Protocol Selection"). Every server protocol gets a prefix Istio knows, whatever the server's own port name
 * says: Istio takes any name on a Gateway server, but a Service port name is a lowercase DNS label. Where no prefix
 * says the protocol (gRPC-Web reads as "grpc"), appProtocol does.
 */
const PORT_NAME_PREFIX: Record<ServerProtocol, string> = {
  HTTP: "http2", HTTP2: "http2", HTTPS: "https", GRPC: "grpc", "GRPC-WEB": "grpc-web", HTTP_PROXY: "http", TCP: "tcp", TLS: "tls",
  MONGO: "mongo", REDIS: "redis", MYSQL: "mysql", UDP: "udp",
};
const APP_PROTOCOL: Partial<Record<ServerProtocol, string>> = { "GRPC-WEB": "grpc-web" };

/** The chart's names for its two default ports, kept so dashboards built on it keep working. */
function servicePortName(protocol: ServerProtocol, port: number): string {
  const prefix = PORT_NAME_PREFIX[protocol];
  // The chart's names for 80 and 443, and Istio's east-west gateway's for 15443.
  if ((prefix === "http2" && port === 80) || (prefix === "https" && port === 443) || (prefix === "tls" && port === 15443)) return prefix;
  return `${prefix}-${port}`;
}

/** The status port, then one port per distinct server port number, in the servers' order. */
export function servicePorts(servers: readonly ValidServer[]): ServicePort[] {
  const ports: ServicePort[] = [STATUS_PORT];
  for (const { port } of servers) {
    if (ports.some((p) => p.targetPort === port.number)) continue;
    const appProtocol = APP_PROTOCOL[port.protocol];
    ports.push({
      name: servicePortName(port.protocol, port.number), port: port.number, targetPort: port.number,
      // A UDP server is refused nothing by Istio, but proxied by none of its gateways (ProtocolServedAsAnother).
      protocol: port.protocol === "UDP" ? "UDP" : "TCP", ...(appProtocol && { appProtocol }),
    });
  }
  return ports;
}

/**
 * The Service's ports: the status port, then the explicit ports when given, else one per server port; then the
 * extra ports (a mode's, the user's) that are not there yet.
 */
export function portsFor(servers: readonly ValidServer[], explicit?: readonly ServicePort[], extra: readonly ServicePort[] = []): ServicePort[] {
  const ports = explicit ? [STATUS_PORT, ...explicit.map((p) => ({ ...p }))] : servicePorts(servers);
  for (const p of extra) if (!ports.some((o) => o.name === p.name || o.port === p.port)) ports.push({ ...p });
  return ports;
}

/** Service settings that are copied as they are, when set. */
function settings(s: ValidService): Partial<Service["spec"]> {
  const keys = ["loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass", "externalTrafficPolicy", "internalTrafficPolicy", "ipFamilyPolicy", "ipFamilies", "externalIPs"] as const;
  return Object.fromEntries(keys.filter((k) => s[k] !== undefined).map((k) => [k, structuredClone(s[k])]));
}

function metadata(name: string, namespace: string, gateway: string, s: ValidService, selector: Labels) {
  return {
    name, namespace,
    labels: { ...commonLabels(gateway), ...s.labels, ...selector },
    ...(Object.keys(s.annotations).length > 0 && { annotations: { ...s.annotations } }),
  };
}

export function planService(gateway: string, namespace: string, s: ValidService, ports: ServicePort[]): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(gateway, namespace, gateway, s, gatewayLabels(gateway)),
    spec: { type: s.type, selector: gatewayLabels(gateway), ports, ...settings(s) },
  };
}

/**
 * Annotations that pin a load balancer to fixed addresses (an Elastic IP, a reserved static IP, a MetalLB pool
 * address). Only one Service can hold an address; a second one asking for it waits forever for its own.
 */
export const FIXED_ADDRESS_ANNOTATIONS: readonly string[] = [
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

/** The shared Service's settings without its fixed addresses: what each per-revision Service gets. */
export function withoutFixedAddresses(s: ValidService): ValidService {
  const { loadBalancerIP: _ip, externalIPs: _external, ...rest } = s;
  const annotations = Object.fromEntries(Object.entries(s.annotations).filter(([k]) => !FIXED_ADDRESS_ANNOTATIONS.includes(k)));
  return { ...rest, annotations };
}

/**
 * External traffic shifting: a Service per revision, selecting only that track's pods, so an outer load balancer
 * or DNS can weigh the revisions itself. Named like the track's Deployment. Each gets the shared Service's
 * settings except its fixed addresses (loadBalancerIP, externalIPs, address annotations): those stay with the
 * shared Service, and each revision's Service gets an address of its own from the cloud.
 */
export function planTrackService(gateway: string, namespace: string, revision: string | undefined, shared: ValidService, ports: ServicePort[]): Service {
  const selector = trackSelector(gateway, revision);
  const s = withoutFixedAddresses(shared);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(`${gateway}-${selector[TRACK_LABEL]}`, namespace, gateway, s, selector),
    spec: { type: s.type, selector, ports: ports.map((p) => ({ ...p })), ...settings(s) },
  };
}

/** In-cluster DNS name of the Service. */
export function serviceDnsName(gateway: string, namespace: string): string {
  return `${gateway}.${namespace}.svc.cluster.local`;
}
