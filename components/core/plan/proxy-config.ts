/**
 * The gateway pods' ProxyConfig (`proxy.istio.io/config`, Istio's per-pod override of meshConfig.defaultConfig).
 * The component writes the drain settings into it; a user's own settings (`gatewayTopology` for
 * numTrustedProxies, proxy protocol and XFCC behind a load balancer, `concurrency`, …) come through
 * `podAnnotations["proxy.istio.io/config"]`, written as Istio reads it (YAML or JSON), and are merged with ours.
 * The user's fields are checked by validate/proxy-config.ts.
 */
import { drainProxyConfig, DrainSettings, PROXY_CONFIG_ANNOTATION } from "../model";

/** The pod annotation: the user's fields, then the drain keys. */
export function proxyConfigAnnotation(drain: DrainSettings, user: Record<string, unknown> = {}): Record<string, string> {
  return { [PROXY_CONFIG_ANNOTATION]: JSON.stringify({ ...user, ...drainProxyConfig(drain) }) };
}
