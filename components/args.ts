/**
 * Public argument types of the IstioGateway component.
 *
 * These types are also the multi-language schema (PulumiPlugin.yaml; Pulumi's analyzer reads them). Its limits
 * shape them: enumerations are `as const` objects rather than bare string-literal unions (the analyzer turns them
 * into schema enums, and the names exist at run time for messages), every object is a named interface, and no
 * field is "a number or a string" (see DisruptionBudget). Nested types are named without an `Args` suffix
 * because the generated SDKs add one (Python's `CanaryArgs`, not `CanaryArgsArgs`).
 */
import type * as k8s from "@pulumi/kubernetes";

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
  /** An external load balancer from the cloud (needs a load-balancer controller). */
  LoadBalancer: "LoadBalancer",
  /** A port on every node. */
  NodePort: "NodePort",
  /** In-cluster only (egress gateways, or behind another load balancer). */
  ClusterIP: "ClusterIP",
} as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/**
 * Protocols an Istio Gateway server accepts (networking.istio.io Port.protocol; Istio's protocol.Parse). A stack
 * file may write them in any case (`http` is HTTP), as Istio reads them; the component renders these spellings.
 */
export const ServerProtocol = {
  /** Plain HTTP/1.1 (and HTTP/2 in clear text: the gateway's HTTP listener accepts both). */
  HTTP: "HTTP",
  /** HTTP over TLS; needs `tls`. */
  HTTPS: "HTTPS",
  /** HTTP/2 in clear text. */
  HTTP2: "HTTP2",
  /** gRPC. */
  GRPC: "GRPC",
  /** gRPC-Web. */
  GRPC_WEB: "GRPC-WEB",
  /** An outbound HTTP proxy port; Istio means it for sidecars, and a gateway serves it as plain HTTP (a warning says so). */
  HTTP_PROXY: "HTTP_PROXY",
  /** Opaque TCP. */
  TCP: "TCP",
  /** TLS routed by SNI; needs `tls`. */
  TLS: "TLS",
  /** MongoDB wire protocol (proxied as TCP). */
  MONGO: "MONGO",
  /** Redis (proxied as TCP unless istiod's Redis filter is on). */
  REDIS: "REDIS",
  /** MySQL (proxied as TCP unless istiod's MySQL filter is on). */
  MYSQL: "MYSQL",
  /** UDP: Istio accepts it, but a gateway builds a TCP listener for it and proxies no UDP (a warning says so). */
  UDP: "UDP",
} as const;
export type ServerProtocol = (typeof ServerProtocol)[keyof typeof ServerProtocol];

/** TLS modes of an Istio Gateway server (networking.istio.io ServerTLSSettings.mode). */
export const TlsMode = {
  /** Forward the TLS connection untouched, routed by SNI. */
  PASSTHROUGH: "PASSTHROUGH",
  /** Terminate TLS with the server certificate (credentialName). */
  SIMPLE: "SIMPLE",
  /** Terminate TLS and require a client certificate. */
  MUTUAL: "MUTUAL",
  /** Passthrough routed by SNI without a VirtualService (east-west gateways). */
  AUTO_PASSTHROUGH: "AUTO_PASSTHROUGH",
  /** Istio mTLS with the workload's own certificates. */
  ISTIO_MUTUAL: "ISTIO_MUTUAL",
  /** Like MUTUAL, but a client certificate is optional. */
  OPTIONAL_MUTUAL: "OPTIONAL_MUTUAL",
} as const;
export type TlsMode = (typeof TlsMode)[keyof typeof TlsMode];

/** The port an Istio Gateway server listens on. */
export interface GatewayServerPort {
  /**
   * Port the gateway's Envoy listens on; also the Service's `targetPort` for it. 1 to 65535, but not a port the
   * proxy binds itself (15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090).
   */
  number: number;
  /**
   * Name of the server port, unique within the Gateway; any non-empty string, as Istio takes it (the Service's port
   * names are made from the protocol and number, not from it). With `routingApi` `gateway-api` or `both` it names
   * the listener, and must then be a DNS label.
   * @default `<protocol in lower case>-<number>`, e.g. `https-443`
   */
  name?: string;
  /** Protocol of the traffic on this port, in any case (`http` is HTTP). */
  protocol: ServerProtocol;
}

