/**
 * Which routing resources a gateway gets, and the servers the Gateway API cannot spell. Istio's Gateway takes
 * more than a Gateway API listener can say; rather than drop a setting silently (and serve something else than
 * the stack file reads), the preview refuses it and says what to write instead. The rules are the Gateway CRD's
 * own (gateway.networking.k8s.io v1.6 standard: listener CEL rules, the Hostname pattern) and Istio's conversion
 * (pilot/pkg/config/kube/gateway conversion.go: listenerProtocolToIstio, buildTLS).
 */
import { isIP } from "net";
import { Mode, RoutingApi } from "../../args";
import { ConfigError, DEFAULT_GATEWAY_CLASS, isObjectName, servesGatewayApi, tlsModeOf, ValidServer, Where } from "../model";
import { oneOf } from "./read";

export interface ValidRouting {
  routingApi: RoutingApi;
  gatewayClassName: string;
}

/** Listener protocols Istio's Gateway API support serves (listenerProtocolToIstio; HBONE is for waypoints). */
const LISTENER_PROTOCOLS: readonly string[] = ["HTTP", "HTTPS", "TLS", "TCP"];
// What to write instead. An HTTP listener takes HTTP/2 too: istiod builds every HTTP connection manager with
// codec AUTO (pilot/pkg/networking/core/listener_builder.go), which also accepts HTTP/2 in clear text.
const INSTEAD_OF: Record<string, string> = {
  HTTP2: "use HTTP (HTTPRoutes serve HTTP/2 too), or routingApi istio",
  GRPC: "use HTTP or HTTPS and route with a GRPCRoute, or routingApi istio",
  "GRPC-WEB": "use HTTP or HTTPS and route with an HTTPRoute, or routingApi istio",
  HTTP_PROXY: "use HTTP, or routingApi istio",
  MONGO: "use TCP and route with a TCPRoute, or routingApi istio",
  REDIS: "use TCP and route with a TCPRoute, or routingApi istio",
  MYSQL: "use TCP and route with a TCPRoute, or routingApi istio",
  UDP: "Istio's gateways proxy no UDP; remove the server, or use routingApi istio",
};
/** Gateway API SectionName: a listener's name is a DNS-1123 subdomain-like word (lowercase, digits, "-"). */
const LISTENER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** SectionName's 253 characters, less room for the `-2`, `-3`… a server's later hosts' listeners add (plan/gateway-api.ts). */
const LISTENER_NAME_MAX = 253 - 4;
/** Server TLS keys a listener has no place for: buildTLS reads only the certificates, the mode and cipher suites. */
const UNSPELLABLE_TLS_KEYS = ["minProtocolVersion", "maxProtocolVersion", "subjectAltNames", "caCertificates", "caCertCredentialName"] as const;
/** Gateway API Hostname: lowercase DNS labels, an optional leading "*." (no IP address, no trailing dot). */
const LISTENER_HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkRouting(where: Where, args: Record<string, unknown>, mode: Mode): ValidRouting {
  const routingApi = oneOf(where, "routingApi", args.routingApi ?? RoutingApi.Istio, Object.values(RoutingApi));
  if (!servesGatewayApi(routingApi)) {
    if (args.gatewayClassName !== undefined) {
      throw new ConfigError(where, "gatewayClassName", args.gatewayClassName, 'it only applies with routingApi "gateway-api" or "both"');
    }
    return { routingApi, gatewayClassName: DEFAULT_GATEWAY_CLASS };
  }
  if (mode === Mode.EastWest) {
    throw new ConfigError(where, "routingApi", routingApi,
      'an east-west gateway serves AUTO_PASSTHROUGH on 15443, which a Gateway API listener of a gateway you deploy cannot spell (Istio keeps it for its own east-west class); use routingApi "istio"');
  }
  if (routingApi === RoutingApi.GatewayApi && args.gatewaySelector !== undefined) {
    throw new ConfigError(where, "gatewaySelector", args.gatewaySelector,
      'it only shapes the Istio Gateway, and routingApi "gateway-api" makes none (the Gateway API Gateway binds to the Service\'s pods); remove it, or use routingApi "both"');
  }
  const gatewayClassName = args.gatewayClassName === undefined ? DEFAULT_GATEWAY_CLASS
    : dnsSubdomainOrExplain(where, args.gatewayClassName);
  return { routingApi, gatewayClassName };
}

