/**
 * The whole plan of one gateway: every object, fully decided, from validated arguments. The component only
 * registers what this returns.
 */
import { TrackRole } from "../../args";
import { awaitingHpaMinimum, planHpa } from "./autoscaling";
import { ADOPTED_TRACK, AdoptedDeploymentObject, Deployment, deploymentName, gatewayLabels, HorizontalPodAutoscaler, IstioGatewayObject, K8sObject, KubernetesGatewayObject, Labels, Namespace, percentOf, PodDisruptionBudget, servesGatewayApi, servesIstioApi, Service, splitReplicas, trackBounds, trackName, trackSelector, ValidAdoptedDeployment, ValidGateway } from "../model";
import { planDeployment } from "./deployment";
import { planPdb } from "./disruption";
import { planIstioGateway } from "./gateway";
import { gatewayApiInput, ParentRef, parentRefsOf, planKubernetesGateway } from "./gateway-api";
import { adoptedDeploymentKept, importedKeys, planAdoptedDeployment, planRetired } from "./adopt";
import { planNamespace } from "./namespace";
import { Move, moveOf } from "./order";
import { planRbac, Rbac } from "./rbac";
import { restartKeepers } from "./restart";
import { planService, planTrackService, portsFor, serviceDnsName } from "./service";
import { owned } from "./ownership";

/** How a revision's share of the pods came out. */
export interface TrackSplit {
  /** The track: the revision, or "default" for the default revision. */
  revision: string;
  /** `stable` or `canary`. */
  role: TrackRole;
  /** Pods on this revision (with autoscaling: its HPA's minimum). */
  pods: number;
  /** With autoscaling: its HPA's maximum. */
  maxPods?: number;
  /** The share of the gateway's pods, in percent (two decimals). */
  percent: number;
  /** The share asked for, in percent. */
  requestedPercent: number;
}

export interface PlannedTrack {
  split: TrackSplit;
  /** Ours, or (the stable track with adopt.deployment) the adopted one, whose pod template stays as it runs. */
  deployment: Deployment | AdoptedDeploymentObject;
  /** With an adopted Deployment: the paths the stack keeps as the cluster has them (Pulumi ignoreChanges; adopt.ts). */
  kept?: string[];
  /** Keepers of the track's restart token (see restart.ts). */
  restartKeepers: Record<string, string>;
  /** When autoscaling and the track has pods. */
  hpa?: HorizontalPodAutoscaler;
  /** When the track can run more than one pod. */
  pdb?: PodDisruptionBudget;
  /** With external traffic shifting: the track's own Service. */
  service?: Service;
}

export interface GatewayPlan extends Rbac {
  namespace?: Namespace;
  tracks: PlannedTrack[];
  service: Service;
  /** With routingApi istio or both. */
  gateway?: IstioGatewayObject;
  /** With routingApi gateway-api or both: the Gateway API Gateway bound to the Service (gateway-api.ts). */
  kubernetesGateway?: KubernetesGatewayObject;
  selectorLabels: Labels;
  serviceDnsName: string;
  /** `<namespace>/<name>`: how a VirtualService's `spec.gateways` names the Istio Gateway (with one). */
  gatewayRef?: string;
  /** How an HTTPRoute's `spec.parentRefs` names the Gateway API Gateway (with one). */
  parentRefs?: ParentRef[];
  /** With a canary: which track is updated first (see order.ts). */
  move?: Move;
  /** With external traffic shifting: the weight of each revision, in percent, for the outer load balancer. */
  externalWeights?: Record<string, number>;
  /** A restart was asked for (restartGeneration > 0): the pods carry a restart token (restart.ts). */
  restart: boolean;
  /** With `adopt`: what is imported, and the old install's objects carried until promote (adopt.ts). */
  adoption?: PlannedAdoption;
}

export interface PlannedAdoption {
  /** objectKey of every planned object imported instead of created. */
  imports: string[];
  /** The old install's other objects, imported as they are and deleted at promote. */
  retired: K8sObject[];
}

/** A track's Deployment when it is one the plan writes whole (every track but an adopted one). */
export function ownDeployment(t: PlannedTrack): Deployment {
  if (!isOwnDeployment(t.deployment)) throw new Error(`${t.deployment.metadata.name} is adopted: its pod template is the cluster's`);
  return t.deployment;
}

export function isOwnDeployment(d: Deployment | AdoptedDeploymentObject): d is Deployment {
  return "template" in d.spec;
}

/** Stable first, then the canary, each with its pods (or, with autoscaling, its bounds). */
export function planTracks(gw: ValidGateway): TrackSplit[] {
  const weight = gw.canary?.weight ?? 0;
  const roles = [
    { revision: gw.adoption?.deployment ? ADOPTED_TRACK : trackName(gw.revision), role: "stable" as const, requestedPercent: 100 - weight },
    ...(gw.canary ? [{ revision: trackName(gw.canary.revision), role: "canary" as const, requestedPercent: weight }] : []),
  ];
  const total = gw.autoscaling?.minReplicas ?? gw.replicas;
  const split = splitReplicas(total, weight);
  const bounds = gw.autoscaling && trackBounds(gw.autoscaling, weight);
  return roles.map((r) => {
    const pods = r.role === "stable" ? split.stable : split.canary;
    return { ...r, pods, ...(bounds && { maxPods: bounds[r.role].max }), percent: percentOf(pods, total) };
  });
}

function servicePortsOf(gw: ValidGateway) {
  return portsFor(gw.servers, gw.service.ports, gw.service.extraPorts);
}

