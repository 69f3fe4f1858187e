/**
 * The whole plan of one gateway: every object, fully decided, from validated arguments. The component only
 * registers what this returns.
 */
import { splitReplicas } from "./canary";
import { planDeployment } from "./deployment";
import { planIstioGateway } from "./gateway";
import { gatewayLabels, trackName } from "./labels";
import { planNamespace } from "./namespace";
import { Move, moveOf } from "./order";
import { restartKeepers } from "./restart";
import { planRbac, Rbac } from "./rbac";
import { planService, serviceDnsName } from "./service";
import { Deployment, IstioGatewayObject, K8sObject, Labels, Namespace, Service } from "./types";
import { ValidGateway } from "./validate";

/** How a revision's share of the pods came out. */
export interface TrackSplit {
  /** The track: the revision, or "default" for the default revision. */
  revision: string;
  /** `stable` or `canary`. */
  role: "stable" | "canary";
  /** Pods on this revision. */
  pods: number;
  /** The share of the gateway's pods, in percent (two decimals). */
  percent: number;
  /** The share asked for, in percent. */
  requestedPercent: number;
}

export interface PlannedTrack {
  split: TrackSplit;
  deployment: Deployment;
  /** Keepers of the track's restart token (see restart.ts). */
  restartKeepers: Record<string, string>;
}

export interface GatewayPlan extends Rbac {
  namespace?: Namespace;
  tracks: PlannedTrack[];
  service: Service;
  gateway: IstioGatewayObject;
  selectorLabels: Labels;
  serviceDnsName: string;
  /** With a canary: which track is updated first (see order.ts). */
  move?: Move;
}

/** Stable first, then the canary, each with its pods. */
export function planTracks(gw: ValidGateway): TrackSplit[] {
  if (gw.canary === undefined) {
    return [{ revision: trackName(gw.revision), role: "stable", pods: gw.replicas, percent: 100, requestedPercent: 100 }];
  }
  const split = splitReplicas(gw.replicas, gw.canary.weight);
  const canaryPercent = split.achievedPercent;
  return [
    { revision: trackName(gw.revision), role: "stable", pods: split.stable, percent: Math.round((100 - canaryPercent) * 100) / 100, requestedPercent: 100 - gw.canary.weight },
    { revision: trackName(gw.canary.revision), role: "canary", pods: split.canary, percent: canaryPercent, requestedPercent: gw.canary.weight },
  ];
}

export function planGateway(gw: ValidGateway): GatewayPlan {
  const revisions = [gw.revision, gw.canary?.revision];
  const tracks = planTracks(gw).map((split, i) => ({
    split,
    deployment: planDeployment({ gateway: gw.name, namespace: gw.namespace, revision: revisions[i], replicas: split.pods }),
    restartKeepers: restartKeepers(split.revision, gw.restartGeneration),
  }));
  return {
    ...(gw.createNamespace && { namespace: planNamespace(gw.namespace, gw.namespaceLabels) }),
    ...planRbac(gw.name, gw.namespace),
    tracks,
    service: planService(gw.name, gw.namespace, gw.service.type, gw.servers),
    gateway: planIstioGateway(gw.name, gw.namespace, gw.topology, gw.routeNamespaces, gw.servers),
    selectorLabels: gatewayLabels(gw.name),
    serviceDnsName: serviceDnsName(gw.name, gw.namespace),
    ...(gw.canary && { move: moveOf(gw.canary) }),
  };
}

/** Every object of a plan, in the order they are registered. */
export function objectsOf(plan: GatewayPlan): K8sObject[] {
  return [
    ...(plan.namespace ? [plan.namespace] : []),
    plan.serviceAccount, plan.role, plan.roleBinding,
    ...plan.tracks.map((t) => t.deployment),
    plan.service, plan.gateway,
  ];
}
