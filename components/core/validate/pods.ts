/**
 * Validation of the pod settings every revision shares (as the istio/gateway chart names them), so a canary
 * differs from the stable revision in its revision only.
 */
import { ConfigError, DEFAULT_RESOURCES, DrainSettings, PROXY_CONFIG_ANNOTATION, RESTART_ANNOTATION, TopologySpreadConstraint, ValidPod, Where } from "../model";
import { checkProxyConfig } from "./proxy-config";
import { checkKeys, objectAt, oneOf, stringList, wholeNumber } from "./read";
import { labelMap } from "./labels";

type Obj = Record<string, unknown>;

export const POD_KEYS = ["resources", "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "priorityClassName", "env", "imagePullSecrets", "podAnnotations"] as const;

// A Kubernetes quantity, e.g. 100m, 0.5, 128Mi, 1G (apimachinery resource.Quantity, decimal and binary SI).
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

// A new map: the caller's arguments (a program's own objects) are read, never written.
function quantities(where: Where, key: string, raw: unknown): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(objectAt(where, key, raw))) {
    const text = typeof v === "number" ? String(v) : v;
    if (typeof text !== "string" || !QUANTITY.test(text)) throw new ConfigError(where, `${key}.${k}`, v, 'use a Kubernetes quantity, e.g. "500m", "2" or "256Mi"');
    q[k] = text;
  }
  return q;
}

function checkResources(where: Where, raw: unknown): ValidPod["resources"] {
  if (raw === undefined) return structuredClone(DEFAULT_RESOURCES);
  const r = objectAt(where, "resources", raw);
  checkKeys(where, "resources.", r, ["requests", "limits"]);
  return {
    ...(r.requests === undefined ? { requests: { ...DEFAULT_RESOURCES.requests } } : { requests: quantities(where, "resources.requests", r.requests) }),
    ...(r.limits === undefined ? { limits: { ...DEFAULT_RESOURCES.limits } } : { limits: quantities(where, "resources.limits", r.limits) }),
  };
}

function mapList(where: Where, key: string, raw: unknown, check: (key: string, item: Obj) => void): Obj[] {
  if (!Array.isArray(raw)) throw new ConfigError(where, key, raw, "use a list");
  return raw.map((item, i) => { const o = objectAt(where, `${key}[${i}]`, item); check(`${key}[${i}]`, o); return o; });
}

function checkToleration(where: Where, key: string, t: Obj): void {
  checkKeys(where, `${key}.`, t, ["key", "operator", "value", "effect", "tolerationSeconds"]);
  if (t.operator !== undefined) oneOf(where, `${key}.operator`, t.operator, ["Exists", "Equal"]);
  if (t.effect !== undefined) oneOf(where, `${key}.effect`, t.effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]);
  if (t.tolerationSeconds !== undefined) wholeNumber(where, `${key}.tolerationSeconds`, t.tolerationSeconds, 0, 1e9);
}

function checkSpread(where: Where, key: string, c: Obj): void {
  checkKeys(where, `${key}.`, c, ["maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", "minDomains", "matchLabelKeys", "nodeAffinityPolicy", "nodeTaintsPolicy"]);
  wholeNumber(where, `${key}.maxSkew`, c.maxSkew, 1, 1000);
  if (typeof c.topologyKey !== "string" || c.topologyKey === "") throw new ConfigError(where, `${key}.topologyKey`, c.topologyKey, 'use a node label key, e.g. "topology.kubernetes.io/zone"');
  oneOf(where, `${key}.whenUnsatisfiable`, c.whenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"]);
}

// Annotations the component sets itself; proxy settings other than these pass through (sidecar.istio.io/*).
const MANAGED_ANNOTATIONS = ["inject.istio.io/templates", "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path", RESTART_ANNOTATION];
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function checkPod(where: Where, args: Obj, drain: DrainSettings): ValidPod {
  const env = objectAt(where, "env", args.env ?? {});
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) throw new ConfigError(where, "env", k, "use an environment variable name: letters, digits, \"_\", \"-\" and \".\", not starting with a digit");
    if (typeof v !== "string") throw new ConfigError(where, `env.${k}`, v, "use a string (quote numbers and booleans)");
  }
  const annotations = objectAt(where, "podAnnotations", args.podAnnotations ?? {});
  const { [PROXY_CONFIG_ANNOTATION]: proxyConfig, ...others } = annotations;
  for (const [k, v] of Object.entries(others)) {
    if (MANAGED_ANNOTATIONS.includes(k)) throw new ConfigError(where, `podAnnotations.${k}`, v, "the component sets this annotation itself; choose another key");
    if (typeof v !== "string") throw new ConfigError(where, `podAnnotations.${k}`, v, "use a string");
  }
  const priority = args.priorityClassName;
  if (priority !== undefined && (typeof priority !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(priority))) {
    throw new ConfigError(where, "priorityClassName", priority, 'use a PriorityClass name, e.g. "system-cluster-critical"');
  }
  let affinity: Obj | undefined;
  if (args.affinity !== undefined) {
    affinity = objectAt(where, "affinity", args.affinity);
    checkKeys(where, "affinity.", affinity, ["nodeAffinity", "podAffinity", "podAntiAffinity"]);
  }
  return {
    resources: checkResources(where, args.resources),
    nodeSelector: labelMap(where, "nodeSelector", args.nodeSelector ?? {}),
    tolerations: mapList(where, "tolerations", args.tolerations ?? [], (k, t) => checkToleration(where, k, t)),
    ...(affinity && { affinity }),
    ...(args.topologySpreadConstraints !== undefined && {
      topologySpreadConstraints: mapList(where, "topologySpreadConstraints", args.topologySpreadConstraints, (k, c) => checkSpread(where, k, c)) as TopologySpreadConstraint[],
    }),
    ...(priority !== undefined && { priorityClassName: priority as string }),
    env: env as Record<string, string>,
    imagePullSecrets: stringList(where, "imagePullSecrets", args.imagePullSecrets ?? []),
    podAnnotations: others as Record<string, string>,
    proxyConfig: proxyConfig === undefined ? {} : checkProxyConfig(where, proxyConfig, drain),
  };
}