/** TLS settings of a Gateway server, passed to Istio unchanged. */
export interface GatewayServerTls {
  /** Redirect HTTP to HTTPS (on an HTTP server; Istio ignores it elsewhere, with a warning). @default false */
  httpsRedirect?: boolean;
  /** How TLS is handled. Istio reads a missing mode as PASSTHROUGH (the enum's zero value). @default "PASSTHROUGH" */
  mode?: TlsMode;
  /** Secret in the gateway's namespace holding the certificate (read through SDS). @default none */
  credentialName?: string;
  /** Several Secrets (e.g. an RSA and an ECDSA certificate); not together with credentialName. @default none */
  credentialNames?: string[];
  /** MUTUAL: path of the CA bundle that verifies clients, on the proxy's file system. @default none */
  caCertificates?: string;
  /** MUTUAL: Secret or ConfigMap holding the CA that verifies clients (Istio 1.28+). @default the credential's ca.crt */
  caCertCredentialName?: string;
  /** Lowest TLS version accepted: `TLS_AUTO`, `TLSV1_0` … `TLSV1_3`; below 1.2 needs `cipherSuites`. @default Istio's default */
  minProtocolVersion?: string;
  /** Highest TLS version accepted. @default Istio's default */
  maxProtocolVersion?: string;
  /** Cipher suites offered, from Istio's list. @default Istio's default */
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
   * shared gateway, to the gateway's own namespace (`./`) on a dedicated one. The host is `*`, a fully qualified
   * name, `*.domain` or an IP address: short names such as `shop` are refused, as Istio refuses them.
   */
  hosts: string[];
  /** TLS settings. @default none */
  tls?: GatewayServerTls;
  /** Optional server name, shown in Istio's metrics. @default none */
  name?: string;
}

/** A revision's part in a canary. */
export const TrackRole = {
  /** The revision serving before the canary started; it shrinks as the canary grows. */
  Stable: "stable",
  /** The revision being rolled out. */
  Canary: "canary",
} as const;
export type TrackRole = (typeof TrackRole)[keyof typeof TrackRole];

/** A canary: a second Deployment on another Istio revision behind the same Service. */
export interface Canary {
  /** Istio revision (or revision tag) the canary's pods are injected by, e.g. `1-26-0`; it must differ from `revision`. */
  revision: string;
  /** Percent of the pods on the canary now: 0 or one of `steps`. @default 0 */
  weight?: number;
  /** The rollout plan: increasing percentages ending at 100. @default [10, 25, 50, 100] */
  steps?: number[];
  /**
   * The weight the cluster runs before this update. It tells which revision grows, so that one is scaled and
   * ready before the other shrinks. The rollout command writes it on every move.
   * @default unknown: the canary is assumed to grow (and a warning says so)
   */
  previousWeight?: number;
  /**
   * Canary analysis: the canary revision's own request metrics, read from Prometheus, decide whether
   * `npm run rollout -- next` may advance and `rollout run` walks the plan on its own (docs/analysis.md). The
   * component renders nothing from it; it is checked at preview like every key.
   * @default none: every step is a person's decision
   */
  analysis?: CanaryAnalysis;
}

/**
 * What "the canary holds" means, as Prometheus queries over Istio's standard metrics. A gateway proxy reports the
 * requests it forwards as their source (`reporter="source"`), so each revision's requests are those whose
 * `source_canonical_service` is the gateway and whose `source_canonical_revision` is the revision: the labels the
 * component puts on each revision's pods (docs/analysis.md). Durations are Prometheus durations (`30s`, `1m`, `1h30m`).
 */
