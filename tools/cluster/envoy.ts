/**
 * Traffic for real, the pure half: what the Envoy harness (envoy-harness.ts) decides for each gateway pod, as plain
 * functions over the pods and EndpointSlices the API server lists. A gateway pod that its revision's istiod injected
 * gets an upstream Envoy in a network namespace of its own, holding the pod's IP, configured over ADS by that
 * istiod; the pod is Ready only while that Envoy says it is; a deleted pod's Envoy drains as Istio's would.
 *
 * ../shared/e2e/RECIPE.md ("A real Envoy") records what was tried by hand: the bootstrap below is the one that
 * received and served istiod's listeners, routes and clusters for this repository's dev gateway.
 */
import * as crypto from "crypto";
import { KubeObject } from "./kube-api";
import { DEFAULT_REVISION, ISTIO_NAMESPACE, istiodName } from "./istiod";

/** Where kwok's pods take their IPs (control-plane.ts: kwok --cidr) and the prefix every pod network address carries. */
export const POD_CIDR_PREFIX = 16;
/** The hub's address on the pods' bridge: the load generator sends from here. Outside what kwok hands out first. */
export const HUB_IP = "10.244.255.254";
/** The echo backend's address on the bridge, behind the Service `echo/echo`. */
export const ECHO_IP = "10.244.255.1";
export const ECHO_NAMESPACE = "echo";
export const ECHO_SERVICE = "echo";
export const ECHO_PORT = 8080;

/**
 * Istio's default drain (MeshConfig.defaultConfig.terminationDrainDuration): how long a terminating gateway pod's
 * proxy keeps serving the connections and requests that still reach it before Envoy exits.
 */
export const DEFAULT_DRAIN_SECONDS = 5;

interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
}

/** What the harness runs an Envoy for: a pod the injector made a gateway (container `istio-proxy`, `proxy router`). */
export interface GatewayPod {
  name: string;
  namespace: string;
  uid: string;
  ip: string;
  /** The istiod revision whose discovery address the injector wrote (PROXY_CONFIG's discoveryAddress). */
  revision: string;
  /** The version the injected image says (its tag), sent as ISTIO_VERSION. */
  version: string;
  labels: Record<string, string>;
  drainSeconds: number;
  serviceAccount: string;
  terminating: boolean;
}

function proxyContainer(pod: KubeObject): Container | undefined {
  const containers = ((pod.spec?.containers ?? []) as Container[]);
  return containers.find((c) => c.name === "istio-proxy");
}

/**
 * The revision a discovery address points at: `istiod-<rev>.istio-system.svc:15012` (a revisioned install) or
 * `istiod.istio-system.svc:15012` (the default revision), as the injector renders `values.global.istiod` names.
 */
export function revisionOfDiscovery(address: string): string | undefined {
  const host = address.split(":")[0];
  const m = new RegExp(`^istiod(?:-([a-z0-9-]+))?\\.${ISTIO_NAMESPACE}\\.svc(?:\\.cluster\\.local)?$`).exec(host);
  if (!m) return undefined;
  return m[1] ?? DEFAULT_REVISION;
}

/** A Go duration as Istio writes terminationDrainDuration ("45s", "1m30s", "500ms") → seconds. */
export function durationSeconds(text: string): number | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]], 0);
}

/**
 * The pod as the harness serves it, or why not: an injected gateway pod with an IP. Not injected (no `istio-proxy`
 * container running `proxy router`), not scheduled yet (no IP) and a discovery address of no known istiod are
 * reasons, not errors: such a pod simply gets no Envoy, so it never becomes Ready — as a pod whose proxy never
 * reaches istiod.
 */
export function gatewayPod(pod: KubeObject): GatewayPod | { skip: string } {
  const proxy = proxyContainer(pod);
  if (!proxy || !(proxy.args ?? []).includes("router")) return { skip: "not an injected gateway (no istio-proxy container running `proxy router`)" };
  const ip = (pod.status?.podIP as string | undefined) ?? "";
  if (!ip) return { skip: "no IP yet" };
  const env = Object.fromEntries((proxy.env ?? []).map((e) => [e.name, e.value ?? ""]));
  let config: { discoveryAddress?: string; terminationDrainDuration?: string } = {};
  try {
    config = JSON.parse(env.PROXY_CONFIG || "{}") as typeof config;
  } catch {
    return { skip: "PROXY_CONFIG is not JSON" };
  }
  const revision = revisionOfDiscovery(config.discoveryAddress ?? "");
  if (!revision) return { skip: `discovery address ${JSON.stringify(config.discoveryAddress ?? "")} is no istiod's` };
  const drain = config.terminationDrainDuration === undefined ? DEFAULT_DRAIN_SECONDS : durationSeconds(config.terminationDrainDuration) ?? DEFAULT_DRAIN_SECONDS;
  const tag = /:([^:@/]+)$/.exec(proxy.image ?? "")?.[1] ?? "";
  return {
    name: pod.metadata.name, namespace: pod.metadata.namespace ?? "default", uid: pod.metadata.uid ?? pod.metadata.name, ip, revision,
    version: /^\d+\.\d+\.\d+/.test(tag) ? tag : "1.29.0", labels: pod.metadata.labels ?? {}, drainSeconds: drain,
    serviceAccount: (pod.spec?.serviceAccountName as string | undefined) ?? "default", terminating: !!pod.metadata.deletionTimestamp,
  };
}

