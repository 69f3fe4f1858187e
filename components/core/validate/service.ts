/**
 * Validation of the Service settings (the istio/gateway chart's `service.*`).
 */
import { ServiceType } from "../../args";
import { ConfigError, ValidService, Where } from "../model";
import { checkKeys, objectAt, oneOf, stringList } from "./read";
import { checkServicePorts, labelMap } from "./labels";

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;
const CIDR = /^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*\/\d{1,3})$/;
const LB_ONLY = ["loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass"];

export function checkServiceSettings(where: Where, raw: unknown, defaultType: ServiceType): ValidService {
  const s = objectAt(where, "service", raw);
  checkKeys(where, "service.", s, ["type", "ports", "extraPorts", "annotations", "labels", ...LB_ONLY,
    "externalTrafficPolicy", "internalTrafficPolicy", "ipFamilyPolicy", "ipFamilies", "externalIPs"]);
  const type = oneOf(where, "service.type", s.type ?? defaultType, Object.values(ServiceType));
  for (const k of LB_ONLY) {
    if (s[k] !== undefined && type !== "LoadBalancer") throw new ConfigError(where, `service.${k}`, s[k], `it only applies to service.type LoadBalancer (this one is ${type})`);
  }
  if (s.externalTrafficPolicy !== undefined && type === "ClusterIP") {
    throw new ConfigError(where, "service.externalTrafficPolicy", s.externalTrafficPolicy, "it only applies to NodePort and LoadBalancer Services");
  }
  const annotations = objectAt(where, "service.annotations", s.annotations ?? {});
  for (const [k, v] of Object.entries(annotations)) if (typeof v !== "string") throw new ConfigError(where, `service.annotations.${k}`, v, "use a string (quote numbers and booleans)");
  const ips = (key: string, pattern: RegExp, example: string) => {
    const list = stringList(where, `service.${key}`, s[key]);
    list.forEach((v, i) => { if (!pattern.test(v)) throw new ConfigError(where, `service.${key}[${i}]`, v, `use ${example}`); });
    return list;
  };
  if (typeof s.loadBalancerIP === "string" && !IP.test(s.loadBalancerIP)) throw new ConfigError(where, "service.loadBalancerIP", s.loadBalancerIP, "use an IP address");
  if (s.loadBalancerIP !== undefined && typeof s.loadBalancerIP !== "string") throw new ConfigError(where, "service.loadBalancerIP", s.loadBalancerIP, "use an IP address");
  if (s.loadBalancerClass !== undefined && typeof s.loadBalancerClass !== "string") throw new ConfigError(where, "service.loadBalancerClass", s.loadBalancerClass, "use a class name");
  return {
    type,
    ...(s.ports !== undefined && { ports: checkServicePorts(where, s.ports, "service.ports") }),
    extraPorts: s.extraPorts === undefined ? [] : checkServicePorts(where, s.extraPorts, "service.extraPorts"),
    annotations: annotations as Record<string, string>,
    labels: labelMap(where, "service.labels", s.labels ?? {}, { app: "the component sets it (the selector label)", istio: "the component sets it (the selector label)" }),
    ...(s.loadBalancerIP !== undefined && { loadBalancerIP: s.loadBalancerIP as string }),
    ...(s.loadBalancerSourceRanges !== undefined && { loadBalancerSourceRanges: ips("loadBalancerSourceRanges", CIDR, 'CIDR ranges, e.g. "10.0.0.0/8"') }),
    ...(s.loadBalancerClass !== undefined && { loadBalancerClass: s.loadBalancerClass as string }),
    ...(s.externalTrafficPolicy !== undefined && { externalTrafficPolicy: oneOf(where, "service.externalTrafficPolicy", s.externalTrafficPolicy, ["Cluster", "Local"] as const) }),
    ...(s.internalTrafficPolicy !== undefined && { internalTrafficPolicy: oneOf(where, "service.internalTrafficPolicy", s.internalTrafficPolicy, ["Cluster", "Local"] as const) }),
    ...(s.ipFamilyPolicy !== undefined && { ipFamilyPolicy: oneOf(where, "service.ipFamilyPolicy", s.ipFamilyPolicy, ["SingleStack", "PreferDualStack", "RequireDualStack"] as const) }),
    ...(s.ipFamilies !== undefined && { ipFamilies: stringList(where, "service.ipFamilies", s.ipFamilies).map((f, i) => oneOf(where, `service.ipFamilies[${i}]`, f, ["IPv4", "IPv6"] as const)) }),
    ...(s.externalIPs !== undefined && { externalIPs: ips("externalIPs", IP, 'IP addresses, e.g. "203.0.113.10"') }),
  };
}
