/**
 * The Istio Gateway resource (networking.istio.io/v1).
 *
 * Its selector is exactly the gateway labels every track's pods carry: a selector that matches no pod binds the
 * Gateway to nothing (ReferencedResourceNotFound). Bare hosts are delegated according to the topology, the way
 * Istio's "Gateway topology" guidance shares one gateway between app namespaces.
 */
import { Topology } from "../../args";
import { commonLabels, gatewayLabels, IstioGatewayObject, IstioServer, ValidServer } from "../model";

/**
 * `namespace/host` entries for one server. A shared gateway delegates a bare host to each route namespace (or
 * to any namespace, `*`, when none is listed); a dedicated gateway takes routes from its own namespace only (`.`).
 * Entries that already name a namespace are kept as written.
 */
export function delegatedHosts(topology: Topology, routeNamespaces: readonly string[], hosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const host of hosts) {
    const entries = host.includes("/") ? [host]
      : topology === Topology.Dedicated ? [`./${host}`]
      : routeNamespaces.length > 0 ? routeNamespaces.map((ns) => `${ns}/${host}`)
      : [`*/${host}`];
    for (const e of entries) if (!out.includes(e)) out.push(e);
  }
  return out;
}

function planServer(topology: Topology, routeNamespaces: readonly string[], server: ValidServer): IstioServer {
  return {
    ...(server.name !== undefined && { name: server.name }),
    port: { ...server.port },
    hosts: delegatedHosts(topology, routeNamespaces, server.hosts),
    ...(server.tls !== undefined && { tls: { ...server.tls } }),
  };
}

/** The servers as the Istio Gateway carries them, bare hosts delegated. */
export function delegatedServers(topology: Topology, routeNamespaces: readonly string[], servers: readonly ValidServer[]): IstioServer[] {
  return servers.map((s) => planServer(topology, routeNamespaces, s));
}

export function planIstioGateway(
  gateway: string, namespace: string, topology: Topology, routeNamespaces: readonly string[], servers: readonly ValidServer[],
  selector: Record<string, string> = gatewayLabels(gateway),
): IstioGatewayObject {
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: gateway, namespace, labels: commonLabels(gateway) },
    spec: { selector: { ...selector }, servers: delegatedServers(topology, routeNamespaces, servers) },
  };
}
