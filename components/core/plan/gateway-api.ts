/**
 * The Kubernetes Gateway API Gateway (gateway.networking.k8s.io/v1) in front of the same pods as the Istio one.
 *
 * Istio's "manual deployment": a Gateway whose one address is of type Hostname names an existing Service, and
 * istiod binds its listeners to the pods behind that Service instead of deploying its own (pilot's
 * gatewaycommon.IsManaged and extractGatewayServices). Listeners are translated from the validated servers
 * (validate-gateway-api.ts refuses what has no Gateway API spelling), the way Istio's own conversion reads them
 * back (pilot/pkg/config/kube/gateway conversion.go, buildTLS).
 */
import { GatewayServerTls, TlsMode, Topology } from "../../args";
import { delegatedHosts } from "./gateway";
import { AllowedRoutes, commonLabels, KubernetesGatewayObject, Listener, ListenerTls, ServicePort, tlsModeOf, ValidServer } from "../model";
import { serviceDnsName } from "./service";
import type { ValidGateway } from "../model";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
/** Istio's TLS options on a listener (gatewaycommon.GatewayTLSTerminateModeKey, conversion.go gatewayTLSCipherSuites). */
export const TERMINATE_MODE_OPTION = "gateway.istio.io/tls-terminate-mode";
export const CIPHER_SUITES_OPTION = "gateway.istio.io/tls-cipher-suites";
/** The namespace label Kubernetes sets on every namespace: how a listener names the namespaces it takes routes from. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** What an HTTPRoute (or TLSRoute, TCPRoute) writes in `spec.parentRefs` to attach to this gateway. */
export interface ParentRef {
  /** `gateway.networking.k8s.io`. */
  group: string;
  /** `Gateway`. */
  kind: string;
  /** The gateway's name. */
  name: string;
  /** The gateway's namespace: a route in another namespace must name it. */
  namespace: string;
}

export interface GatewayApiInput {
  gateway: string;
  namespace: string;
  gatewayClassName: string;
  topology: Topology;
  routeNamespaces: readonly string[];
  servers: readonly ValidServer[];
  /** The Service's ports: a listener's port is a Service port, which Istio resolves to its target port. */
  servicePorts: readonly ServicePort[];
  /** The Service's DNS name, the Gateway's one address. */
  serviceHost: string;
}

export function gatewayApiInput(gw: ValidGateway, servicePorts: readonly ServicePort[]): GatewayApiInput {
  return {
    gateway: gw.name, namespace: gw.namespace, gatewayClassName: gw.gatewayClassName, topology: gw.topology, routeNamespaces: gw.routeNamespaces,
    servers: gw.servers, servicePorts, serviceHost: serviceDnsName(gw.name, gw.namespace),
  };
}

export function planKubernetesGateway(input: GatewayApiInput): KubernetesGatewayObject {
  return {
    apiVersion: `${GATEWAY_API_GROUP}/v1`,
    kind: "Gateway",
    metadata: { name: input.gateway, namespace: input.namespace, labels: commonLabels(input.gateway) },
    spec: {
      gatewayClassName: input.gatewayClassName,
      addresses: [{ type: "Hostname", value: input.serviceHost }],
      listeners: listenersOf(input).map((l) => l.listener),
    },
  };
}

export function parentRefsOf(gateway: string, namespace: string): ParentRef[] {
  return [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gateway, namespace }];
}

/** A listener and the server (by index) it came from, so findings can name the key in the stack file. */
export interface PlannedListener {
  server: number;
  listener: Listener;
}

/**
 * One listener per distinct host of each server (a listener has one hostname; an Istio server has a list). The
 * first keeps the server's port name, the next ones add `-2`, `-3`…, so adding a host renames no listener that
 * routes already name in `sectionName`.
 */