function dnsSubdomainOrExplain(where: Where, raw: unknown): string {
  if (typeof raw !== "string" || !isObjectName(raw)) {
    throw new ConfigError(where, "gatewayClassName", raw, 'use a GatewayClass name (lowercase letters, digits, "-" and "."), e.g. "istio"');
  }
  return raw;
}

/** Refuses a server the Gateway API cannot express; the key names the server as the stack file wrote it. */
export function checkGatewayApiServers(where: Where, servers: readonly ValidServer[]): void {
  servers.forEach((server, i) => {
    const key = `servers[${i}]`;
    const protocol = server.port.protocol;
    if (!LISTENER_PROTOCOLS.includes(protocol)) {
      throw new ConfigError(where, `${key}.port.protocol`, protocol,
        `a Gateway API listener has no ${protocol} protocol (Istio serves ${LISTENER_PROTOCOLS.join(", ")}); ${INSTEAD_OF[protocol]}`);
    }
    // Istio takes any non-empty port name; a listener is named after it, and the Gateway CRD takes fewer.
    if (!LISTENER_NAME.test(server.port.name) || server.port.name.length > LISTENER_NAME_MAX) {
      throw new ConfigError(where, `${key}.port.name`, server.port.name,
        'it names the Gateway API listener, which the Gateway CRD takes as lowercase letters, digits and "-" only, e.g. "https-443"');
    }
    server.hosts.forEach((h, j) => checkListenerHost(where, `${key}.hosts[${j}]`, h, protocol));
    checkListenerTls(where, key, server);
  });
}

function checkListenerHost(where: Where, key: string, entry: string, protocol: string): void {
  const host = entry.slice(entry.indexOf("/") + 1);
  if (host === "*") return;
  if (protocol === "TCP") {
    throw new ConfigError(where, key, entry, 'a TCP listener takes no hostname (the Gateway CRD: "hostname must not be specified for protocols [\'TCP\', \'UDP\']"); use "*" (or "namespace/*")');
  }
  if (isIP(host) !== 0) throw new ConfigError(where, key, entry, "a Gateway API listener hostname cannot be an IP address; use a DNS name or \"*\"");
  if (!LISTENER_HOSTNAME.test(host)) {
    throw new ConfigError(where, key, entry, 'a Gateway API listener hostname is lowercase DNS labels, optionally after "*.", without a trailing dot, e.g. "shop.example.com"');
  }
}

function checkListenerTls(where: Where, key: string, server: ValidServer): void {
  const tls = server.tls;
  if (tls === undefined) return;
  if (tls.httpsRedirect !== undefined) {
    throw new ConfigError(where, `${key}.tls.httpsRedirect`, tls.httpsRedirect,
      "the Gateway API redirects on the route, not the listener: remove it and give an HTTPRoute on this listener a RequestRedirect filter with scheme https");
  }
  // Istio lets a plain-text HTTP server carry passthrough-only tls (validate/servers.ts); a TCP one it refuses.
  if (server.port.protocol === "HTTP") {
    throw new ConfigError(where, `${key}.tls`, tls,
      `an HTTP listener takes no tls (the Gateway CRD: "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"); remove it, or use protocol HTTPS or TLS`);
  }
  if (tls.mode === "AUTO_PASSTHROUGH") {
    throw new ConfigError(where, `${key}.tls.mode`, tls.mode, 'a listener of a gateway you deploy has no AUTO_PASSTHROUGH (Istio keeps it for its east-west class); use PASSTHROUGH with a TLSRoute, or routingApi "istio"');
  }
  if (tlsModeOf(tls) === "PASSTHROUGH" && server.port.protocol === "HTTPS") {
    throw new ConfigError(where, `${key}.port.protocol`, "HTTPS", 'an HTTPS listener always terminates TLS (the Gateway CRD: "tls mode must be Terminate for protocol HTTPS"); use protocol TLS for PASSTHROUGH');
  }
  for (const k of UNSPELLABLE_TLS_KEYS) {
    if (tls[k] !== undefined) {
      throw new ConfigError(where, `${key}.tls.${k}`, tls[k], `Istio reads no such setting from a Gateway API listener (only certificates, the terminate mode and cipher suites); remove it, or use routingApi "istio"`);
    }
  }
}
