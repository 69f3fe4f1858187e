/**
 * Kubernetes and Istio naming rules, as plain predicates. Each regex names the rule it enforces.
 */
import { isIP } from "net";

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

// A DNS label in a host name (Istio's IsDNS1123Label takes both cases).
const DNS_LABEL_ANY_CASE = /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

const HOST_FORMS = 'use "host" or "namespace/host", where host is "*", a DNS name such as "shop.example.com" or "*.example.com", or an IP address, and namespace is "*", "." or a namespace name';

/**
 * Why Istio refuses a Gateway host entry, or undefined (agent.ValidateNamespaceSlashWildcardHostname with
 * isGateway): `host` or `namespace/host`; the host is `*`, an IP address, or a fully qualified DNS name whose
 * first label may be `*` alone. Short names are refused: a Gateway host is matched against the Host header.
 */
export function gatewayHostProblem(entry: string): string | undefined {
  const slash = entry.indexOf("/");
  const ns = slash < 0 ? undefined : entry.slice(0, slash);
  const host = slash < 0 ? entry : entry.slice(slash + 1);
  if (ns !== undefined && ns !== "*" && ns !== "." && !DNS1123_LABEL.test(ns)) return `"${ns}" is not a namespace; ${HOST_FORMS}`;
  if (host === "*") return undefined;
  if (host.length === 0 || host.length > 255 || host.includes("/")) return HOST_FORMS;
  // Checked before the IP form, as Istio does: an IPv6 address without a dot is refused too.
  if (!host.includes(".")) return `short names are not allowed (Istio: "short names (non FQDN) are not allowed"); write the fully qualified name, e.g. "${host}.example.com"`;
  if (isIP(host) !== 0) return undefined;
  if (host.includes("*") && !host.startsWith("*.")) return `a wildcard must be the whole first label ("*.example.com"); ${HOST_FORMS}`;
  const labels = host.replace(/\.$/, "").split(".");
  const bad = labels.find((l, i) => !(i === 0 && l === "*") && !DNS_LABEL_ANY_CASE.test(l));
  if (bad !== undefined) return `"${bad}" is not a DNS label (letters, digits and "-", at most 63 characters); ${HOST_FORMS}`;
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return `its top-level domain "${labels[labels.length - 1]}" is all digits; use a DNS name or an IP address`;
  return undefined;
}
