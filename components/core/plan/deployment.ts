/**
 * One Deployment per revision track: pods whose Envoy istiod injects (the gateway template), exactly like a
 * sidecar, so the proxy image and its version always follow the control plane that injects them.
 */
import { commonLabels, Container, DEFAULT_RESOURCES, Deployment, deploymentName, DrainSettings, Labels, podAnnotations, podLabels, PodTemplate, TopologySpreadConstraint, TRACK_LABEL, trackName, trackSelector, ValidPod } from "../model";
import { proxyConfigAnnotation } from "./proxy-config";

/** Istio's gateway manifests: nothing privileged; uid/gid 1337 is the proxy's user in every release. */
export const PROXY_SECURITY_CONTEXT: Container["securityContext"] = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1337,
  runAsGroup: 1337,
};

/** Lets Envoy bind 80 and 443 without root or NET_BIND_SERVICE (istio/gateway chart). */
export const UNPRIVILEGED_PORTS_SYSCTL = { name: "net.ipv4.ip_unprivileged_port_start", value: "0" };

/**
 * `image: auto` is a placeholder the injector replaces; without injection the pod would try to pull an image
 * called "auto" (ImageAutoWithoutInjection). The injector adds probes, env and volumes; what is set here wins.
 */
function proxyContainer(pod: ValidPod | undefined): Container {
  const env = Object.entries(pod?.env ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
  return {
    name: "istio-proxy",
    image: "auto",
    ports: [{ name: "http-envoy-prom", containerPort: 15090, protocol: "TCP" }],
    ...(env.length > 0 && { env }),
    resources: structuredClone(pod?.resources ?? DEFAULT_RESOURCES),
    securityContext: structuredClone(PROXY_SECURITY_CONTEXT),
  };
}

export interface TrackInput {
  gateway: string;
  namespace: string;
  /** Istio revision or tag; undefined for the default revision. */
  revision: string | undefined;
  /** Pods, or undefined when an HPA owns the count: Pulumi must not own a field the HPA writes. */
  replicas: number | undefined;
  drain: DrainSettings;
  /** Extra pod labels; the component's own labels win. */
  extraLabels?: Record<string, string>;
  /** Pod settings shared by every track. @default the chart's */
  pod?: ValidPod;
  /** How long an update of this Deployment may take before it fails (validate/gateway.ts, updateTimeoutSeconds). */
  updateTimeoutSeconds: number;
}

/**
 * The Kubernetes provider waits for a Deployment's rollout and fails the update after `pulumi.com/timeoutSeconds`
 * (pkg/await/deployment.go: a ProgressDeadlineExceeded condition alone is only reported, never fatal), so both are
 * set: the provider's wait ends the update, the condition tells kubectl and monitoring why.
 */
export const TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/**
 * By default each revision's pods spread across zones, then nodes, so that losing either takes as few of them as
 * possible; soft (ScheduleAnyway), so a small cluster still schedules them.
 */
export function defaultSpread(selector: Labels): TopologySpreadConstraint[] {
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) =>
    ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...selector } } }));
}

/** Scheduling and pull settings from the pod settings; only what is set appears. */
function scheduling(pod: ValidPod | undefined, selector: Labels): Partial<PodTemplate["spec"]> {
  const spread = pod?.topologySpreadConstraints ?? defaultSpread(selector);
  return {
    ...(pod && Object.keys(pod.nodeSelector).length > 0 && { nodeSelector: { ...pod.nodeSelector } }),
    ...(pod && pod.tolerations.length > 0 && { tolerations: structuredClone(pod.tolerations) }),
    ...(pod?.affinity && { affinity: structuredClone(pod.affinity) }),
    ...(spread.length > 0 && { topologySpreadConstraints: structuredClone(spread) }),
    ...(pod?.priorityClassName && { priorityClassName: pod.priorityClassName }),
    ...(pod && pod.imagePullSecrets.length > 0 && { imagePullSecrets: pod.imagePullSecrets.map((name) => ({ name })) }),
  };
}

export function planDeployment(t: TrackInput): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: deploymentName(t.gateway, t.revision),
      namespace: t.namespace,
      labels: { ...commonLabels(t.gateway), [TRACK_LABEL]: trackName(t.revision) },
      annotations: { [TIMEOUT_ANNOTATION]: String(t.updateTimeoutSeconds) },
    },
    spec: {
      ...(t.replicas !== undefined && { replicas: t.replicas }),
      progressDeadlineSeconds: t.updateTimeoutSeconds,
      // Selectors are immutable and must not overlap another track's: the track label keeps them disjoint.
      selector: { matchLabels: trackSelector(t.gateway, t.revision) },
      // A rolling update that adds a pod before it removes one never drops below the ready count.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: { ...t.extraLabels, ...podLabels(t.gateway, t.revision) },
          annotations: { ...t.pod?.podAnnotations, ...podAnnotations(), ...proxyConfigAnnotation(t.drain, t.pod?.proxyConfig) },
        },
        spec: {
          serviceAccountName: t.gateway,
          securityContext: {
            // A "safe" sysctl, allowed by every Pod Security Standard level since Kubernetes 1.22.
            sysctls: [{ ...UNPRIVILEGED_PORTS_SYSCTL }],
            // The restricted Pod Security Standard requires a seccomp profile on the pod or every container
            // (kube-apiserver refused the pods without it); the chart leaves it to the user. Pod level covers the
            // container the injector adds; RuntimeDefault is the container runtime's own profile.
            seccompProfile: { type: "RuntimeDefault" },
          },
          terminationGracePeriodSeconds: t.drain.terminationGracePeriodSeconds,
          containers: [proxyContainer(t.pod)],
          ...scheduling(t.pod, trackSelector(t.gateway, t.revision)),
        },
      },
    },
  };
}
