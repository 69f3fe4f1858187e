/**
 * The pods' network for the Envoy harness (envoy-harness.ts), with `ip` (iproute2): a hub namespace holding a bridge
 * with no uplink, and a namespace per endpoint (a gateway pod, the echo backend) with its address on a veth into that
 * bridge. Nothing is added to the host's namespace: each link is created in its namespaces directly.
 */
import { execFileSync } from "child_process";
import { HUB_IP, NetNames, POD_CIDR_PREFIX } from "./envoy";

export function ip(args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** The hub: a namespace with a bridge for the pods' CIDR and the address the load generator sends from. */
export function createHub(names: NetNames): void {
  ip(["netns", "add", names.hub]);
  ip(["-n", names.hub, "link", "set", "lo", "up"]);
  ip(["-n", names.hub, "link", "add", "br0", "type", "bridge"]);
  ip(["-n", names.hub, "addr", "add", `${HUB_IP}/${POD_CIDR_PREFIX}`, "dev", "br0"]);
  ip(["-n", names.hub, "link", "set", "br0", "up"]);
}

/** A namespace with `address` on its eth0, linked into the hub's bridge. */
export function createEndpointNamespace(names: NetNames, netns: string, hubLink: string, address: string): void {
  ip(["netns", "add", netns]);
  // Created in their namespaces directly (IFLA_NET_NS_FD): neither end ever appears in the host's.
  ip(["link", "add", "eth0", "netns", netns, "type", "veth", "peer", "name", hubLink, "netns", names.hub]);
  ip(["-n", names.hub, "link", "set", hubLink, "master", "br0"]);
  ip(["-n", names.hub, "link", "set", hubLink, "up"]);
  ip(["-n", netns, "addr", "add", `${address}/${POD_CIDR_PREFIX}`, "dev", "eth0"]);
  ip(["-n", netns, "link", "set", "eth0", "up"]);
  ip(["-n", netns, "link", "set", "lo", "up"]);
  // The hub may still map this address to the link of a namespace that held it before (kwok hands freed pod IPs
  // out again at once): its neighbour entry would send the new pod's traffic nowhere until it expired.
  ip(["-n", names.hub, "neigh", "flush", "to", address]);
}

/** Every network namespace whose name starts with the cluster's prefix (`ip netns list`). */
export function clusterNamespaces(prefix: string): string[] {
  const out = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  return out.split("\n").map((l) => l.split(" ")[0]).filter((n) => n.startsWith(`${prefix}-`));
}

/** Removes the namespaces (their veths go with them; the processes in them must be stopped first). */
export function removeNamespaces(prefix: string): void {
  for (const n of clusterNamespaces(prefix)) {
    try {
      ip(["netns", "del", n]);
    } catch { /* gone meanwhile */ }
  }
}
