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

export const DEFAULT_DRAIN: DrainSettings = { durationSeconds: 45, terminationGracePeriodSeconds: 60 };
