/**
 * Graceful draining. On SIGTERM the injected proxy stops accepting new connections and drains for
 * `terminationDrainDuration` (Istio ProxyConfig, set per pod through the `proxy.istio.io/config` annotation)
 * while the load balancer deregisters the pod; the pod must be given longer than that to terminate.
 *
 * Defaults: 45 s of draining outlasts the 30 s deregistration delay load balancers are commonly tuned to, and a
 * 60 s grace period leaves the proxy time to close after it. A load balancer with a longer delay (AWS target
 * groups default to 300 s) needs both raised.
 */
export interface DrainSettings {
  durationSeconds: number;
  terminationGracePeriodSeconds: number;
}

export const DEFAULT_DRAIN: DrainSettings = { durationSeconds: 45, terminationGracePeriodSeconds: 60 };

export const PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";

/** The pod annotation that sets the proxy's drain duration. */
export function drainAnnotation(d: DrainSettings): Record<string, string> {
  return { [PROXY_CONFIG_ANNOTATION]: JSON.stringify({ terminationDrainDuration: `${d.durationSeconds}s` }) };
}
