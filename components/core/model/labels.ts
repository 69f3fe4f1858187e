/**
 * The labels and annotations that tie a gateway together: the Service and the Istio Gateway select the
 * gateway labels; each Deployment adds its track so that no two Deployments' selectors overlap.
 */
import { Labels } from "./types";

/** Label that keeps each revision's Deployment selector disjoint from the other's. */
export const TRACK_LABEL = "pulumi-istio-gateway/track";

/** Pod label that turns injection on (the default revision's injector, or the namespace's). */
export const INJECT_LABEL = "sidecar.istio.io/inject";
/** Pod (or namespace) label naming the revision whose injector takes the pod. */
export const REVISION_LABEL = "istio.io/rev";
/** Pod annotation naming the injection templates; `gateway` makes the pod an Envoy gateway, not a sidecar. */
export const TEMPLATES_ANNOTATION = "inject.istio.io/templates";

/** Track name of the pods injected by the default revision (no `istio.io/rev` label). */
export const DEFAULT_TRACK = "default";

/**
 * Track name of a Deployment adopted from another install (adopt.ts): it keeps its own pods, labels and name until
 * promote retires it, so it is named for where it came from, not for a revision.
 */
export const ADOPTED_TRACK = "adopted";

/** The track a revision's pods belong to; the default revision has no name of its own. */
export function trackName(revision: string | undefined): string {
  return revision ?? DEFAULT_TRACK;
}

/**
 * Selector labels, as the `istio/gateway` Helm chart sets them: `app: <name>` and `istio: <name without an
 * "istio-" prefix>`. They are the Service's selector and the Gateway's `spec.selector`, and every track's
 * pods carry them, so both select every serving track.
 */
export function gatewayLabels(gateway: string): Labels {
  return { app: gateway, istio: gateway.replace(/^istio-/, "") };
}

/** A track's Deployment selector: the gateway labels plus the track, disjoint from every other track's. */
export function trackSelector(gateway: string, revision: string | undefined): Labels {
  return { ...gatewayLabels(gateway), [TRACK_LABEL]: trackName(revision) };
}

/**
 * Pod labels. `sidecar.istio.io/inject: "true"` asks the default injector; with `istio.io/rev` the revision's
 * injector takes the pod instead (the default webhook's objectSelector excludes pods that carry a revision).
 * `istio.io/dataplane-mode: none` keeps ambient mode from capturing the gateway's own traffic.
 */
export function podLabels(gateway: string, revision: string | undefined): Labels {
  const labels: Labels = {
    ...trackSelector(gateway, revision),
    ...telemetryLabels(gateway, revision),
    [INJECT_LABEL]: "true",
    "istio.io/dataplane-mode": "none",
  };
  if (revision !== undefined) labels[REVISION_LABEL] = revision;
  return labels;
}

/**
 * Istio's canonical service labels. Without them the injector falls back to `app` for the name and to `latest`
 * for the revision, so stable and canary pods report the same `destination_canonical_revision` and their error
 * rates cannot be told apart (Istio "Application requirements"; `istioctl validate`: "may not provide Istio
 * metrics and telemetry labels"). Each track reports its own revision (`default` for the default revision);
 * `app.kubernetes.io/name`/`version` are the istio/gateway chart's own pod labels, set to the same values.
 */
export function telemetryLabels(gateway: string, revision: string | undefined): Labels {
  return {
    "service.istio.io/canonical-name": gateway,
    "service.istio.io/canonical-revision": trackName(revision),
    "app.kubernetes.io/name": gateway,
    "app.kubernetes.io/version": trackName(revision),
  };
}

/** Pod annotations: the gateway injection template, and Prometheus scraping of the merged Envoy/agent stats. */
export function podAnnotations(): Record<string, string> {
  return {
    [TEMPLATES_ANNOTATION]: "gateway",
    "prometheus.io/scrape": "true",
    "prometheus.io/port": "15020",
    "prometheus.io/path": "/stats/prometheus",
  };
}

/** Whether a matchLabels selector takes pods with these labels (every key with the same value). */
export function selects(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Labels every object of a gateway carries, for `kubectl get -l` and ownership. */
export function commonLabels(gateway: string): Labels {
  return { "app.kubernetes.io/name": gateway, "app.kubernetes.io/managed-by": "pulumi-istio-gateway" };
}

/** A name most Kubernetes objects (a Secret, a GatewayClass) may have: lowercase letters, digits, "-" and ".", ≤ 253 characters. */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name);
}

/** The Deployment's name: stable per revision, so promotion keeps the surviving Deployment's identity. */
export function deploymentName(gateway: string, revision: string | undefined): string {
  return `${gateway}-${trackName(revision)}`;
}

/** Pod-template annotation carrying the restart token. */
export const RESTART_ANNOTATION = "pulumi-istio-gateway/restart-token";

export const PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";