/** The short, unique names the harness gives a cluster's network namespaces and links (Linux: 15 characters a link). */
export interface NetNames {
  /** The cluster's namespaces start with it; `down` removes every one that does. */
  prefix: string;
  hub: string;
  echo: string;
}

export function netNames(clusterDir: string): NetNames {
  const prefix = `igw${crypto.createHash("sha256").update(clusterDir).digest("hex").slice(0, 6)}`;
  return { prefix, hub: `${prefix}-hub`, echo: `${prefix}-echo` };
}

/** A pod's namespace and the hub end of its link: from its UID, so a new pod given a freed IP never meets the old one's. */
export function podNet(names: NetNames, uid: string): { netns: string; hubLink: string; key: string } {
  const key = crypto.createHash("sha256").update(uid).digest("hex").slice(0, 10);
  return { netns: `${names.prefix}-${key}`, hubLink: `v${key}`, key };
}

/** How a pod's Envoy reaches its istiod, as Istio's agent does: TLS to the secure xDS port, the pod's token in the call. */
export interface XdsConnection {
  /** The Unix socket the harness relays to that istiod's secure xDS port on the host's loopback. */
  socket: string;
  /** The CA that signed istiod's serving certificate (istiod.ts istiodCaFile). */
  caFile: string;
  /** A token of the pod's ServiceAccount for the audience istiod accepts (TOKEN_AUDIENCES: istio-ca), bound to the pod. */
  token: string;
}

/** The audience istiod's Kubernetes JWT authenticator accepts by default (pilot/pkg/features TOKEN_AUDIENCES). */
export const ISTIO_TOKEN_AUDIENCE = "istio-ca";

/** The TokenRequest a kubelet makes for Istio's projected `istio-token` volume: the pod's ServiceAccount, bound to the pod. */
export function tokenRequest(pod: GatewayPod, expirationSeconds = 43200): Record<string, unknown> {
  return {
    apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest",
    spec: { audiences: [ISTIO_TOKEN_AUDIENCE], expirationSeconds, boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.name, uid: pod.uid } },
  };
}

/**
 * The Envoy bootstrap for a gateway pod. The node is the pod, as Istio's agent names a router
 * (`router~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`, pilot/pkg/model/context.go ParseServiceNodeWithMetadata), with
 * the metadata istiod reads (labels, namespace, name, cluster, version, ServiceAccount); the admin endpoint on a
 * Unix socket, for the readiness check and the drain.
 *
 * ADS goes where Istio's agent sends it: istiod's secure port (15012 in a cluster), TLS checked against istiod's
 * CA, with the pod's ServiceAccount token as a bearer token in the call. istiod checks that token with a
 * TokenReview and takes the identity from it (pilot/pkg/xds/auth.go); without one it serves no credentialName
 * secret (pilot/pkg/xds/sds.go: "not authorized to receive credscontroller"), and with one only the secrets of the
 * pod's own namespace its ServiceAccount may read (a SubjectAccessReview: the gateway's Role). The socket is relayed
 * to the host's loopback, as the namespace has no route there.
 */
