/**
 * IstioGateway: the thin Pulumi shell over the pure core. It registers what the core planned; it decides nothing
 * itself.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { IstioGatewayArgs } from "./args";
import {
  analyzeNamespace, ConfigError, errorsOf, GatewayPlan, isOwnDeployment, K8sObject, ParentRef, PlannedTrack, PreparedGateway, readinessGate,
  RESTART_ANNOTATION, takeOver, TrackSplit, ValidGateway, warningsOf,
} from "./core";
import { importOf, registerRetired, verifyAdoption } from "./adopted";
import { previewFailure } from "./preview-failure";

export const ISTIO_GATEWAY_TYPE = "istio-gateway:index:IstioGateway";

/** Kept outside the class's fields so the multi-language analyzer does not try to type them (see `gateway`). */
const gatewayResources = new WeakMap<IstioGateway, k8s.apiextensions.CustomResource>();
const kubernetesGatewayResources = new WeakMap<IstioGateway, k8s.apiextensions.CustomResource>();

/**
 * An Istio ingress (or egress) gateway deployed apart from the control plane: injected Envoy Deployments (one
 * per revision), their ServiceAccount and SDS Role, one Service, and the Istio Gateway that selects them.
 */
export class IstioGateway extends pulumi.ComponentResource {
  /** The namespace, when `createNamespace` is set. @default undefined */
  public readonly namespace?: k8s.core.v1.Namespace;
  /** One Deployment per Istio revision serving this gateway, keyed by revision (`default` for the default revision). */
  public readonly deployments: Record<string, k8s.apps.v1.Deployment>;
  /** The Service in front of every revision's pods. */
  public readonly service: k8s.core.v1.Service;
  /**
   * How VirtualServices name this gateway in `spec.gateways`: `<namespace>/<name>`, e.g.
   * `istio-ingress/istio-ingressgateway`. Absent with `routingApi: "gateway-api"` (there is no Istio Gateway).
   * @default `<namespace>/<name>`
   */
  public readonly gatewayRef?: string;
  /**
   * With `routingApi` `gateway-api` or `both`: what an HTTPRoute (TLSRoute, TCPRoute) writes in
   * `spec.parentRefs` to attach to this gateway, e.g. `[{ group: "gateway.networking.k8s.io", kind: "Gateway",
   * name: "istio-ingressgateway", namespace: "istio-ingress" }]`. Add `sectionName` to pick one listener.
   * @default undefined
   */
  public readonly parentRefs?: ParentRef[];
  /**
   * The Istio Gateway (networking.istio.io/v1) selecting the gateway pods; undefined with `routingApi:
   * "gateway-api"`. TypeScript only: a multi-language schema cannot type a CustomResource (it has no fixed Pulumi
   * type), so it is a getter, not an output.
   */
  public get gateway(): k8s.apiextensions.CustomResource | undefined {
    return gatewayResources.get(this);
  }
  /**
   * The Gateway API Gateway (gateway.networking.k8s.io/v1) bound to the Service, with `routingApi` `gateway-api`
   * or `both`; undefined otherwise. TypeScript only, like `gateway`.
   */
  public get kubernetesGateway(): k8s.apiextensions.CustomResource | undefined {
    return kubernetesGatewayResources.get(this);
  }
  /** Pods and percent per revision, as achieved with whole pods, stable first. */
  public readonly split: TrackSplit[];
  /** The labels the Service and the Gateway select; every revision's pods carry them. */
  public readonly selectorLabels: Record<string, string>;
  /** The Service's in-cluster DNS name, e.g. `istio-ingressgateway.istio-ingress.svc.cluster.local`. */
  public readonly serviceDnsName: string;
  /**
   * With `trafficShifting: "external"`: the Service of each revision (keyed like `deployments`), for an outer
   * load balancer or DNS to weigh. @default {}
   */
  public readonly trackServices: Record<string, k8s.core.v1.Service>;
  /**
   * With `trafficShifting: "external"`: each revision's weight in percent (they add up to 100), for the outer
   * load balancer or DNS. @default undefined
   */
  public readonly externalWeights?: Record<string, number>;

