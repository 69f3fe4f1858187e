/**
 * Validation of label maps (namespace labels, extra pod labels, a Gateway selector override) and of explicit
 * Service ports: the overrides a user can set that could break what the component otherwise guarantees.
 */
import { ConfigError, ServicePort, telemetryLabels, TRACK_LABEL, Where } from "../model";
import { dnsLabel, checkKeys, objectAt, wholeNumber } from "./read";
import { isLabelKey, isLabelValue } from "./rules";

/** A label map whose keys and values Kubernetes accepts, without the keys listed as reserved (key → why). */
export function labelMap(where: Where, key: string, raw: unknown, reserved: Record<string, string> = {}): Record<string, string> {
  const labels = objectAt(where, key, raw);
  for (const [k, v] of Object.entries(labels)) {
    if (k in reserved) throw new ConfigError(where, `${key}.${k}`, v, reserved[k]);
    if (!isLabelKey(k)) throw new ConfigError(where, key, k, "[InvalidLabel] each key must be a Kubernetes label key: an optional DNS prefix and \"/\", then at most 63 letters, digits, \"-\", \"_\" or \".\"");
    if (typeof v !== "string" || !isLabelValue(v)) {
      throw new ConfigError(where, `${key}.${k}`, v,
        '[InvalidLabel] use a string of at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
  }
  return labels as Record<string, string>;
}

// A namespace label that overrides the pods' own: `istio-injection` beats every pod label (disabled leaves
// pods pulling an image called "auto"; ImageAutoWithoutInjection), `istio.io/rev` beats the pod's revision.
const OVERRIDES_INJECTION = "a namespace injection label overrides the gateway pods' own injection and revision labels; remove it";
export const INJECTION_NAMESPACE_LABELS: Record<string, string> = {
  "istio-injection": `[ImageAutoWithoutInjection] ${OVERRIDES_INJECTION}`,
  "istio.io/rev": `[NamespaceOverridesRevision] ${OVERRIDES_INJECTION}`,
};

// Pod labels the component sets itself: the selector (changing them would orphan the pods from their
// Deployment and Service) and Istio's injection labels (set per revision).
// The telemetry labels (labels.ts telemetryLabels) too: each track's must name its own revision.
const MANAGED = "the component sets this label itself (selector or injection); choose another key";
const TELEMETRY = "the component sets it per revision, so that Istio's metrics tell the canary from the stable pods; choose another key";
export const MANAGED_POD_LABELS: Record<string, string> = Object.fromEntries([
  ...["app", "istio", TRACK_LABEL, "istio.io/rev", "sidecar.istio.io/inject", "istio.io/dataplane-mode"].map((k) => [k, MANAGED]),
  ...Object.keys(telemetryLabels("gw", undefined)).map((k) => [k, TELEMETRY]),
]);

export function checkGatewaySelector(where: Where, raw: unknown): Record<string, string> {
  const selector = labelMap(where, "gatewaySelector", raw);
  if (Object.keys(selector).length === 0) {
    throw new ConfigError(where, "gatewaySelector", raw, "[ReferencedResourceNotFound] an empty selector binds the Gateway to every gateway pod in the mesh; name at least one label");
  }
  return selector;
}

// Istio takes a Service port's protocol from its name's prefix (pkg/config/protocol Parse); `istioctl validate`
// refuses a port whose prefix names none ("does not follow the Istio naming convention"). Gateways serve TCP.
export const PORT_NAME_PROTOCOLS = ["http", "http2", "https", "grpc", "tcp", "tls", "mongo", "redis", "mysql"];

function servicePortName(where: Where, key: string, raw: unknown): string {
  const name = dnsLabel(where, key, raw, "https");
  if (!PORT_NAME_PROTOCOLS.includes(name.split("-")[0])) {
    throw new ConfigError(where, key, name, `Istio reads a port's protocol from its name: start it with ${PORT_NAME_PROTOCOLS.map((p) => `"${p}"`).join(", ")} alone or followed by "-", e.g. "tcp-${name}"`);
  }
  return name;
}

/** Explicit Service ports; the status port 15021 is always added. */
export function checkServicePorts(where: Where, raw: unknown, listKey = "service.ports"): ServicePort[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(where, listKey, raw, "use a list of { name, port, targetPort }");
  }
  const ports = raw.map((p, i) => {
    const key = `${listKey}[${i}]`;
    const port = objectAt(where, key, p);
    checkKeys(where, `${key}.`, port, ["name", "port", "targetPort", "protocol"]);
    if (port.protocol !== undefined && port.protocol !== "TCP") throw new ConfigError(where, `${key}.protocol`, port.protocol, "gateways serve TCP; use TCP or leave it out");
    const number = wholeNumber(where, `${key}.port`, port.port, 1, 65535);
    return {
      name: servicePortName(where, `${key}.name`, port.name),
      port: number,
      targetPort: wholeNumber(where, `${key}.targetPort`, port.targetPort ?? number, 1, 65535),
      protocol: "TCP" as const,
    };
  });
  const names = ports.map((p) => p.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i || n === "status-port");
  if (dup) throw new ConfigError(where, listKey, dup, "each port needs its own name (status-port is the component's)");
  return ports;
}