export function bootstrap(pod: GatewayPod, sockets: { xds: XdsConnection; admin: string }): Record<string, unknown> {
  const workload = pod.labels.app ?? pod.labels["service.istio.io/canonical-name"] ?? pod.name;
  const discovery = `${istiodName(pod.revision)}.${ISTIO_NAMESPACE}.svc`;
  return {
    node: {
      id: `router~${pod.ip}~${pod.name}.${pod.namespace}~${pod.namespace}.svc.cluster.local`,
      cluster: `${workload}.${pod.namespace}`,
      metadata: {
        ISTIO_VERSION: pod.version, NAMESPACE: pod.namespace, NAME: pod.name, CLUSTER_ID: "Kubernetes", LABELS: pod.labels,
        WORKLOAD_NAME: workload, INSTANCE_IPS: pod.ip, SERVICE_ACCOUNT: pod.serviceAccount, MESH_ID: "cluster.local",
      },
    },
    admin: { address: { pipe: { path: sockets.admin } } },
    dynamic_resources: {
      ads_config: {
        api_type: "GRPC", transport_api_version: "V3", set_node_on_first_message_only: true,
        grpc_services: [{
          envoy_grpc: { cluster_name: "xds-grpc", authority: discovery },
          initial_metadata: [{ key: "authorization", value: `Bearer ${sockets.xds.token}` }, { key: "clusterid", value: "Kubernetes" }],
        }],
      },
      cds_config: { ads: {}, resource_api_version: "V3" },
      lds_config: { ads: {}, resource_api_version: "V3" },
    },
    static_resources: {
      clusters: [{
        name: "xds-grpc", type: "STATIC", connect_timeout: "1s",
        typed_extension_protocol_options: {
          "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
            "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            explicit_http_config: { http2_protocol_options: {} },
          },
        },
        transport_socket: {
          name: "envoy.transport_sockets.tls",
          typed_config: {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            sni: discovery,
            common_tls_context: { alpn_protocols: ["h2"], validation_context: { trusted_ca: { filename: sockets.xds.caFile } } },
          },
        },
        load_assignment: { cluster_name: "xds-grpc", endpoints: [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: sockets.xds.socket } } } }] }] },
      }],
    },
  };
}

/**
 * Envoy's command line for a pod: one worker (a gateway's concurrency follows its CPU; fake nodes have none to
 * give), no hot restart (many Envoys share the host's shared memory otherwise), the pod's drain time as Envoy's.
 */
export function envoyArgs(bootstrapFile: string, pod: GatewayPod): string[] {
  return ["-c", bootstrapFile, "--concurrency", "1", "--disable-hot-restart", "--log-level", "warn",
    "--drain-time-s", String(Math.max(1, Math.round(pod.drainSeconds))), "--drain-strategy", "gradual"];
}

/** The Envoy stats Istio's readiness probe reads (`/stats?filter=` this). */
export const READINESS_STATS_FILTER = "^(cluster_manager\\.cds|listener_manager\\.lds)\\.update_(success|rejected)$|^server\\.state$|^listener_manager\\.workers_started$";