export interface CanaryAnalysis {
  /** The Prometheus HTTP API's base address, e.g. `http://prometheus.istio-system:9090` (http or https). */
  prometheus: string;
  /** How long `rollout run` waits after each `pulumi up`, and between measurements while it holds. @default "1m" */
  interval?: string;
  /** The range each measurement covers (PromQL's `[window]`); at least four scrape intervals. @default "1m" */
  window?: string;
  /**
   * The fewest canary requests in the window for a measurement to count: fewer is inconclusive, never a pass (a
   * 99 % success rate cannot be told from 98 % on fewer than 100 requests).
   * @default 100
   */
  minRequests?: number;
  /** Failed measurements in one `rollout run` after which it aborts (Flagger's `threshold`). @default 5 */
  failureLimit?: number;
  /** Inconclusive measurements in a row after which `rollout run` aborts: no data is never a pass. @default 3 */
  inconclusiveLimit?: number;
  /**
   * The share of the canary's requests that did not end in a 5xx.
   * @default { min: 99 } when the analysis names no check (successRate, latency or checks)
   */
  successRate?: SuccessRateCheck;
  /**
   * The canary's 99th-percentile request duration, from `istio_request_duration_milliseconds_bucket`.
   * @default { p99Max: 500 } when the analysis names no check (successRate, latency or checks)
   */
  latency?: LatencyCheck;
  /** Checks of your own: a PromQL template per revision and the range its value must stay in. @default [] */
  checks?: AnalysisCheck[];
}

/**
 * A number that may have a fraction (99.5 percent, 2.5 milliseconds); every other number of these arguments is a
 * whole one. For the generated SDKs it is a plain number.
 */
export type Decimal = number;

/** The success rate check: an absolute floor, a largest drop below the stable revision, or both. */
export interface SuccessRateCheck {
  /** The canary's least success rate, in percent (0–100). @default none */
  min?: Decimal;
  /** The most the canary's success rate may fall below the stable's over the same window, in percentage points. @default none */
  maxDrop?: Decimal;
}

/** The latency check: an absolute ceiling on the p99, a largest rise above the stable revision's, or both. */
export interface LatencyCheck {
  /** The canary's greatest p99 request duration, in milliseconds. @default none */
  p99Max?: Decimal;
  /** The most the canary's p99 may exceed the stable's over the same window, in percent of the stable's. @default none */
  maxIncrease?: Decimal;
}

/**
 * A check of your own. The query is PromQL with `{{gateway}}`, `{{namespace}}`, `{{revision}}` (the revision's
 * `source_canonical_revision`), `{{workload}}` (its Deployment) and `{{window}}`, run once per revision; it must
 * give one number. No series, or NaN, is inconclusive; more than one series is an error.
 */
export interface AnalysisCheck {
  /** The check's name in reports: lowercase letters, digits and "-". */
  name: string;
  /** The PromQL template. */
  query: string;
  /** The least value that passes. @default none (at least one of min and max) */
  min?: Decimal;
  /** The greatest value that passes. @default none (at least one of min and max) */
  max?: Decimal;
}

/** An object of this gateway that already runs under the name the gateway gives it (docs/adoption.md). */
export const AdoptedKind = {
  /** The Service `<name>`: kept, so its ClusterIP, node ports and load-balancer address stay. */
  Service: "Service",
  /** The ServiceAccount `<name>`. */
  ServiceAccount: "ServiceAccount",
  /** The Role `<name>` (SDS access to Secrets). */
  Role: "Role",
  /** The RoleBinding `<name>`. */
  RoleBinding: "RoleBinding",
  /** The Istio Gateway named by `istioGatewayName`: kept, so VirtualServices bound to it stay bound. */
  IstioGateway: "IstioGateway",
} as const;
export type AdoptedKind = (typeof AdoptedKind)[keyof typeof AdoptedKind];

/** The Deployment that serves now, taken over as the stable track until `promote` deletes it. */
export interface AdoptedDeployment {
  /** Its name in the gateway's namespace. */
  name: string;
  /** Its `spec.selector.matchLabels`, as they are (a Deployment's selector cannot change). */
  selector: Record<string, string>;
  /** The HorizontalPodAutoscaler that scales it, taken over as its HPA (needs `autoscaling`). @default none */
  horizontalPodAutoscaler?: string;
}

/**
 * Objects of a gateway installed by other means (istioctl, the istio/gateway chart, plain YAML) that this
 * component takes over with Pulumi's `import`, instead of creating new ones beside them.
 */