function planTrack(gw: ValidGateway, split: TrackSplit, revision: string | undefined): PlannedTrack {
  const name = deploymentName(gw.name, revision);
  const hpaOwned = gw.autoscaling !== undefined && split.pods > 0;
  const track = {
    split,
    deployment: hpaWait(hpaOwned, split, owned(planDeployment({
      gateway: gw.name, namespace: gw.namespace, revision, replicas: hpaOwned ? undefined : split.pods, drain: gw.drain, extraLabels: gw.podLabels, pod: gw.pod,
      updateTimeoutSeconds: gw.updateTimeoutSeconds,
    }))),
    restartKeepers: restartKeepers(split.revision, gw.restartGeneration),
  };
  const common = { gateway: gw.name, namespace: gw.namespace, track: split.revision };
  return {
    ...track,
    ...(hpaOwned && gw.autoscaling && { hpa: owned(planHpa({ ...common, deployment: name, bounds: { min: split.pods, max: split.maxPods ?? split.pods }, settings: gw.autoscaling })) }),
    ...((split.maxPods ?? split.pods) > 1 && { pdb: owned(planPdb({ ...common, name, selector: trackSelector(gw.name, revision), budget: gw.disruption })) }),
    ...(gw.trafficShifting === "external" && { service: owned(planTrackService(gw.name, gw.namespace, revision, gw.service, servicePortsOf(gw))) }),
  };
}

/**
 * An HPA-scaled Deployment is awaited until its HPA's minimum of pods is available (autoscaling.ts,
 * availableAtLeast): the other track shrinks only after that.
 */
function hpaWait<T extends Deployment | AdoptedDeploymentObject>(hpaOwned: boolean, split: TrackSplit, deployment: T): T {
  return hpaOwned ? awaitingHpaMinimum(deployment, split.pods) : deployment;
}

/** The adopted Deployment as the stable track: its pod count (or its HPA's bounds) is the plan's, nothing else. */
function planAdoptedTrack(gw: ValidGateway, split: TrackSplit, adopted: ValidAdoptedDeployment): PlannedTrack {
  const hpaOwned = gw.autoscaling !== undefined && split.pods > 0;
  const common = { gateway: gw.name, namespace: gw.namespace, track: split.revision, deployment: adopted.name };
  return {
    split,
    deployment: hpaWait(hpaOwned, split, owned(planAdoptedDeployment(adopted, gw.namespace, hpaOwned ? undefined : split.pods, gw.updateTimeoutSeconds))),
    kept: adoptedDeploymentKept(hpaOwned),
    restartKeepers: {},
    ...(hpaOwned && gw.autoscaling && { hpa: owned(planHpa({ ...common, name: adopted.horizontalPodAutoscaler, bounds: { min: split.pods, max: split.maxPods ?? split.pods }, settings: gw.autoscaling })) }),
  };
}

function planAdoption(gw: ValidGateway): PlannedAdoption | undefined {
  const a = gw.adoption;
  if (!a) return undefined;
  return { imports: importedKeys(a, { gateway: gw.name, istioGateway: gw.istioGatewayName }), retired: a.retire.map((r) => planRetired(r, gw.namespace)) };
}

function ownedRbac(rbac: Rbac): Rbac {
  return { serviceAccount: owned(rbac.serviceAccount), role: owned(rbac.role), roleBinding: owned(rbac.roleBinding) };
}

export function planGateway(gw: ValidGateway): GatewayPlan {
  const revisions = [gw.revision, gw.canary?.revision];
  const adopted = gw.adoption?.deployment;
  const tracks = planTracks(gw).map((split, i) => (i === 0 && adopted ? planAdoptedTrack(gw, split, adopted) : planTrack(gw, split, revisions[i])));
  const adoption = planAdoption(gw);
  const service = owned(planService(gw.name, gw.namespace, gw.service, servicePortsOf(gw)));
  return {
    ...(gw.createNamespace && { namespace: planNamespace(gw.namespace, gw.namespaceLabels) }),
    // The namespace is not forced: other teams and controllers may label a namespace the stack created.
    ...ownedRbac(planRbac(gw.name, gw.namespace)),
    tracks,
    service,
    ...(servesIstioApi(gw.routingApi) && {
      gateway: owned(named(planIstioGateway(gw.name, gw.namespace, gw.topology, gw.routeNamespaces, gw.servers, gw.gatewaySelector), gw.istioGatewayName)),
      gatewayRef: `${gw.namespace}/${gw.istioGatewayName}`,
    }),
    ...(servesGatewayApi(gw.routingApi) && {
      kubernetesGateway: owned(planKubernetesGateway(gatewayApiInput(gw, service.spec.ports))),
      parentRefs: parentRefsOf(gw.name, gw.namespace),
    }),
    selectorLabels: gatewayLabels(gw.name),
    serviceDnsName: serviceDnsName(gw.name, gw.namespace),
    ...(gw.canary && { move: moveOf(gw.canary) }),
    restart: gw.restartGeneration > 0,
    ...(gw.trafficShifting === "external" && { externalWeights: Object.fromEntries(tracks.map((t) => [t.split.revision, t.split.requestedPercent])) }),
    ...(adoption && { adoption }),
  };
}

function named<T extends K8sObject>(object: T, name: string): T {
  return { ...object, metadata: { ...object.metadata, name } };
}

/** Every object of a plan, in the order they are registered. */
export function objectsOf(plan: GatewayPlan): K8sObject[] {
  return [
    ...(plan.namespace ? [plan.namespace] : []),
    plan.serviceAccount, plan.role, plan.roleBinding,
    ...plan.tracks.flatMap((t) => [t.deployment, ...(t.hpa ? [t.hpa] : []), ...(t.pdb ? [t.pdb] : []), ...(t.service ? [t.service] : [])]),
    plan.service,
    ...(plan.gateway ? [plan.gateway] : []),
    ...(plan.kubernetesGateway ? [plan.kubernetesGateway] : []),
    ...(plan.adoption?.retired ?? []),
  ];
}