/** `/stats` text (`name: value` lines) → numbers by name. */
export function parseStats(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^([^:\s]+):\s*(-?\d+(?:\.\d+)?)\s*$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

/**
 * The verdict of Istio's readiness probe on a proxy's stats (pilot/cmd/pilot-agent/status/ready/probe.go): first a
 * CDS and an LDS update accepted from istiod (else "config not received", or "received … but was rejected" when an
 * update was refused), then the server LIVE with its workers started. Its messages are Istio's.
 */
export function readinessVerdict(stats: Record<string, number>): { ready: boolean; reason?: string } {
  const cds = stats["cluster_manager.cds.update_success"] ?? 0;
  const lds = stats["listener_manager.lds.update_success"] ?? 0;
  const counts = `cds updates: ${cds} successful, ${stats["cluster_manager.cds.update_rejected"] ?? 0} rejected; lds updates: ${lds} successful, ${stats["listener_manager.lds.update_rejected"] ?? 0} rejected`;
  if (cds === 0 && lds === 0) return { ready: false, reason: `config not received from XDS server (is Istiod running?): ${counts}` };
  if (cds === 0 || lds === 0) {
    const rejected = (stats["cluster_manager.cds.update_rejected"] ?? 0) + (stats["listener_manager.lds.update_rejected"] ?? 0) > 0;
    return { ready: false, reason: `${rejected ? "config received from XDS server, but was rejected" : "config not fully received from XDS server"}: ${counts}` };
  }
  const state = stats["server.state"];
  if (state !== undefined && state !== 0) return { ready: false, reason: `server is not live, current state is: ${["LIVE", "DRAINING", "PRE_INITIALIZING", "INITIALIZING"][state] ?? "UNKNOWN"}` };
  if ((stats["listener_manager.workers_started"] ?? 0) !== 1) return { ready: false, reason: "workers have not yet started" };
  return { ready: true };
}

/**
 * How long the harness waits before it starts a pod's Envoy again after it exited while the pod runs: the kubelet's
 * restart back-off for a container (10 s, doubled after each restart, at most 5 minutes: kubelet's backOffPeriod
 * and MaxContainerBackOff), the pod unready meanwhile, as its proxy would be.
 */
export function restartDelaySeconds(restarts: number): number {
  return Math.min(10 * 2 ** Math.max(0, restarts), 300);
}

/** The status a kubelet would write for a pod whose readiness probe now passes or fails, as a strategic merge patch. */
export function readinessPatch(pod: KubeObject, ready: boolean, now: Date): Record<string, unknown> {
  const status = ready ? "True" : "False";
  const at = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const containers = ((pod.status?.containerStatuses ?? []) as Array<Record<string, unknown>>).map((c) => ({ ...c, ready }));
  return {
    status: {
      conditions: ["Ready", "ContainersReady"].map((type) => ({ type, status, lastTransitionTime: at, ...(ready ? {} : { reason: "ContainersNotReady", message: "containers with unready status: [istio-proxy]" }) })),
      ...(containers.length > 0 ? { containerStatuses: containers } : {}),
    },
  };
}

/** One endpoint a Service sends to, as its EndpointSlices list it. */
export interface ServiceEndpoint {
  ip: string;
  /** The endpoint's port for each Service port number (the slice's ports by name). */
  ports: Record<string, number>;
  pod?: string;
  revision?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** endpoints.json: by `<namespace>/<service>`, the endpoints kube-proxy would program. */
export type EndpointTable = Record<string, ServiceEndpoint[]>;

interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  targetRef?: { kind?: string; name?: string };
}

/**
 * The table kube-proxy would build: each Service's endpoints from its EndpointSlices (`kubernetes.io/service-name`),
 * each slice port matched to the Service port of the same name, and each pod's revision (its `istio.io/rev`).
 * A null `ready` counts as ready, as the EndpointSlice API says for an unknown state.
 */
export function endpointTable(services: KubeObject[], slices: KubeObject[], pods: KubeObject[]): EndpointTable {
  const revisionOf = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.metadata.labels?.["istio.io/rev"]]));
  const table: EndpointTable = {};
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? "default";
    const key = `${ns}/${svc.metadata.name}`;
    const svcPorts = ((svc.spec?.ports ?? []) as Array<{ name?: string; port: number }>);
    const out: ServiceEndpoint[] = [];
    for (const slice of slices) {
      if (slice.metadata.namespace !== ns || slice.metadata.labels?.["kubernetes.io/service-name"] !== svc.metadata.name) continue;
      const slicePorts = ((slice.ports ?? []) as Array<{ name?: string; port?: number }>);
      const ports: Record<string, number> = {};
      for (const p of svcPorts) {
        const match = slicePorts.find((sp) => (sp.name ?? "") === (p.name ?? ""));
        if (match?.port !== undefined) ports[String(p.port)] = match.port;
      }
      for (const e of ((slice.endpoints ?? []) as SliceEndpoint[])) {
        const pod = e.targetRef?.kind === "Pod" ? e.targetRef.name : undefined;
        for (const ip of e.addresses) {
          out.push({
            ip, ports, pod, revision: pod ? revisionOf.get(`${ns}/${pod}`) : undefined,
            ready: e.conditions?.ready ?? true, serving: e.conditions?.serving ?? e.conditions?.ready ?? true, terminating: e.conditions?.terminating ?? false,
          });
        }
      }
    }
    table[key] = out.sort((a, b) => a.ip.localeCompare(b.ip));
  }
  return table;
}

/**
 * The endpoints kube-proxy sends new connections to: the ready ones; when none is ready, the serving terminating
 * ones (KEP-1669, ProxyTerminatingEndpoints, on by default since Kubernetes 1.28).
 */
export function routableEndpoints(endpoints: ServiceEndpoint[]): ServiceEndpoint[] {
  const ready = endpoints.filter((e) => e.ready && !e.terminating);
  return ready.length > 0 ? ready : endpoints.filter((e) => e.serving && e.terminating);
}

/** The Service and EndpointSlice that put the echo backend behind a name istiod resolves (EDS). */
export function echoObjects(): KubeObject[] {
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ECHO_NAMESPACE } },
    {
      apiVersion: "v1", kind: "Service", metadata: { name: ECHO_SERVICE, namespace: ECHO_NAMESPACE },
      spec: { ports: [{ name: "http", port: ECHO_PORT, targetPort: ECHO_PORT, protocol: "TCP" }] },
    },
    {
      apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
      metadata: { name: `${ECHO_SERVICE}-harness`, namespace: ECHO_NAMESPACE, labels: { "kubernetes.io/service-name": ECHO_SERVICE, "endpointslice.kubernetes.io/managed-by": "istio-gateway-envoy-harness" } },
      addressType: "IPv4", ports: [{ name: "http", port: ECHO_PORT, protocol: "TCP" }],
      endpoints: [{ addresses: [ECHO_IP], conditions: { ready: true } }],
    },
  ];
}

/** The echo backend's host name, as a VirtualService names its destination. */
export const ECHO_HOST = `${ECHO_SERVICE}.${ECHO_NAMESPACE}.svc.cluster.local`;
