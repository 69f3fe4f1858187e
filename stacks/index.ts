/**
 * The Pulumi program: one IstioGateway per entry of `istio-gateways:gateways`, and each namespace the stack
 * creates registered once, however many gateways share it. `pulumi up` and `npm run render` both run this file.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IstioGateway } from "../components";
import { ConfigError, handOver, planNamespace } from "../components/core";
import { readStackConfig, StackConfig, StackConfigError } from "./config";

function readConfig(): StackConfig {
  const stack = pulumi.getStack();
  try {
    const config = new pulumi.Config("istio-gateways");
    return readStackConfig(stack, config.getObject<unknown>("gateways"), Object.keys(pulumi.runtime.allConfig()), config.getObject<unknown>("strict") ?? false);
  } catch (e) {
    // Reported by Pulumi as the message alone: a stack-file mistake needs no stack trace.
    if (e instanceof ConfigError || e instanceof StackConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const config = readConfig();

// Retained unless a gateway says otherwise: dropping it from the stack must not delete what runs in it.
const namespaces = new Map(config.namespaces.map((ns) => {
  const resource = new k8s.core.v1.Namespace(`namespace-${ns.name}`, planNamespace(ns.name, ns.labels), { retainOnDelete: ns.retain });
  for (const w of ns.warnings) void pulumi.log.warn(w.message, resource);
  return [ns.name, resource];
}));

// Each component takes over the pass the stack file's reading made (validated, planned, analyzed once).
const components = config.components.map(({ name, args, prepared }) => {
  const created = namespaces.get(prepared.gateway.namespace);
  return new IstioGateway(name, handOver(args, { stack: pulumi.getStack(), gateway: name }, prepared), { dependsOn: created ? [created] : [] });
});

/**
 * Per gateway: its Service's DNS name, the labels it selects, the achieved split per revision, how routes name it
 * (`gatewayRef` for VirtualServices, `parentRefs` for HTTPRoutes, as its routingApi has them), and with external
 * traffic shifting the weight of each revision for the outer load balancer or DNS.
 */
export const gateways = Object.fromEntries(components.map((c, i) => [config.components[i].name, {
  serviceDnsName: c.serviceDnsName,
  selectorLabels: c.selectorLabels,
  split: c.split,
  ...(c.gatewayRef !== undefined && { gatewayRef: c.gatewayRef }),
  ...(c.parentRefs && { parentRefs: c.parentRefs }),
  ...(c.externalWeights && { externalWeights: c.externalWeights }),
}]));
