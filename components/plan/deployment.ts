/**
 * One Deployment per revision track: pods whose Envoy istiod injects (the gateway template), exactly like a
 * sidecar, so the proxy image and its version always follow the control plane that injects them.
 */
import { drainAnnotation, DrainSettings } from "./drain";
import { commonLabels, podAnnotations, podLabels, TRACK_LABEL, trackName, trackSelector } from "./labels";
import { Container, Deployment } from "./types";

/** Resources of the istio/gateway chart: requests 100m/128Mi, limits 2 CPU/1Gi. */
const RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } };

/**
 * `image: auto` is a placeholder the injector replaces; without injection the pod would try to pull an image
 * called "auto" (ImageAutoWithoutInjection). The injector adds probes, env and volumes; what is set here wins.
 */
function proxyContainer(): Container {
  return {
    name: "istio-proxy",
    image: "auto",
    ports: [{ name: "http-envoy-prom", containerPort: 15090, protocol: "TCP" }],
    resources: { requests: { ...RESOURCES.requests }, limits: { ...RESOURCES.limits } },
    // Istio's gateway manifests: nothing privileged; uid/gid 1337 is the proxy's user in every release.
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      runAsGroup: 1337,
    },
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
}

/** The Deployment's name: stable per revision, so promotion keeps the surviving Deployment's identity. */
export function deploymentName(gateway: string, revision: string | undefined): string {
  return `${gateway}-${trackName(revision)}`;
}

export function planDeployment(t: TrackInput): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: deploymentName(t.gateway, t.revision),
      namespace: t.namespace,
      labels: { ...commonLabels(t.gateway), [TRACK_LABEL]: trackName(t.revision) },
    },
    spec: {
      ...(t.replicas !== undefined && { replicas: t.replicas }),
      // Selectors are immutable and must not overlap another track's: the track label keeps them disjoint.
      selector: { matchLabels: trackSelector(t.gateway, t.revision) },
      // A rolling update that adds a pod before it removes one never drops below the ready count.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...t.extraLabels, ...podLabels(t.gateway, t.revision) }, annotations: { ...podAnnotations(), ...drainAnnotation(t.drain) } },
        spec: {
          serviceAccountName: t.gateway,
          // Lets Envoy bind 80 and 443 without root or NET_BIND_SERVICE (istio/gateway chart).
          securityContext: { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }] },
          terminationGracePeriodSeconds: t.drain.terminationGracePeriodSeconds,
          containers: [proxyContainer()],
        },
      },
    },
  };
}