export interface Adoption {
  /** This gateway's own objects that already exist under the names it gives them: imported, then kept. @default [] */
  existing?: AdoptedKind[];
  /** The running Deployment: the stable track while the canary moves traffic away from it. @default none */
  deployment?: AdoptedDeployment;
  /**
   * Other objects of the old install, as `Kind/name` (ServiceAccount, Role, RoleBinding, PodDisruptionBudget,
   * HorizontalPodAutoscaler): imported as they are, deleted with the adopted Deployment at `promote`.
   * @default []
   */
  retire?: string[];
}

/** A port of the gateway's Service. Gateways serve TCP only, so there is no protocol to choose. */
export interface GatewayServicePort {
  /** Port name, a DNS label unique within the Service (`status-port` is the component's). */
  name: string;
  /** Port the Service exposes. */
  port: number;
  /** Port of the gateway pods it forwards to. @default `port` */
  targetPort?: number;
}

/** External and internal traffic policies of a Service. */
export const TrafficPolicy = {
  /** Any node may forward to any gateway pod. */
  Cluster: "Cluster",
  /** Only pods on the receiving node; keeps the client's source IP. */
  Local: "Local",
} as const;
export type TrafficPolicy = (typeof TrafficPolicy)[keyof typeof TrafficPolicy];

/** A Service's IP family policy. */
export const IpFamilyPolicy = {
  /** One IP family. */
  SingleStack: "SingleStack",
  /** Both families where the cluster has them. */
  PreferDualStack: "PreferDualStack",
  /** Both families, or fail. */
  RequireDualStack: "RequireDualStack",
} as const;
export type IpFamilyPolicy = (typeof IpFamilyPolicy)[keyof typeof IpFamilyPolicy];

/** An IP family of a Service. */
export const IpFamily = {
  /** IPv4. */
  IPv4: "IPv4",
  /** IPv6. */
  IPv6: "IPv6",
} as const;
export type IpFamily = (typeof IpFamily)[keyof typeof IpFamily];

/** Options of the gateway's Service, named as in the istio/gateway chart's `service.*`. */
export interface GatewayService {
  /**
   * Service type. `LoadBalancer` waits for an external address during `pulumi up`; on clusters without a
   * load-balancer controller (kind, minikube) use `NodePort` or `ClusterIP`.
   * @default "LoadBalancer" ("ClusterIP" with mode egress)
   */
  type?: ServiceType;
  /**
   * Explicit Service ports instead of one per server port (the status port 15021 is always added). Every
   * server's port must stay a `targetPort` here, or the preview fails (GatewayPortNotDefinedOnService).
   * @default one port per distinct server port, targeting it
   */
  ports?: GatewayServicePort[];
  /** Ports added to the generated ones, e.g. a metrics or health port for an outer load balancer. @default [] */
  extraPorts?: GatewayServicePort[];
  /** Annotations of the Service, e.g. a cloud load balancer's settings. @default {} */
  annotations?: Record<string, string>;
  /** Extra labels of the Service; `app` and `istio` are the component's. @default {} */
  labels?: Record<string, string>;
  /** LoadBalancer only: the address to ask the cloud for. @default none */
  loadBalancerIP?: string;
  /** LoadBalancer only: client CIDR ranges allowed through the load balancer. @default none (all) */
  loadBalancerSourceRanges?: string[];
  /** LoadBalancer only: the load-balancer implementation to use. @default the cluster's default */
  loadBalancerClass?: string;
  /** NodePort and LoadBalancer: `Local` keeps client source IPs. @default Kubernetes' default ("Cluster") */
  externalTrafficPolicy?: TrafficPolicy;
  /** In-cluster traffic policy. @default Kubernetes' default ("Cluster") */
  internalTrafficPolicy?: TrafficPolicy;
  /** Dual-stack policy. @default Kubernetes' default ("SingleStack") */
  ipFamilyPolicy?: IpFamilyPolicy;
  /** IP families, in order of preference. @default the cluster's default */
  ipFamilies?: IpFamily[];
  /** Extra external IPs the Service accepts traffic on. @default none */
  externalIPs?: string[];
}

