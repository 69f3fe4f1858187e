/**
 * A user's ProxyConfig (`podAnnotations["proxy.istio.io/config"]`, Istio's per-pod override of
 * meshConfig.defaultConfig), written as Istio reads it (YAML or JSON): every field must be ProxyConfig's, and only
 * a drain key at another value than `drain.durationSeconds` conflicts with the component's (plan/proxy-config.ts).
 */
import { parse } from "yaml";
import { ConfigError, didYouMean, drainProxyConfig, DrainSettings, PROXY_CONFIG_ANNOTATION, Where } from "../model";

/** ProxyConfig's fields (istio.io/api mesh/v1alpha1 proxy.proto), as JSON names. */
export const PROXY_CONFIG_KEYS: readonly string[] = [
  "configPath", "binaryPath", "serviceCluster", "drainDuration", "discoveryAddress", "discoveryRefreshDelay", "zipkinAddress",
  "statsdUdpAddress", "envoyMetricsServiceAddress", "proxyAdminPort", "availabilityZone", "controlPlaneAuthPolicy",
  "customConfigFile", "statNameLength", "concurrency", "proxyBootstrapTemplatePath", "interceptionMode", "tracing", "sds",
  "envoyAccessLogService", "envoyMetricsService", "proxyMetadata", "runtimeValues", "statusPort", "extraStatTags",
  "gatewayTopology", "terminationDrainDuration", "meshId", "readinessProbe", "proxyStatsMatcher",
  "holdApplicationUntilProxyStarts", "caCertificatesPem", "image", "privateKeyProvider", "proxyHeaders",
  "fileFlushInterval", "fileFlushMinSizeKb", "statsCompression", "connectionSettings", "tracingServiceName",
];

/** The user's ProxyConfig from podAnnotations, checked against ProxyConfig's fields and our drain keys. */
export function checkProxyConfig(where: Where, text: unknown, drain: DrainSettings): Record<string, unknown> {
  const key = `podAnnotations["${PROXY_CONFIG_ANNOTATION}"]`;
  if (typeof text !== "string") throw new ConfigError(where, key, text, "use a string holding ProxyConfig in YAML or JSON, e.g. \"gatewayTopology: { numTrustedProxies: 1 }\"");
  let config: unknown;
  try {
    config = parse(text);
  } catch (e) {
    throw new ConfigError(where, key, text, `it is not YAML or JSON (${(e as Error).message.split("\n")[0]}); write ProxyConfig fields, e.g. "gatewayTopology: { numTrustedProxies: 1 }"`);
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigError(where, key, text, "use a map of ProxyConfig fields, e.g. \"gatewayTopology: { numTrustedProxies: 1 }\"");
  }
  const ours = drainProxyConfig(drain);
  for (const [k, v] of Object.entries(config)) {
    if (!PROXY_CONFIG_KEYS.includes(k)) {
      throw new ConfigError(where, `${key}.${k}`, v, `ProxyConfig has no such field and Istio's injector would refuse the pod; ${didYouMean(k, PROXY_CONFIG_KEYS)}see istio.io "ProxyConfig"`);
    }
    if (k in ours && v !== ours[k]) {
      throw new ConfigError(where, `${key}.${k}`, v, `the component sets it to "${ours[k]}" from drain.durationSeconds; set drain.durationSeconds instead`);
    }
  }
  return config as Record<string, unknown>;
}
