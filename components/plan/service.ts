/**
 * The Service in front of every track of a gateway.
 *
 * It selects only the gateway labels, so stable and canary pods serve behind it together and traffic divides
 * by ready pods. Each Gateway server's port must be a target port of this Service, or Istio reports
 * GatewayPortNotDefinedOnService and the listener is unreachable; every distinct server port gets one.
 */
import { ServerProtocol, ServiceType } from "../args";
import { commonLabels, gatewayLabels, TRACK_LABEL, trackSelector } from "./labels";
import { Service, ServicePort } from "./types";
import { ValidServer } from "./validate";

/** The health port the injected gateway serves `/healthz/ready` on; load balancers probe it. */
export const STATUS_PORT: ServicePort = { name: "status-port", port: 15021, targetPort: 15021, protocol: "TCP" };

// Istio picks a Service port's protocol from its name prefix (Istio "Protocol Selection").
const PORT_NAME_PREFIX: Record<ServerProtocol, string> = {
  HTTP: "http2", HTTP2: "http2", HTTPS: "https", GRPC: "grpc", TCP: "tcp", TLS: "tls", MONGO: "mongo",
};

/** The chart's names for its two default ports, kept so dashboards built on it keep working. */
function servicePortName(protocol: ServerProtocol, port: number): string {
  const prefix = PORT_NAME_PREFIX[protocol];
  if ((prefix === "http2" && port === 80) || (prefix === "https" && port === 443)) return prefix;
  return `${prefix}-${port}`;
}

/** The status port, then one port per distinct server port number, in the servers' order. */
export function servicePorts(servers: readonly ValidServer[]): ServicePort[] {
  const ports: ServicePort[] = [STATUS_PORT];
  for (const { port } of servers) {
    if (ports.some((p) => p.targetPort === port.number)) continue;
    ports.push({ name: servicePortName(port.protocol, port.number), port: port.number, targetPort: port.number, protocol: "TCP" });
  }
  return ports;
}

/** The Service's ports: the status port, then the explicit ports when given, else one per server port. */
export function portsFor(servers: readonly ValidServer[], explicit?: readonly ServicePort[]): ServicePort[] {
  return explicit ? [STATUS_PORT, ...explicit.map((p) => ({ ...p }))] : servicePorts(servers);
}

export function planService(gateway: string, namespace: string, type: ServiceType, ports: ServicePort[]): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: gateway, namespace, labels: { ...commonLabels(gateway), ...gatewayLabels(gateway) } },
    spec: { type, selector: gatewayLabels(gateway), ports },
  };
}

/**
 * External traffic shifting: a Service per revision, selecting only that track's pods, so an outer load balancer
 * or DNS can weigh the revisions itself. Named like the track's Deployment.
 */
export function planTrackService(gateway: string, namespace: string, revision: string | undefined, type: ServiceType, ports: ServicePort[]): Service {
  const selector = trackSelector(gateway, revision);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `${gateway}-${selector[TRACK_LABEL]}`, namespace, labels: { ...commonLabels(gateway), ...selector } },
    spec: { type, selector, ports: ports.map((p) => ({ ...p })) },
  };
}

/** In-cluster DNS name of the Service. */
export function serviceDnsName(gateway: string, namespace: string): string {
  return `${gateway}.${namespace}.svc.cluster.local`;
}