  constructor(name: string, args: IstioGatewayArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate and plan before registering anything: bad input must fail the preview with nothing half-created.
    const { gateway: valid, plan, findings } = prepareOrFail(name, args);
    super(ISTIO_GATEWAY_TYPE, name, {}, opts);
    for (const w of warningsOf(findings)) void pulumi.log.warn(w.message, this);

    this.namespace = plan.namespace &&
      new k8s.core.v1.Namespace(`${name}-namespace`, plan.namespace, { parent: this, dependsOn: opts.dependsOn, retainOnDelete: valid.retainNamespace });
    // An adopted namespace is checked before anything runs in it: every child waits for the check.
    const verified = valid.verifyNamespace ? this.verifyNamespace(name, valid) : undefined;
    // Adopted objects are checked against the plan before any of them is imported (plan/adopt.ts).
    const adoptable = verifyAdoption(name, valid, plan, this);
    const checks = [verified, adoptable].filter((c) => c !== undefined);
    const outer = checks.length > 0 ? [opts.dependsOn, ...checks] : opts.dependsOn;
    const after = (...deps: pulumi.Resource[]): pulumi.CustomResourceOptions =>
      ({ parent: this, dependsOn: childDependsOn(outer as pulumi.ResourceOptions["dependsOn"], this.namespace ? [this.namespace, ...deps] : deps) });
    const adopt = (o: K8sObject, opts: pulumi.CustomResourceOptions) => ({ ...opts, ...importOf(plan, o) });
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-serviceaccount`, plan.serviceAccount, adopt(plan.serviceAccount, after()));
    const role = new k8s.rbac.v1.Role(`${name}-role`, plan.role, adopt(plan.role, after()));
    const roleBinding = new k8s.rbac.v1.RoleBinding(`${name}-rolebinding`, plan.roleBinding, adopt(plan.roleBinding, after(role, serviceAccount)));
    const tracks = this.registerTracks(name, plan, after(serviceAccount, roleBinding));
    this.deployments = tracks.deployments;
    this.trackServices = Object.fromEntries(plan.tracks.filter((t) => t.service).map((t) =>
      [t.split.revision, new k8s.core.v1.Service(`${name}-${t.split.revision}-service`, t.service!, after())]));
    this.externalWeights = plan.externalWeights;
    // The ClusterIP is allocated once and immutable (the provider replaces a Service whose clusterIP changes). An
    // adopted Service's import brings the live one into the stack's inputs; ignoring it keeps every later update,
    // and one after `adopt` is removed from the stack file, from reading its absence as a change.
    this.service = new k8s.core.v1.Service(`${name}-service`, plan.service,
      { ...adopt(plan.service, after()), ignoreChanges: ["spec.clusterIP", "spec.clusterIPs"] });
    if (plan.gateway) gatewayResources.set(this, new k8s.apiextensions.CustomResource(`${name}-gateway`, plan.gateway, adopt(plan.gateway, after(this.service))));
    if (plan.kubernetesGateway) {
      kubernetesGatewayResources.set(this, new k8s.apiextensions.CustomResource(`${name}-gateway-api`, plan.kubernetesGateway, after(this.service)));
    }
    registerRetired(name, plan, after());
    this.gatewayRef = plan.gatewayRef;
    this.parentRefs = plan.parentRefs;
    this.split = plan.tracks.map((t) => t.split);
    this.selectorLabels = plan.selectorLabels;
    this.serviceDnsName = plan.serviceDnsName;

    this.registerOutputs({
      namespace: this.namespace,
      deployments: this.deployments,
      service: this.service,
      gatewayRef: this.gatewayRef,
      parentRefs: this.parentRefs,
      split: this.split,
      selectorLabels: this.selectorLabels,
      serviceDnsName: this.serviceDnsName,
      trackServices: this.trackServices,
      externalWeights: this.externalWeights,
    });
  }

  /**
   * One Deployment (and its HPA and disruption budget) per track, the one that grows first: the other waits for
   * it (Pulumi waits for a Deployment to be ready before it counts as updated), so ready pods never fall below
   * `replicas` (plan/order.ts). A track's HPA goes before its Deployment: the Deployment is awaited until the HPA's
   * new minimum is available (plan/autoscaling.ts, availableAtLeast), which only the updated HPA brings; an HPA
   * whose Deployment does not exist yet waits for it (FailedGetScale until its next sync).
   */
  private registerTracks(name: string, plan: GatewayPlan, opts: pulumi.CustomResourceOptions): { deployments: Record<string, k8s.apps.v1.Deployment> } {
    const first = plan.tracks.find((t) => t.split.role === firstRole(plan));
    const ordered = [...plan.tracks].sort((a, b) => Number(b === first) - Number(a === first));
    const deployments: Record<string, k8s.apps.v1.Deployment> = {};
    let previous: pulumi.Resource[] = [];
    for (const track of ordered) {
      const rev = track.split.revision;
      const afterPrevious = { ...opts, dependsOn: [opts.dependsOn, ...previous] as pulumi.Input<pulumi.Resource>[] };
      const hpa = track.hpa && new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-${rev}-hpa`, track.hpa, { ...afterPrevious, ...importOf(plan, track.hpa) });
      const wait = { ...opts, dependsOn: [opts.dependsOn, ...previous, ...(hpa ? [hpa] : [])] as pulumi.Input<pulumi.Resource>[], ...importOf(plan, track.deployment),
        ...(track.kept && { ignoreChanges: track.kept }) };
      const deployment = new k8s.apps.v1.Deployment(`${name}-${rev}`, withRestartToken(track, this.restartToken(name, track, plan)), wait);
      const afterDeployment = { ...opts, dependsOn: [opts.dependsOn, ...previous, deployment] as pulumi.Input<pulumi.Resource>[] };
      if (track.pdb) new k8s.policy.v1.PodDisruptionBudget(`${name}-${rev}-pdb`, track.pdb, afterDeployment);
      deployments[rev] = deployment;
      previous = [deployment, ...(hpa ? [hpa] : [])];
    }
    // Keyed stable first, whatever the registration order.
    return { deployments: Object.fromEntries(plan.tracks.map((t) => [t.split.revision, deployments[t.split.revision]])) };
  }

  /**
   * Reads the existing namespace (at preview, from the cluster) and fails when its labels override the gateway
   * pods' injection; resolves to the namespace, for the children to depend on.
   */
  private verifyNamespace(name: string, gw: ValidGateway): pulumi.Output<pulumi.Resource> {
    const existing = k8s.core.v1.Namespace.get(`${name}-existing-namespace`, gw.namespace, { parent: this });
    const where = { stack: pulumi.getStack(), gateway: name };
    return existing.metadata.apply((meta) => {
      const labels = meta?.labels ?? {};
      // Only a namespace the cluster returned (it has a uid) says what is missing: render's offline stand-in has
      // no labels of its own, and warning about them would be noise.
      const live = meta?.uid !== undefined;
      const findings = [...analyzeNamespace(where, gw.namespace, labels, [gw.revision, ...(gw.canary ? [gw.canary.revision] : [])]), ...(live ? readinessGate(where, gw, labels) : [])];
      const error = errorsOf(findings)[0];
      if (error) throw previewFailure(error.message);
      for (const w of warningsOf(findings)) void pulumi.log.warn(w.message, this);
      return existing as pulumi.Resource;
    });
  }

  /** None until the first restart is asked for (restartGeneration > 0): nothing to keep, nothing to register. */
  private restartToken(name: string, track: PlannedTrack, plan: GatewayPlan): pulumi.Output<string> | undefined {
    // An adopted Deployment's pods are not restarted: they run until promote retires them (plan/adopt.ts).
    if (!plan.restart || !isOwnDeployment(track.deployment)) return undefined;
    return new random.RandomId(`${name}-${track.split.revision}-restart`,
      { byteLength: 4, keepers: track.restartKeepers }, { parent: this }).hex;
  }
}