/** How traffic is divided between the stable and canary revisions. */
export const TrafficShifting = {
  /** One Service in front of both revisions: traffic divides by ready pods. */
  Replicas: "replicas",
  /** A Service per revision; an outer load balancer or DNS applies the exported weights. */
  External: "external",
} as const;
export type TrafficShifting = (typeof TrafficShifting)[keyof typeof TrafficShifting];

/**
 * Which API the gateway's routing resource speaks. Both bind the same pods: Istio's Gateway by label selector,
 * the Gateway API's by naming the gateway's Service in `spec.addresses` (Istio's "manual deployment").
 */
export const RoutingApi = {
  /** An Istio `networking.istio.io/v1` Gateway, for VirtualServices. */
  Istio: "istio",
  /** A Kubernetes `gateway.networking.k8s.io/v1` Gateway, for HTTPRoutes, TLSRoutes and TCPRoutes. */
  GatewayApi: "gateway-api",
  /** Both, on the same pods: VirtualServices and HTTPRoutes side by side, e.g. while moving from one to the other. */
  Both: "both",
} as const;
export type RoutingApi = (typeof RoutingApi)[keyof typeof RoutingApi];

/** How an HPA picks among several scaling policies. */
export const ScalingPolicySelect = {
  /** The policy that allows the largest change. */
  Max: "Max",
  /** The policy that allows the smallest change. */
  Min: "Min",
  /** No scaling in this direction. */
  Disabled: "Disabled",
} as const;
export type ScalingPolicySelect = (typeof ScalingPolicySelect)[keyof typeof ScalingPolicySelect];

/** What a scaling policy's value counts. */
export const ScalingPolicyType = {
  /** A number of pods. */
  Pods: "Pods",
  /** A percentage of the current pods. */
  Percent: "Percent",
} as const;
export type ScalingPolicyType = (typeof ScalingPolicyType)[keyof typeof ScalingPolicyType];

