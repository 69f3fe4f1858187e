/**
 * Public argument types of the IstioGateway component.
 *
 * Enumerations are `as const` objects rather than bare string-literal unions so that the same names exist at
 * run time (for messages and docs) and the multi-language schema can map them to enums.
 */

/** Istio's deployment topologies for a gateway. */
export const Topology = {
  /** One gateway in an ingress namespace serves many app namespaces; routes are delegated to them. */
  Shared: "shared",
  /** An app namespace owns its gateway: own Service, routes only from its own namespace. */
  Dedicated: "dedicated",
} as const;
export type Topology = (typeof Topology)[keyof typeof Topology];

/** Kubernetes Service types a gateway can be exposed with. */
export const ServiceType = {
  LoadBalancer: "LoadBalancer",
  NodePort: "NodePort",
  ClusterIP: "ClusterIP",
} as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/** Protocols an Istio Gateway server accepts (networking.istio.io Port.protocol). */
export const ServerProtocol = {
  HTTP: "HTTP",
  HTTPS: "HTTPS",
  HTTP2: "HTTP2",
  GRPC: "GRPC",
  TCP: "TCP",
  TLS: "TLS",
  MONGO: "MONGO",
} as const;
export type ServerProtocol = (typeof ServerProtocol)[keyof typeof ServerProtocol];

/** TLS modes of an Istio Gateway server (networking.istio.io ServerTLSSettings.mode). */
export const TlsMode = {
  PASSTHROUGH: "PASSTHROUGH",
  SIMPLE: "SIMPLE",
  MUTUAL: "MUTUAL",
  AUTO_PASSTHROUGH: "AUTO_PASSTHROUGH",
  ISTIO_MUTUAL: "ISTIO_MUTUAL",
  OPTIONAL_MUTUAL: "OPTIONAL_MUTUAL",
} as const;
export type TlsMode = (typeof TlsMode)[keyof typeof TlsMode];

/** The port an Istio Gateway server listens on. */
export interface GatewayServerPort {
  /** Port the gateway's Envoy listens on; also the Service's `targetPort` for it. */
  number: number;
  /**
   * Name of the server port, unique within the Gateway.
   * @default `<protocol in lower case>-<number>`, e.g. `https-443`
   */
  name?: string;
  /** Protocol of the traffic on this port. */
  protocol: ServerProtocol;
}

/** TLS settings of a Gateway server, passed to Istio unchanged. */
export interface GatewayServerTls {
  /** Redirect HTTP to HTTPS (on an HTTP server). @default false */
  httpsRedirect?: boolean;
  /** How TLS is terminated. @default none: required on HTTPS servers */
  mode?: TlsMode;
  /** Secret in the gateway's namespace holding the certificate (read through SDS). @default none */
  credentialName?: string;
  /** Several Secrets (e.g. an RSA and an ECDSA certificate); not together with credentialName. @default none */
  credentialNames?: string[];
  /** MUTUAL: path of the CA bundle that verifies clients, on the proxy's file system. @default none */
  caCertificates?: string;
  /** MUTUAL: Secret or ConfigMap holding the CA that verifies clients (Istio 1.28+). @default the credential's ca.crt */
  caCertCredentialName?: string;
  /** Lowest TLS version accepted, e.g. `TLSV1_2`. @default Istio's default */
  minProtocolVersion?: string;
  /** Highest TLS version accepted. @default Istio's default */
  maxProtocolVersion?: string;
  /** Cipher suites offered. @default Istio's default */
  cipherSuites?: string[];
  /** Subject alternative names accepted from clients (MUTUAL). @default none */
  subjectAltNames?: string[];
}

/** One server of the Istio Gateway resource. */
export interface GatewayServer {
  /** The port and protocol. */
  port: GatewayServerPort;
  /**
   * Hosts this server accepts. A host written `namespace/host` limits which namespace's VirtualServices may bind
   * (`*` any, `.` the Gateway's own). A bare host is delegated for you: to each of `routeNamespaces` (or `*`) on a
   * shared gateway, to the gateway's own namespace (`./`) on a dedicated one.
   */
  hosts: string[];
  /** TLS settings. @default none */
  tls?: GatewayServerTls;
  /** Optional server name, shown in Istio's metrics. @default none */
  name?: string;
}

/** A canary: a second Deployment on another Istio revision behind the same Service. */
export interface CanaryArgs {
  /** Istio revision (or revision tag) the canary's pods are injected by, e.g. `1-26-0`. */
  revision: string;
  /** Percent of the pods on the canary now; one of `steps`, or 0. @default 0 */
  weight?: number;
  /** The rollout plan: increasing percentages ending at 100. @default [10, 25, 50, 100] */
  steps?: number[];
  /**
   * The weight the cluster runs before this update. It tells which revision grows, so that one is scaled and
   * ready before the other shrinks. The rollout command writes it on every move.
   * @default unknown: the canary is assumed to grow (and a warning says so)
   */
  previousWeight?: number;
}

/** Options of the gateway's Service. */
export interface ServiceArgs {
  /**
   * Service type. `LoadBalancer` waits for an external address during `pulumi up`; on clusters without a
   * load-balancer controller (kind, minikube) use `NodePort` or `ClusterIP`.
   * @default "LoadBalancer"
   */
  type?: ServiceType;
  /**
   * Explicit Service ports instead of one per server port (the status port 15021 is always added). Every
   * server's port must stay a `targetPort` here, or the preview fails (GatewayPortNotDefinedOnService).
   * @default one port per distinct server port, targeting it
   */
  ports?: Array<{ name: string; port: number; targetPort?: number; protocol?: "TCP" }>;
}

