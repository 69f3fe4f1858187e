import { AdoptedKind, Mode, RoutingApi, ServiceType, Topology, TrafficShifting } from "../../args";
import { ValidAnalysis } from "./analysis";
import { Labels, ServicePort, TopologySpreadConstraint, ValidServer } from "./types";
type Obj = Record<string, unknown>;

/** A gateway's arguments once validated, every default applied. */
export interface ValidGateway {
  name: string;
  namespace: string;
  createNamespace: boolean;
  /** A namespace this gateway creates stays in the cluster when the stack stops managing it. */
  retainNamespace: boolean;
  namespaceLabels: Record<string, string>;
  topology: Topology;
  /** Fixed pod count; with autoscaling, the HPAs' minimum. */
  replicas: number;
  autoscaling?: AutoscalingSettings;
  disruption: DisruptionSettings;
  drain: DrainSettings;
  trafficShifting: TrafficShifting;
  revision?: string;
  canary?: ValidCanary;
  servers: ValidServer[];
  routeNamespaces: string[];
  service: ValidService;
  /** ingress, egress or east-west (validate/modes.ts). */
  mode: Mode;
  /** east-west: the network this gateway serves. */
  network?: string;
  /** Pod settings every revision shares. */
  pod: ValidPod;
  restartGeneration: number;
  /** How long one Deployment's update may take before `pulumi up` fails (plan/deployment.ts). */
  updateTimeoutSeconds: number;
  /** The routing resources: Istio's Gateway, the Gateway API's, or both (validate/routing.ts). */
  routingApi: RoutingApi;
  /** The Gateway API Gateway's class. */
  gatewayClassName: string;
  /** The Istio Gateway's selector, when overridden. */
  gatewaySelector?: Record<string, string>;
  /** Extra labels on every pod. */
  podLabels: Record<string, string>;
  /** Read the existing namespace at preview and refuse injection labels that override the pods'. */
  verifyNamespace: boolean;
  /** The Istio Gateway's name (the gateway's own unless an adopted Gateway keeps another). */
  istioGatewayName: string;
  /** Running objects this gateway takes over (validate/adopt.ts, plan/adopt.ts). */
  adoption?: ValidAdoption;
  /** Warnings refuse the preview as errors do (prepare.ts). */
  strict: boolean;
}

export interface ValidCanary {
  revision: string;
  weight: number;
  steps: number[];
  /** The weight the cluster runs before this update, written by the rollout command; orders the move. */
  previousWeight?: number;
  /** Canary analysis (tools/analysis/); the component renders nothing from it. */
  analysis?: ValidAnalysis;
}

export interface ValidPod {
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  nodeSelector: Record<string, string>;
  tolerations: Obj[];
  affinity?: Obj;
  /** undefined: the default spread across zones and nodes. */
  topologySpreadConstraints?: TopologySpreadConstraint[];
  priorityClassName?: string;
  env: Record<string, string>;
  imagePullSecrets: string[];
  podAnnotations: Record<string, string>;
  /** ProxyConfig fields from podAnnotations["proxy.istio.io/config"], merged with the drain keys (proxy-config.ts). */
  proxyConfig: Record<string, unknown>;
}

export interface ValidService {
  type: ServiceType;
  /** Explicit ports instead of one per server port. */
  ports?: ServicePort[];
  /** Ports added to the generated ones. */
  extraPorts: ServicePort[];
  annotations: Record<string, string>;
  labels: Record<string, string>;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  loadBalancerClass?: string;
  externalTrafficPolicy?: "Cluster" | "Local";
  internalTrafficPolicy?: "Cluster" | "Local";
  ipFamilyPolicy?: "SingleStack" | "PreferDualStack" | "RequireDualStack";
  ipFamilies?: Array<"IPv4" | "IPv6">;
  externalIPs?: string[];
}

/** Kinds an old install may leave that are retired with its Deployment, and their API versions. */
export const RETIRED_KINDS: Readonly<Record<string, string>> = {
  ServiceAccount: "v1",
  Role: "rbac.authorization.k8s.io/v1",
  RoleBinding: "rbac.authorization.k8s.io/v1",
  PodDisruptionBudget: "policy/v1",
  HorizontalPodAutoscaler: "autoscaling/v2",
};

export interface ValidAdoptedDeployment {
  name: string;
  selector: Labels;
  horizontalPodAutoscaler?: string;
}

export interface RetiredObject {
  kind: string;
  name: string;
}

export interface ValidAdoption {
  existing: AdoptedKind[];
  deployment?: ValidAdoptedDeployment;
  retire: RetiredObject[];
}

export interface AutoscalingSettings {
  minReplicas: number;
  maxReplicas: number;
  targetCPUUtilizationPercentage: number;
  targetMemoryUtilizationPercentage?: number;
  /** autoscaling/v2 HorizontalPodAutoscalerBehavior, passed through. */
  behavior?: Record<string, unknown>;
}

/** Either bound, as Kubernetes takes it: a pod count or a percentage such as "25%". */
export interface DisruptionSettings {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

/**
 * Graceful draining. On SIGTERM the injected proxy's agent tells Envoy to drain its listeners over
 * `drainDuration` and waits `terminationDrainDuration` before stopping it (Istio ProxyConfig, set per pod through
 * the `proxy.istio.io/config` annotation, proxy-config.ts), while the load balancer deregisters the pod; the pod
 * must be given longer than that to terminate.
 *
 * Defaults: 45 s of draining outlasts the 30 s deregistration delay load balancers are commonly tuned to, and a
 * 60 s grace period leaves the proxy time to close after it. A load balancer with a longer delay (AWS target
 * groups default to 300 s) needs both raised.
 */
export interface DrainSettings {
  durationSeconds: number;
  terminationGracePeriodSeconds: number;
}

/** The drain keys the component owns, from drain.durationSeconds. */
export function drainProxyConfig(d: DrainSettings): Record<string, string> {
  // drainDuration is Envoy's --drain-time-s, the window over which its listeners drain; terminationDrainDuration
  // is how long the agent waits after SIGTERM before it stops Envoy. Both must cover the drain, or connections are
  // closed after Envoy's 45 s default however long the pod is given.
  return { drainDuration: `${d.durationSeconds}s`, terminationDrainDuration: `${d.durationSeconds}s` };
}

export function servesIstioApi(api: RoutingApi): boolean {
  return api !== RoutingApi.GatewayApi;
}

export function servesGatewayApi(api: RoutingApi): boolean {
  return api !== RoutingApi.Istio;
}