export function listenersOf(input: GatewayApiInput): PlannedListener[] {
  return input.servers.flatMap((server, i) => hostGroups(input, server).map((group, k) => ({
    server: i,
    listener: {
      name: k === 0 ? server.port.name : `${server.port.name}-${k + 1}`,
      port: servicePortFor(server.port.number, input.servicePorts),
      protocol: server.port.protocol as Listener["protocol"],
      // A TCP server's hosts are "*" here: validate/routing.ts refuses a hostname on a TCP listener, as the CRD does.
      ...(group.hostname !== undefined && { hostname: group.hostname }),
      // Validation gives every HTTPS and TLS server its tls and refuses tls on the others (validate/routing.ts), as
      // the Gateway CRD does: "tls mode must be set for protocol TLS", "tls must not be specified for protocols [HTTP…]".
      ...(server.tls !== undefined && { tls: listenerTls(server.tls) }),
      allowedRoutes: allowedRoutes(group.namespaces, input.namespace),
    },
  })));
}

interface HostGroup {
  /** Absent for `*`: a listener without a hostname takes every host. */
  hostname?: string;
  /** `*`, `.` or namespace names, as the delegated `namespace/host` entries name them. */
  namespaces: string[];
}

/** The server's hosts, delegated as for the Istio Gateway, grouped by host: `a/x` and `b/x` make one listener. */
function hostGroups(input: GatewayApiInput, server: ValidServer): HostGroup[] {
  const groups: HostGroup[] = [];
  for (const entry of delegatedHosts(input.topology, input.routeNamespaces, server.hosts)) {
    const [ns, host] = entry.split("/");
    const hostname = host === "*" ? undefined : host;
    const group = groups.find((g) => g.hostname === hostname);
    if (group) group.namespaces.push(ns);
    else groups.push({ ...(hostname !== undefined && { hostname }), namespaces: [ns] });
  }
  return groups;
}

/** `*` anywhere: every namespace; only `.`: the gateway's own; else a selector on the namespaces' names. */
function allowedRoutes(namespaces: readonly string[], own: string): AllowedRoutes {
  if (namespaces.includes("*")) return { namespaces: { from: "All" } };
  if (namespaces.every((n) => n === ".")) return { namespaces: { from: "Same" } };
  const values = [...new Set(namespaces.map((n) => (n === "." ? own : n)))];
  return { namespaces: { from: "Selector", selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values }] } } };
}

/**
 * The Service port whose target is the server's port: Istio listens on a Gateway server's port number, but
 * resolves a Gateway API listener's port as a Service port to its targetPort (model/gateway.go resolvePorts,
 * "the gateway is directly referencing a Service"). Without a Service port targeting it, the port is kept as is
 * and GatewayPortNotDefinedOnService (analyze.ts) refuses the plan.
 */
function servicePortFor(target: number, ports: readonly ServicePort[]): number {
  return ports.find((p) => p.targetPort === target)?.port ?? target;
}

/**
 * Istio's TLS settings as a listener spells them: PASSTHROUGH on a TLS listener is Passthrough; the terminating
 * modes are Terminate with the credentials as Secret references, and the mode other than SIMPLE (and any cipher
 * suites) in Istio's listener options, as buildTLS reads them.
 */
function listenerTls(tls: GatewayServerTls): ListenerTls {
  // A missing mode is PASSTHROUGH, as Istio reads it (tlsModeOf); the listener must spell it out.
  const mode = tlsModeOf(tls);
  if (mode === TlsMode.PASSTHROUGH) return { mode: "Passthrough" };
  const credentials = tls.credentialName !== undefined ? [tls.credentialName] : tls.credentialNames ?? [];
  const options: Record<string, string> = {
    ...(mode !== TlsMode.SIMPLE && { [TERMINATE_MODE_OPTION]: mode }),
    ...(tls.cipherSuites !== undefined && { [CIPHER_SUITES_OPTION]: tls.cipherSuites.join(",") }),
  };
  return {
    mode: "Terminate",
    ...(credentials.length > 0 && { certificateRefs: credentials.map((name) => ({ group: "" as const, kind: "Secret" as const, name })) }),
    ...(Object.keys(options).length > 0 && { options }),
  };
}