/**
 * The track whose Deployment is updated first (plan/order.ts). The e2e suite shows that its ready-pod floor catches
 * the wrong one with a mutant of this function in a copy of the program (npm run e2e -- --mutants: tests/e2e/support/mutants.ts).
 */
function firstRole(plan: GatewayPlan): "canary" | "stable" {
  return plan.move?.first ?? "stable";
}

/** The planned Deployment with its restart token in the pod template. */
function withRestartToken(track: PlannedTrack, token: pulumi.Output<string> | undefined): k8s.apps.v1.DeploymentArgs {
  const d = track.deployment;
  // An adopted Deployment's pod template is the cluster's (plan/adopt.ts): no token goes into it.
  if (token === undefined || !isOwnDeployment(d)) return d as k8s.apps.v1.DeploymentArgs;
  const meta = d.spec.template.metadata;
  return {
    ...d,
    spec: { ...d.spec, template: { ...d.spec.template, metadata: { ...meta, annotations: { ...meta.annotations, [RESTART_ANNOTATION]: token } } } },
  };
}

/**
 * Children wait for what the component was told to wait for: Pulumi does not pass a component's `dependsOn` to
 * its children, and the stack program relies on it for namespaces shared by several gateways. The SDK flattens
 * nested arrays, promises and outputs in `dependsOn` (runtime/dependsOn gatherExplicitDependencies).
 */
function childDependsOn(outer: pulumi.ResourceOptions["dependsOn"], deps: pulumi.Resource[]): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
  if (outer === undefined) return deps;
  return [...deps, outer as pulumi.Input<pulumi.Resource>];
}

/**
 * The gateway validated, planned and analyzed once: by the stack program, which hands the pass over with the
 * arguments (core/prepare.ts), or here.
 */
function prepareOrFail(name: string, args: IstioGatewayArgs): PreparedGateway {
  try {
    return takeOver({ stack: pulumi.getStack(), gateway: name }, args);
  } catch (e) {
    // A RunError is reported by Pulumi as its message alone: no stack trace for a configuration mistake.
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
