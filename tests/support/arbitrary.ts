/** fast-check generators of valid gateway configurations, as a stack file would hold them. */
import fc from "fast-check";

const revision = fc.constantFrom("1-24-0", "1-25-1", "1-26-0", "prod-stable", "canary");

const steps = fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 5 })
  .map((s) => [...s.sort((a, b) => a - b), 100]);

const server = fc.record({
  number: fc.constantFrom(80, 443, 8080, 8443, 9443),
  protocol: fc.constantFrom("HTTP", "HTTPS", "TLS", "TCP", "GRPC"),
  hosts: fc.array(fc.constantFrom("*", "shop.example.com", "*.example.com", "shop/a.example.com", "./b.example.com"), { minLength: 1, maxLength: 3 }),
}).map(({ number, protocol, hosts }) => ({
  port: { number, protocol },
  hosts,
  ...(protocol === "HTTPS" || protocol === "TLS" ? { tls: { mode: "SIMPLE", credentialName: "cert" } } : {}),
}));

/** A valid gateway: every key drawn from its allowed space, canaries only where two pods exist. */
export const gatewayConfig = fc.record({
  namespace: fc.constantFrom("istio-ingress", "istio-egress", "shop"),
  topology: fc.constantFrom("shared", "dedicated"),
  replicas: fc.integer({ min: 1, max: 60 }),
  revision: fc.option(revision, { nil: undefined }),
  canary: fc.option(fc.record({ revision, steps, pick: fc.nat() }), { nil: undefined }),
  // One server per port: two on one port would be a (deliberate) finding, not a valid configuration.
  servers: fc.option(fc.uniqueArray(server, { minLength: 1, maxLength: 3, selector: (s) => s.port.number }), { nil: undefined }),
  autoscaling: fc.option(fc.record({ minReplicas: fc.integer({ min: 1, max: 20 }), extra: fc.integer({ min: 0, max: 30 }) }), { nil: undefined }),
  trafficShifting: fc.option(fc.constantFrom("replicas", "external"), { nil: undefined }),
  drain: fc.option(fc.integer({ min: 0, max: 600 }).map((d) => ({ durationSeconds: d })), { nil: undefined }),
  podDisruptionBudget: fc.option(fc.constantFrom({ maxUnavailable: 1 }, { maxUnavailable: "50%" }, { maxUnavailable: 2 }), { nil: undefined }),
}).map((g) => {
  const { canary, autoscaling, ...rest } = g;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const partial = canary && canary.revision !== g.revision;
  if (partial) {
    const choices = [0, ...canary.steps];
    out.canary = { revision: canary.revision, steps: canary.steps, weight: choices[canary.pick % choices.length] };
    out.replicas = Math.max(2, g.replicas);
  }
  if (autoscaling) {
    delete out.replicas;
    const min = partial ? Math.max(2, autoscaling.minReplicas) : autoscaling.minReplicas;
    out.autoscaling = { minReplicas: min, maxReplicas: min + autoscaling.extra };
  }
  return out;
});

/**
 * A valid gateway with a Gateway API Gateway: the same space, with what a listener cannot spell taken out (gRPC
 * becomes HTTP, a TCP server takes every host) and MUTUAL, ISTIO_MUTUAL, PASSTHROUGH and no mode at all (Istio's
 * PASSTHROUGH) among the TLS servers; an HTTPS server always terminates, so it keeps SIMPLE for the last two.
 */
export const gatewayApiConfig = fc.tuple(gatewayConfig, fc.constantFrom("gateway-api", "both"), fc.constantFrom("SIMPLE", "MUTUAL", "ISTIO_MUTUAL", "PASSTHROUGH", "(none)"))
  .map(([config, routingApi, mode]) => {
    const servers = (config.servers as Array<Record<string, any>> | undefined)?.map((s) => {
      const protocol = s.port.protocol === "GRPC" ? "HTTP" : s.port.protocol;
      const passes = mode === "PASSTHROUGH" || mode === "(none)";
      // ISTIO_MUTUAL and PASSTHROUGH read no certificate: the mode alone.
      const tls = s.tls && (passes && protocol === "HTTPS" ? s.tls
        : mode === "ISTIO_MUTUAL" || mode === "PASSTHROUGH" ? { mode } : mode === "(none)" ? {} : { ...s.tls, mode });
      return { ...s, port: { ...s.port, protocol }, hosts: protocol === "TCP" ? ["*"] : s.hosts, ...(tls && { tls }) };
    });
    return { ...config, routingApi, ...(servers && { servers }) };
  });
