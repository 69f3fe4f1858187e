/**
 * Plain Kubernetes and Istio object shapes, as the core builds them. Only the fields the planner sets are typed;
 * they are structurally what `@pulumi/kubernetes` accepts as inputs.
 */

import { GatewayServerTls, ServerProtocol } from "../../args";

export type Labels = Record<string, string>;

/** One Istio Gateway server as validated (validate/servers.ts) and used by the planners and the mode presets (validate/modes.ts). */
export interface ValidServer {
  port: { number: number; name: string; protocol: ServerProtocol };
  hosts: string[];
  tls?: GatewayServerTls;
  name?: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface Namespace extends K8sObject {
  apiVersion: "v1";
  kind: "Namespace";
}

export interface ServiceAccount extends K8sObject {
  apiVersion: "v1";
  kind: "ServiceAccount";
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface Role extends K8sObject {
  apiVersion: "rbac.authorization.k8s.io/v1";
  kind: "Role";
  rules: PolicyRule[];
}

export interface RoleBinding extends K8sObject {
  apiVersion: "rbac.authorization.k8s.io/v1";
  kind: "RoleBinding";
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: Array<{ kind: string; name: string; namespace: string }>;
}

export interface ContainerPort {
  name: string;
  containerPort: number;
  protocol: "TCP";
}

export interface Container {
  name: string;
  image: string;
  ports: ContainerPort[];
  env?: Array<{ name: string; value: string }>;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    capabilities: { drop: string[] };
    privileged: boolean;
    readOnlyRootFilesystem: boolean;
    runAsNonRoot: boolean;
    runAsUser: number;
    runAsGroup: number;
  };
}

export interface PodTemplate {
  metadata: { labels: Labels; annotations: Record<string, string> };
  spec: {
    serviceAccountName: string;
    securityContext: { sysctls: Array<{ name: string; value: string }>; seccompProfile: { type: "RuntimeDefault" } };
    terminationGracePeriodSeconds: number;
    containers: Container[];
    nodeSelector?: Record<string, string>;
    tolerations?: Array<Record<string, unknown>>;
    affinity?: Record<string, unknown>;
    topologySpreadConstraints?: TopologySpreadConstraint[];
    priorityClassName?: string;
    imagePullSecrets?: Array<{ name: string }>;
  };
}

export interface Deployment extends K8sObject {
  apiVersion: "apps/v1";
  kind: "Deployment";
  spec: {
    /** Absent when an HPA owns the count. */
    replicas?: number;
    progressDeadlineSeconds: number;
    selector: { matchLabels: Labels };
    strategy: { type: "RollingUpdate"; rollingUpdate: { maxSurge: number; maxUnavailable: number } };
    template: PodTemplate;
  };
}

/**
 * A Deployment adopted from another install (adopt.ts): the plan sets its pod count and names its selector as it
 * is; its pod template stays as it runs.
 */
export interface AdoptedDeploymentObject extends K8sObject {
  apiVersion: "apps/v1";
  kind: "Deployment";
  metadata: ObjectMeta & { annotations: Record<string, string> };
  spec: { replicas?: number; selector: { matchLabels: Labels } };
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: "TCP" | "UDP";
  /** Istio reads the protocol from it before the name (Istio "Protocol Selection"). */
  appProtocol?: string;
}

export interface Service extends K8sObject {
  apiVersion: "v1";
  kind: "Service";
  spec: {
    type: string;
    selector: Labels;
    ports: ServicePort[];
    loadBalancerIP?: string;
    loadBalancerSourceRanges?: string[];
    loadBalancerClass?: string;
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    ipFamilyPolicy?: string;
    ipFamilies?: string[];
    externalIPs?: string[];
  };
}

export interface IstioServer {
  port: { number: number; name: string; protocol: string };
  hosts: string[];
  tls?: Record<string, unknown>;
  name?: string;
}

export interface IstioGatewayObject extends K8sObject {
  apiVersion: "networking.istio.io/v1";
  kind: "Gateway";
  spec: { selector: Labels; servers: IstioServer[] };
}

export interface HorizontalPodAutoscaler extends K8sObject {
  apiVersion: "autoscaling/v2";
  kind: "HorizontalPodAutoscaler";
  spec: {
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: Array<{ type: string; resource: { name: string; target: { type: string; averageUtilization: number } } }>;
    behavior?: Record<string, unknown>;
  };
}

export interface PodDisruptionBudget extends K8sObject {
  apiVersion: "policy/v1";
  kind: "PodDisruptionBudget";
  spec: {
    minAvailable?: number | string;
    maxUnavailable?: number | string;
    selector: { matchLabels: Labels };
    unhealthyPodEvictionPolicy: "AlwaysAllow";
  };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: { matchLabels?: Labels };
  [field: string]: unknown;
}

/** Which namespaces' routes may attach to a listener (Gateway API AllowedRoutes). */
export interface AllowedRoutes {
  namespaces: {
    from: "All" | "Same" | "Selector";
    selector?: { matchExpressions: Array<{ key: string; operator: "In"; values: string[] }> };
  };
}

export interface ListenerTls {
  mode: "Terminate" | "Passthrough";
  certificateRefs?: Array<{ group: ""; kind: "Secret"; name: string }>;
  options?: Record<string, string>;
}

/** One listener of a Gateway API Gateway. */
export interface Listener {
  name: string;
  port: number;
  protocol: "HTTP" | "HTTPS" | "TLS" | "TCP";
  hostname?: string;
  tls?: ListenerTls;
  allowedRoutes: AllowedRoutes;
}

export interface KubernetesGatewayObject extends K8sObject {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "Gateway";
  spec: {
    gatewayClassName: string;
    addresses: Array<{ type: "Hostname"; value: string }>;
    listeners: Listener[];
  };
}
