/**
 * The fake nodes of the local cluster: three zones (the gateways spread across
 * topology.kubernetes.io/zone), and one node set aside for the prod stack's payments gateway, labelled and tainted
 * as its nodeSelector and tolerations expect. kwok plays each node's kubelet.
 */
export interface NodeSpec {
  name: string;
  labels: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  capacity: Record<string, string>;
}

/** Room for every stack here (prod's 10 ingress pods request 1 CPU each; a canary adds more). */
const CAPACITY = { cpu: "32", memory: "128Gi", pods: "110" };

export function clusterNodes(): NodeSpec[] {
  const zones = ["a", "b", "c"].map((z): NodeSpec => ({
    name: `kwok-zone-${z}`,
    labels: { "topology.kubernetes.io/region": "local", "topology.kubernetes.io/zone": `local-${z}` },
    capacity: CAPACITY,
  }));
  const payments: NodeSpec = {
    name: "kwok-payments",
    labels: { "topology.kubernetes.io/region": "local", "topology.kubernetes.io/zone": "local-a", workload: "payments" },
    taints: [{ key: "dedicated", value: "payments", effect: "NoSchedule" }],
    capacity: CAPACITY,
  };
  return [...zones, payments];
}
