/**
 * Kubernetes and Istio naming rules, as plain predicates. Each regex names the rule it enforces.
 */

// Namespaces, revisions and label-ish names are DNS-1123 labels (RFC 1123): Istio also builds Service names from
// revisions (istiod-<rev>), which is why it writes 1-24-0 and never 1.24.0.
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

// Service names are DNS-1035 labels: they must start with a letter. The gateway name becomes the Service name.
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

// A label key: optional DNS-subdomain prefix and "/", then a name of at most 63 characters (apimachinery
// validation.IsQualifiedName).
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  if (slash < 0) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

// A label value: empty, or at most 63 characters of alphanumerics, "-", "_", "." starting and ending alphanumeric.
export function isLabelValue(value: string): boolean {
  return value === "" || /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value);
}

// A Gateway host: "*", or a DNS name that may start with "*." (Istio Server.hosts), lower or upper case.
const HOST = /^(\*|(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*)$/;

/** `host`, or `namespace/host` where namespace is `*`, `.` or a namespace name (Istio Server.hosts). */
export function isGatewayHost(entry: string): boolean {
  const parts = entry.split("/");
  if (parts.length === 1) return HOST.test(entry) && entry.length <= 253;
  if (parts.length !== 2) return false;
  const [ns, host] = parts;
  return (ns === "*" || ns === "." || DNS1123_LABEL.test(ns)) && HOST.test(host) && host.length <= 253;
}

/**
 * Ports the injected proxy binds itself (Istio "Ports used by Istio"): a Gateway server on one of them would
 * collide with Envoy's admin, inbound/outbound capture, HBONE, health, DNS or telemetry listeners.
 */
export const ISTIO_RESERVED_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];