/** How traffic is divided between the stable and canary revisions. */
export const TrafficShifting = {
  /** One Service in front of both revisions: traffic divides by ready pods. */
  Replicas: "replicas",
  /** A Service per revision; an outer load balancer or DNS applies the exported weights. */
  External: "external",
} as const;
export type TrafficShifting = (typeof TrafficShifting)[keyof typeof TrafficShifting];

/** Horizontal pod autoscaling, as in the istio/gateway chart. With a canary, each revision gets its share. */
export interface AutoscalingArgs {
  /** Fewest pods across revisions. @default 2 */
  minReplicas?: number;
  /** Most pods across revisions; the canary never gets more than its weight's share. @default max(5, minReplicas) */
  maxReplicas?: number;
  /** Average CPU use, in percent of requests, the HPA aims for. @default 80 */
  targetCPUUtilizationPercentage?: number;
  /** Average memory use, in percent of requests, the HPA aims for. @default none */
  targetMemoryUtilizationPercentage?: number;
  /** autoscaling/v2 `behavior` (`scaleUp`, `scaleDown`), passed to every HPA. @default Kubernetes' defaults */
  behavior?: { scaleUp?: Record<string, unknown>; scaleDown?: Record<string, unknown> };
}

/** A PodDisruptionBudget per revision: set one of the two. */
export interface DisruptionBudgetArgs {
  /** Pods (or a percentage such as "50%") that must stay up during voluntary disruptions. @default unset */
  minAvailable?: number | string;
  /** Pods (or a percentage) a voluntary disruption may take at once. @default 1 */
  maxUnavailable?: number | string;
}

/** Graceful shutdown of the gateway's proxies. */
export interface DrainArgs {
  /** How long the proxy drains connections after SIGTERM (Istio terminationDrainDuration). @default 45 */
  durationSeconds?: number;
  /** The pod's termination grace period; must exceed durationSeconds. @default max(60, durationSeconds + 15) */
  terminationGracePeriodSeconds?: number;
}

/** Arguments of {@link IstioGateway}. */
export interface IstioGatewayArgs {
  /** Namespace the gateway runs in. */
  namespace: string;
  /**
   * Create the namespace as a child of this component. Leave it off when the namespace exists, or when several
   * gateways share it (create it once, next to them).
   * @default false
   */
  createNamespace?: boolean;
  /**
   * Extra labels of a namespace this component creates. `istio-injection` and `istio.io/rev` are refused: they
   * override the per-pod injection labels gateways rely on.
   * @default {}
   */
  namespaceLabels?: Record<string, string>;
  /** Istio topology. @default "shared" */
  topology?: Topology;
  /** Total gateway pods across both revisions; not used (and refused) with `autoscaling`. @default 2 */
  replicas?: number;
  /** HPAs own the pod count, one per revision. @default none: `replicas` pods */
  autoscaling?: AutoscalingArgs;
  /** Disruption budget per revision that can run more than one pod. @default { maxUnavailable: 1 } */
  podDisruptionBudget?: DisruptionBudgetArgs;
  /** Connection draining on shutdown. @default { durationSeconds: 45, terminationGracePeriodSeconds: 60 } */
  drain?: DrainArgs;
  /** How traffic is divided between revisions. @default "replicas" */
  trafficShifting?: TrafficShifting;
  /**
   * The Istio Gateway's selector, instead of the gateway's own labels. It must still select this gateway's pods
   * (add the labels with `podLabels`), or the preview fails (ReferencedResourceNotFound).
   * @default { app: <name>, istio: <name without "istio-"> }
   */
  gatewaySelector?: Record<string, string>;
  /** Extra labels on every pod of every revision; the component's own labels cannot be overridden. @default {} */
  podLabels?: Record<string, string>;
  /**
   * Read the namespace from the cluster at preview (it must exist) and refuse labels that would override the
   * gateway pods' injection: `istio-injection=disabled` (ImageAutoWithoutInjection), or `istio-injection=enabled` /
   * `istio.io/rev` with per-pod revisions (NamespaceOverridesRevision).
   * @default true when the component does not create the namespace
   */
  verifyNamespace?: boolean;
  /** Istio revision or tag of the stable pods, e.g. `1-25-1` or `prod-stable`. @default the default revision */
  revision?: string;
  /** A canary on another revision. @default none */
  canary?: CanaryArgs;
  /**
   * Gateway servers.
   * @default one plain HTTP server on port 80 for every host: `[{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }]`
   */
  servers?: GatewayServer[];
  /**
   * Shared topology: namespaces whose VirtualServices may bind to this gateway's bare hosts.
   * @default [] (any namespace may bind: hosts are written with the namespace `*`)
   */
  routeNamespaces?: string[];
  /** Service options. @default { type: "LoadBalancer" } */
  service?: ServiceArgs;
  /**
   * Bump to restart every pod of the gateway (a rolling restart that keeps capacity), e.g. after moving the
   * revision tag its pods use so that they are injected by the new control plane.
   * @default 0
   */
  restartGeneration?: number;
}