/** One autoscaling/v2 HPAScalingPolicy: at most `value` pods (or percent) per `periodSeconds`. */
export interface ScalingPolicy {
  /** Pods or Percent. */
  type: ScalingPolicyType;
  /** How many pods, or what percent of the current pods, a period may add or remove. */
  value: number;
  /** The period, in seconds (1 to 1800). */
  periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules for one direction. */
export interface ScalingRules {
  /** Seconds of past recommendations considered before scaling. @default Kubernetes' default (0 up, 300 down) */
  stabilizationWindowSeconds?: number;
  /** Which policy wins when several apply. @default "Max" */
  selectPolicy?: ScalingPolicySelect;
  /** The policies. @default Kubernetes' defaults */
  policies?: ScalingPolicy[];
}

/** autoscaling/v2 HorizontalPodAutoscalerBehavior, given to every revision's HPA. */
export interface ScalingBehavior {
  /** Rules for scaling up. @default Kubernetes' defaults */
  scaleUp?: ScalingRules;
  /** Rules for scaling down. @default Kubernetes' defaults */
  scaleDown?: ScalingRules;
}

/** Horizontal pod autoscaling, as in the istio/gateway chart. With a canary, each revision gets its share. */
export interface Autoscaling {
  /** Fewest pods across revisions. @default 2 */
  minReplicas?: number;
  /** Most pods across revisions; the canary never gets more than its weight's share. @default max(5, minReplicas) */
  maxReplicas?: number;
  /** Average CPU use, in percent of requests, the HPA aims for (1 to 1000). @default 80 */
  targetCPUUtilizationPercentage?: number;
  /** Average memory use, in percent of requests, the HPA aims for (1 to 1000). @default none */
  targetMemoryUtilizationPercentage?: number;
  /** Scaling behavior of every HPA. @default Kubernetes' defaults */
  behavior?: ScalingBehavior;
}

/**
 * A PodDisruptionBudget per revision: set one of the four. Kubernetes takes "a count or a percentage" in one
 * field (IntOrString); a multi-language schema cannot say that, so percentages have their own keys. Stack files
 * may still write `minAvailable: "50%"`.
 */
export interface DisruptionBudget {
  /** Pods that must stay up during voluntary disruptions. @default unset */
  minAvailable?: number;
  /** Pods a voluntary disruption may take at once. @default 1 */
  maxUnavailable?: number;
  /** Percent of the revision's pods that must stay up (Kubernetes rounds up). @default unset */
  minAvailablePercent?: number;
  /** Percent of the revision's pods a disruption may take (Kubernetes rounds up). @default unset */
  maxUnavailablePercent?: number;
}

/** Graceful shutdown of the gateway's proxies. */
export interface Drain {
  /**
   * How long the proxy drains connections after SIGTERM: both Envoy's drain window (ProxyConfig `drainDuration`)
   * and how long the agent waits before stopping Envoy (`terminationDrainDuration`). 0 to 3600.
   * @default 45
   */
  durationSeconds?: number;
  /** The pod's termination grace period; must exceed durationSeconds. @default max(60, durationSeconds + 15) */
  terminationGracePeriodSeconds?: number;
}

/** What the gateway is for; each mode sets what Istio's own profiles set (components/core/validate/modes.ts). */
export const Mode = {
  /** Traffic from outside the cluster: a LoadBalancer Service in front of the servers' ports. */
  Ingress: "ingress",
  /** Traffic leaving the mesh: a ClusterIP Service, reached from inside the mesh only. */
  Egress: "egress",
  /** A network's gateway in a multi-network mesh: port 15443 (AUTO_PASSTHROUGH), 15012 and 15017. */
  EastWest: "east-west",
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

/** CPU and memory of the proxy container, as Kubernetes quantities ("500m", "2", "256Mi"). */
export interface ProxyResources {
  /** What the scheduler reserves. @default { cpu: "100m", memory: "128Mi" } */
  requests?: Record<string, string>;
  /** The most the proxy may use. @default { cpu: "2", memory: "1Gi" } */
  limits?: Record<string, string>;
}

/** Arguments of {@link IstioGateway}. */
export interface IstioGatewayArgs {
  /** Namespace the gateway runs in. */
  namespace: string;
  /**
   * Create the namespace as a child of this component. Leave it off when the namespace exists, or when several
   * gateways share it (create it once, next to them). System namespaces (`default`, `kube-*`, `istio-system`) are
   * refused: other workloads live there.
   * @default false
   */
  createNamespace?: boolean;
  /**
   * With `createNamespace`: keep the namespace in the cluster when the stack stops managing it (Pulumi
   * `retainOnDelete`), on `pulumi destroy` or when `createNamespace` is removed. `false` lets Pulumi delete it,
   * and with it every object in it (a warning, NamespaceDeletedWithStack, says so at every preview).
   * @default true
   */
  retainNamespace?: boolean;
  /**
   * Extra labels of a namespace this component creates. `istio-injection` and `istio.io/rev` are refused: they
   * override the per-pod injection labels gateways rely on.
   * @default {}
   */
  namespaceLabels?: Record<string, string>;
  /**
   * The routing resource: Istio's Gateway (`istio`), the Kubernetes Gateway API's (`gateway-api`, listeners made
   * from `servers`), or both. The Gateway API needs its CRDs in the cluster and Istio 1.22+.
   * @default "istio"
   */
  routingApi?: RoutingApi;
  /**
   * With `routingApi` `gateway-api` or `both`: the Gateway API Gateway's `gatewayClassName`. Istio's controller
   * serves the class `istio`; a class another controller owns leaves the Gateway unserved.
   * @default "istio"
   */
  gatewayClassName?: string;
  /** Istio topology. @default "shared" */
  topology?: Topology;
  /** Total gateway pods across both revisions, 1 to 10000; refused with `autoscaling`. @default 2 */
  replicas?: number;
  /** HPAs own the pod count, one per revision. @default none: `replicas` pods */
  autoscaling?: Autoscaling;
  /** Disruption budget per revision that can run more than one pod. @default { maxUnavailable: 1 } */
  podDisruptionBudget?: DisruptionBudget;
  /** Connection draining on shutdown. @default { durationSeconds: 45, terminationGracePeriodSeconds: 60 } */
  drain?: Drain;
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
   * `istio.io/rev` with per-pod revisions (NamespaceOverridesRevision). Refused as `true` with `createNamespace`:
   * that namespace does not exist yet, and its labels (`namespaceLabels`) are checked without the cluster.
   * @default true when the component does not create the namespace
   */
  verifyNamespace?: boolean;
  /**
   * The Istio Gateway's name; VirtualServices name it in `spec.gateways` as `<namespace>/<istioGatewayName>`, so
   * an adopted Gateway keeps its own.
   * @default the gateway's name
   */
  istioGatewayName?: string;
  /** Objects already running that this gateway takes over (docs/adoption.md). @default none */
  adopt?: Adoption;
  /**
   * Refuse the preview on a warning as on an error, as `istioctl analyze --failure-threshold Warning` fails on one:
   * settings Istio accepts but ignores or serves otherwise than written (docs/findings.md lists both severities).
   * A stack file turns it on for every gateway with `istio-gateways:strict: true`; adoption never does.
   * @default false
   */
  strict?: boolean;
  /**
   * Istio revision or tag of the stable pods, a DNS-1123 label: `1-25-1` or `prod-stable`, not `1.25.1`.
   * @default the default revision
   */
  revision?: string;
  /** A canary on another revision. @default none */
  canary?: Canary;
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
  service?: GatewayService;
  /** What the gateway is for: ingress, egress or east-west. @default "ingress" */
  mode?: Mode;
  /** With mode east-west: the network this gateway serves (the `topology.istio.io/network` label). @default none */
  network?: string;
  /** The proxy container's resources. @default requests 100m / 128Mi, limits 2 / 1Gi (the istio/gateway chart's) */
  resources?: ProxyResources;
  /** Node labels the gateway pods must run on. @default {} */
  nodeSelector?: Record<string, string>;
  /** Taints the gateway pods tolerate. @default [] */
  tolerations?: k8s.types.input.core.v1.Toleration[];
  /** Node and pod affinity of the gateway pods. @default none */
  affinity?: k8s.types.input.core.v1.Affinity;
  /**
   * How each revision's pods spread. @default each revision spreads over zones and nodes (maxSkew 1,
   * ScheduleAnyway)
   */
  topologySpreadConstraints?: k8s.types.input.core.v1.TopologySpreadConstraint[];
  /** PriorityClass of the gateway pods, e.g. `system-cluster-critical`. @default none */
  priorityClassName?: string;
  /** Extra environment of the proxy container. @default {} (east-west adds ISTIO_META_REQUESTED_NETWORK_VIEW) */
  env?: Record<string, string>;
  /** Secrets used to pull the injected proxy image. @default [] */
  imagePullSecrets?: string[];
  /**
   * Extra pod annotations, e.g. `sidecar.istio.io/*` proxy settings; the component's own are refused.
   * `proxy.istio.io/config` (ProxyConfig in YAML or JSON, e.g. `gatewayTopology: { numTrustedProxies: 1 }`) is
   * merged with the drain settings the component writes there; only `drainDuration` or `terminationDrainDuration`
   * at another value than `drain.durationSeconds` is refused.
   * @default {}
   */
  podAnnotations?: Record<string, string>;
  /**
   * Bump to restart every pod of the gateway (a rolling restart that keeps capacity), e.g. after moving the
   * revision tag its pods use so that they are injected by the new control plane. A whole number, 0 or more.
   * @default 0
   */
  restartGeneration?: number;
  /**
   * How long one revision's Deployment may take to get its pods ready before `pulumi up` fails, in seconds: the
   * Kubernetes provider's await (`pulumi.com/timeoutSeconds`) and the Deployment's `progressDeadlineSeconds`, so
   * the failure names the Deployment (gateway and revision) and `kubectl rollout status` agrees. A canary whose
   * pods never become ready stops the update here; the stable revision, updated only after the canary is ready,
   * keeps every pod. Between 10 and 21600.
   * @default 600
   */
  updateTimeoutSeconds?: number;
}
