/**
 * Validation of `adopt`: which running objects a gateway takes over, and what it cannot take over. Everything here
 * is checked offline, before anything is registered; what only the cluster knows (the live selector, the Service's
 * type) the adopt command checks when it writes the stack file, and the component again at preview (adopt.ts).
 */
import { AdoptedKind, RoutingApi, TrafficShifting } from "../../args";
import { ConfigError, RETIRED_KINDS, RetiredObject, servesIstioApi, ValidAdoptedDeployment, ValidAdoption, Where } from "../model";
import { checkKeys, objectAt, stringList } from "./read";
import { DNS1123_LABEL } from "./rules";
import { labelMap } from "./labels";

/** What the rest of the gateway's settings say, for the checks that depend on them. */
export interface AdoptionContext {
  gateway: string;
  revision: unknown;
  createNamespace: boolean;
  autoscaled: boolean;
  trafficShifting: TrafficShifting;
  routingApi: RoutingApi;
}

/** Object names are DNS-1123 subdomains; a Deployment's also names its pods, so it stays a label. */
function objectName(where: Where, key: string, raw: unknown): string {
  if (typeof raw !== "string" || !DNS1123_LABEL.test(raw)) {
    throw new ConfigError(where, key, raw, 'use the object\'s name as the cluster has it: lowercase letters, digits and "-", at most 63 characters');
  }
  return raw;
}

function checkExisting(where: Where, raw: unknown, ctx: AdoptionContext): AdoptedKind[] {
  const kinds = stringList(where, "adopt.existing", raw);
  const allowed = Object.values(AdoptedKind) as string[];
  kinds.forEach((k, i) => {
    if (!allowed.includes(k)) throw new ConfigError(where, `adopt.existing[${i}]`, k, `use one of ${allowed.join(", ")}`);
    if (kinds.indexOf(k) !== i) throw new ConfigError(where, `adopt.existing[${i}]`, k, "it is listed twice; list each kind once");
  });
  if (kinds.includes(AdoptedKind.IstioGateway) && !servesIstioApi(ctx.routingApi)) {
    throw new ConfigError(where, "adopt.existing", raw, `routingApi "${ctx.routingApi}" makes no Istio Gateway to adopt; use routingApi "istio" or "both", or drop IstioGateway`);
  }
  return kinds as AdoptedKind[];
}

function checkDeployment(where: Where, raw: unknown, ctx: AdoptionContext): ValidAdoptedDeployment {
  const d = objectAt(where, "adopt.deployment", raw);
  checkKeys(where, "adopt.deployment.", d, ["name", "selector", "horizontalPodAutoscaler"]);
  const name = objectName(where, "adopt.deployment.name", d.name);
  const selector = labelMap(where, "adopt.deployment.selector", d.selector);
  if (Object.keys(selector).length === 0) {
    throw new ConfigError(where, "adopt.deployment.selector", d.selector, "use the Deployment's spec.selector.matchLabels as the cluster has them (the adopt command writes them)");
  }
  if (ctx.revision !== undefined) {
    throw new ConfigError(where, "revision", ctx.revision,
      "the adopted Deployment is the stable track and keeps the pods it runs; remove revision (promote writes the canary's revision here)");
  }
  if (ctx.trafficShifting === TrafficShifting.External) {
    throw new ConfigError(where, "trafficShifting", ctx.trafficShifting, "an adopted Deployment has no Service of its own to weigh; adopt with trafficShifting \"replicas\"");
  }
  const hpa = d.horizontalPodAutoscaler === undefined ? undefined : objectName(where, "adopt.deployment.horizontalPodAutoscaler", d.horizontalPodAutoscaler);
  if (hpa !== undefined && !ctx.autoscaled) {
    throw new ConfigError(where, "adopt.deployment.horizontalPodAutoscaler", hpa,
      "an HPA that scales the adopted Deployment would fight the pod count this gateway sets; add autoscaling (the adopt command copies it from the HPA)");
  }
  return { name, selector, ...(hpa !== undefined && { horizontalPodAutoscaler: hpa }) };
}

/** The names this gateway gives its own objects: retiring one of them would delete what it keeps. */
function ownName(kind: string, gateway: string): string | undefined {
  return ["ServiceAccount", "Role", "RoleBinding"].includes(kind) ? gateway : undefined;
}

function checkRetire(where: Where, raw: unknown, ctx: AdoptionContext, deployment: ValidAdoptedDeployment | undefined): RetiredObject[] {
  const entries = stringList(where, "adopt.retire", raw);
  if (entries.length > 0 && deployment === undefined) {
    throw new ConfigError(where, "adopt.retire", raw, "retired objects are deleted with the adopted Deployment at promote; add adopt.deployment, or list them nowhere");
  }
  return entries.map((entry, i) => {
    const key = `adopt.retire[${i}]`;
    const [kind, name, extra] = entry.split("/");
    if (!(kind in RETIRED_KINDS) || name === undefined || extra !== undefined) {
      throw new ConfigError(where, key, entry, `use Kind/name with Kind one of ${Object.keys(RETIRED_KINDS).join(", ")}`);
    }
    objectName(where, key, name);
    if (entries.indexOf(entry) !== i) throw new ConfigError(where, key, entry, "it is listed twice");
    if (ownName(kind, ctx.gateway) === name) {
      throw new ConfigError(where, key, entry, `that is this gateway's own ${kind}, which it keeps; list ${kind} under adopt.existing instead`);
    }
    if (kind === "HorizontalPodAutoscaler" && name === deployment?.horizontalPodAutoscaler) {
      throw new ConfigError(where, key, entry, "it is adopt.deployment.horizontalPodAutoscaler, which the gateway drives until promote; list it in one place");
    }
    return { kind, name };
  });
}

export function checkAdoption(where: Where, raw: unknown, ctx: AdoptionContext): ValidAdoption {
  const a = objectAt(where, "adopt", raw);
  checkKeys(where, "adopt.", a, ["existing", "deployment", "retire"]);
  if (ctx.createNamespace) {
    throw new ConfigError(where, "createNamespace", true, "adopted objects live in a namespace that already exists; remove createNamespace");
  }
  const existing = a.existing === undefined ? [] : checkExisting(where, a.existing, ctx);
  const deployment = a.deployment === undefined ? undefined : checkDeployment(where, a.deployment, ctx);
  const retire = a.retire === undefined ? [] : checkRetire(where, a.retire, ctx, deployment);
  return { existing, ...(deployment && { deployment }), retire };
}
