/**
 * The pack's policies: a name in Istio's analyzer vocabulary (the IST code where Istio has one), a description, an
 * enforcement level (mandatory for what breaks traffic, advisory for hardening and style; each can be changed in
 * the pack's config), and the check from checks.ts it runs. index.ts makes them a PolicyPack; tests call them
 * directly, since constructing a PolicyPack starts its server.
 */
import type { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  canarySplitMismatch, Finding, gatewaySelectsNothing, imageAutoWithoutInjection, openLoadBalancer, overlappingSelectors,
  podNotHardened, portNotOnService, revisionNotPinned, withoutDisruptionBudget,
} from "./checks";
import { DEPLOYMENT, Obj, SERVICE, StackObject } from "./objects";

type StackCheck = (objects: readonly StackObject[]) => Finding[];

function stackPolicy(name: string, enforcementLevel: EnforcementLevel, description: string, check: StackCheck): StackValidationPolicy {
  return {
    name, description, enforcementLevel,
    validateStack: (args, reportViolation) => {
      const objects = args.resources.map((r): StackObject => ({
        type: r.type, name: r.name, urn: r.urn, parent: r.parent?.urn, props: r.props as Obj, ignoreChanges: r.opts?.ignoreChanges ?? [],
      }));
      for (const f of check(objects)) reportViolation(f.message, f.urn);
    },
  };
}

function resourcePolicy(name: string, enforcementLevel: EnforcementLevel, description: string, type: string, check: (o: Obj) => string[]): ResourceValidationPolicy {
  return {
    name, description, enforcementLevel,
    validateResource: (args, reportViolation) => {
      if (args.type !== type) return;
      for (const message of check(args.props as Obj)) reportViolation(message);
    },
  };
}

export const POLICIES: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  stackPolicy("ImageAutoWithoutInjection", "mandatory",
    "A gateway Deployment with image: auto must be injected with the gateway template (IST0146/IST0147): sidecar.istio.io/inject or istio.io/rev on its pods or namespace, and inject.istio.io/templates: gateway.",
    imageAutoWithoutInjection),
  stackPolicy("GatewayRevisionNotPinned", "advisory",
    "A gateway's pods, or its namespace, name the control-plane revision (istio.io/rev) that injects them, so an Istio upgrade moves them only when asked.",
    revisionNotPinned),
  resourcePolicy("GatewayPodNotHardened", "advisory",
    "Gateway pods are hardened as the istio/gateway chart does: non-root, no privilege escalation, no privilege, ALL capabilities dropped, net.ipv4.ip_unprivileged_port_start=0.",
    DEPLOYMENT, podNotHardened),
  stackPolicy("OverlappingDeploymentSelectors", "mandatory",
    "No two Deployments of a gateway have selectors that take each other's pods (two revisions copied from one manifest).",
    overlappingSelectors),
  stackPolicy("ReferencedResourceNotFound", "mandatory",
    "Every Istio Gateway's selector matches the pods of a Deployment in the stack (IST0101): otherwise no proxy serves it.",
    gatewaySelectsNothing),
  stackPolicy("GatewayPortNotDefinedOnService", "mandatory",
    "Every Istio Gateway server port is forwarded by a Service in front of the gateway's pods (IST0162).",
    portNotOnService),
  stackPolicy("GatewayWithoutDisruptionBudget", "advisory",
    "A gateway Deployment with more than one replica is covered by a PodDisruptionBudget, so a node drain cannot take it down at once.",
    withoutDisruptionBudget),
  resourcePolicy("LoadBalancerOpenToTheWorld", "advisory",
    "A gateway's LoadBalancer Service states loadBalancerSourceRanges or is internal.",
    SERVICE, openLoadBalancer),
  stackPolicy("CanarySplitMismatch", "mandatory",
    "An IstioGateway's Deployments run the pods of its split output, and the split is the one the canary arithmetic gives for the requested weight.",
    canarySplitMismatch),
];
