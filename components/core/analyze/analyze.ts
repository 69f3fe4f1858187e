/**
 * Preflight analysis: the mistakes `istioctl analyze` reports only once they are applied, found on the planned
 * objects before anything is registered. Each finding has a stable code (the analyzer's name where Istio has
 * one), the key at fault and a one-line fix. Errors stop the preview; warnings are logged.
 */
import { collapsedSteps, Finding, IstioGatewayObject, Labels, selects, Severity, ValidGateway, Where } from "../model";
import { delegatedHosts, delegatedServers, gatewayApiInput, GatewayPlan, isOwnDeployment, listenersOf } from "../plan";
import { ListenerCode, listenerFindings } from "./listeners";
import { ISTIO_WARNING_CODES, ServerCode, serverFindings } from "./servers";

export const Code = {
  ConflictingGateways: "ConflictingGateways",
  GatewayPortNotDefinedOnService: "GatewayPortNotDefinedOnService",
  ReferencedResourceNotFound: "ReferencedResourceNotFound",
  ImageAutoWithoutInjection: "ImageAutoWithoutInjection",
  NamespaceOverridesRevision: "NamespaceOverridesRevision",
  TlsWithoutCredential: "TlsWithoutCredential",
  MutualTlsWithoutCa: "MutualTlsWithoutCa",
  HostNotInRouteNamespaces: "HostNotInRouteNamespaces",
  DuplicateServerHost: "DuplicateServerHost",
  DuplicatePortName: "DuplicatePortName",
  ConflictingPortProtocols: "ConflictingPortProtocols",
  CanaryStepsCollapse: "CanaryStepsCollapse",
  CanaryDirectionAssumed: "CanaryDirectionAssumed",
  LocalTrafficPolicySkewsCanary: "LocalTrafficPolicySkewsCanary",
  NamespaceDeletedWithStack: "NamespaceDeletedWithStack",
  TargetsWithoutReadinessGate: "TargetsWithoutReadinessGate",
  ...ListenerCode,
  ...ServerCode,
} as const;

/**
 * The findings that give istiod's own verdict on the Gateway (ValidateGateway): its errors and its warnings. With the
 * refusals of validate/servers.ts they are what the differential test holds to istiod's webhook, case for case; every
 * other finding is this package's own.
 */
export const ISTIO_VERDICT_CODES: readonly string[] = [Code.DuplicatePortName, Code.TlsWithoutCredential, ...ISTIO_WARNING_CODES];

/** The AWS Load Balancer Controller's IP-target annotation, and the namespace label that turns on its readiness gate. */
export const AWS_TARGET_TYPE = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
export const AWS_READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

const hostPart = (h: string) => h.split("/").pop() as string;
// HTTPS and TLS servers share a port through SNI; any other mix of protocols on one port conflicts.
const family = (protocol: string) => (protocol === "HTTPS" ? "TLS" : protocol);
const TERMINATING = ["SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL"];

type Check = (where: Where, gw: ValidGateway, plan: GatewayPlan) => Finding[];

/**
 * A server port must be a target port of the Service, or one of its ports: istiod translates a Service port to its
 * target port for the gateway's listeners, which is how istioctl's default install serves servers on 80 and 443
 * from pods listening on 8080 and 8443 (Istio's own IngressGatewayPortAnalyzer accepts both).
 */
const servicePorts: Check = (where, gw, plan) => {
  const targets = new Set(plan.service.spec.ports.map((p) => p.targetPort));
  const ports = new Set(plan.service.spec.ports.map((p) => p.port));
  return gw.servers.flatMap((s, i) => targets.has(s.port.number) || ports.has(s.port.number) ? [] : [new Finding(where, Code.GatewayPortNotDefinedOnService, Severity.Error,
    `servers[${i}].port.number`, s.port.number, `no port of Service ${gw.namespace}/${plan.service.metadata.name} targets it (targets: ${[...targets].join(", ")})`,
    `add a port with targetPort ${s.port.number} to service.ports, or remove service.ports`)]);
};

const selector: Check = (where, gw, plan) => {
  const istio = plan.gateway;
  if (!istio) return [];
  // An adopted Deployment's pods carry at least its selector's labels; what else they carry only the cluster knows.
  const missed = plan.tracks.filter((t) => !selects(istio.spec.selector, isOwnDeployment(t.deployment) ? t.deployment.spec.template.metadata.labels : t.deployment.spec.selector.matchLabels));
  return missed.length === 0 ? [] : [new Finding(where, Code.ReferencedResourceNotFound, Severity.Error, "gatewaySelector", gw.gatewaySelector,
    `it selects no pod of ${missed.map((t) => t.deployment.metadata.name).join(", ")}, so the Gateway binds to nothing there`,
    "add the same labels to podLabels, or remove gatewaySelector")];
};

const tls: Check = (where, gw) => gw.servers.flatMap((s, i) => {
  const t = s.tls;
  const key = `servers[${i}].tls`;
  if (t === undefined || !t.mode || !TERMINATING.includes(t.mode)) return [];
  const out: Finding[] = [];
  // validateTLSOptions: "SIMPLE TLS requires a server certificate" (and a private key; MUTUAL a client CA too).
  if (t.credentialName === undefined && (t.credentialNames ?? []).length === 0) {
    out.push(new Finding(where, Code.TlsWithoutCredential, Severity.Error, `${key}.credentialName`, undefined,
      `tls.mode ${t.mode} terminates TLS at the gateway, which needs a certificate`,
      `name the Secret in namespace ${gw.namespace} that holds it (or use PASSTHROUGH)`));
  }
  if (t.mode !== "SIMPLE" && t.caCertificates === undefined && t.caCertCredentialName === undefined) {
    out.push(new Finding(where, Code.MutualTlsWithoutCa, Severity.Warning, `${key}.caCertCredentialName`, undefined,
      `${t.mode} verifies clients against a CA, which Istio then reads from ca.crt in the credential's Secret or from a Secret named <credential>-cacert; without one every client is refused`,
      "set caCertCredentialName (or caCertificates) to the CA's Secret, or make sure the credential's Secret holds ca.crt"));
  }
  return out;
});

const routeNamespaces: Check = (where, gw) => {
  // Only a shared gateway may list routeNamespaces (validate/gateway.ts), and with none listed any namespace may bind.
  if (gw.routeNamespaces.length === 0) return [];
  return gw.servers.flatMap((s, i) => s.hosts.flatMap((h, j) => {
    const ns = h.includes("/") ? h.split("/")[0] : undefined;
    return ns === undefined || ns === "." || gw.routeNamespaces.includes(ns) ? [] : [new Finding(where, Code.HostNotInRouteNamespaces, Severity.Error,
      `servers[${i}].hosts[${j}]`, h, `it delegates to namespace "${ns}", which is not in routeNamespaces (${gw.routeNamespaces.join(", ")})`,
      `add "${ns}" to routeNamespaces, or write the host without a namespace`)];
  }));
};

// The servers as delegated whichever routing resource carries them: the Gateway API's listeners come from them too.
const ports: Check = (where, gw) => {
  const out: Finding[] = [];
  const servers = delegatedServers(gw.topology, gw.routeNamespaces, gw.servers);
  servers.forEach((s, i) => servers.slice(0, i).forEach((o, j) => {
    const key = `servers[${i}]`;
    if (o.port.number === s.port.number && family(o.port.protocol) !== family(s.port.protocol)) {
      // Istio admits it and serves one of the two: a warning, an error in strict mode.
      out.push(new Finding(where, Code.ConflictingPortProtocols, Severity.Warning, `${key}.port.protocol`, s.port.protocol,
        `port ${s.port.number} already serves ${o.port.protocol}; one port carries one protocol (HTTPS and TLS may share through SNI)`,
        "move one of the servers to another port"));
    } else if (o.port.number === s.port.number && s.hosts.some((h) => o.hosts.includes(h))) {
      // Shown as written in the stack file, not as delegated ("*", not "bookinfo/*").
      const written = gw.servers[i].hosts.filter((h) => delegatedHosts(gw.topology, gw.routeNamespaces, [h]).some((d) => o.hosts.includes(d)));
      out.push(new Finding(where, Code.DuplicateServerHost, Severity.Warning, `${key}.hosts`, written,
        `servers[${j}] on port ${s.port.number} already takes these hosts, so Envoy cannot tell which server a request is for`,
        "merge the two servers, or give each its own hosts"));
    }
    // ValidateGateway: "port names in servers must be unique", on one port number as on two.
    if (o.port.name === s.port.name) {
      out.push(new Finding(where, Code.DuplicatePortName, Severity.Error, `${key}.port.name`, s.port.name,
        `servers[${j}] already uses this port name, and Istio refuses a Gateway whose servers share one (even on one port)`,
        "give each server its own port.name, or leave port.name out and the component names it"));
    }
  }));
  return out;
};

const steps: Check = (where, gw) => {
  if (!gw.canary) return [];
  const steps = gw.canary.steps;
  return collapsedSteps(gw.replicas, steps).map(([a, b, pods]) => new Finding(where, Code.CanaryStepsCollapse, Severity.Warning, "canary.steps", steps,
    `steps ${a}% and ${b}% both put ${pods} of ${gw.replicas} pods on the canary, so the second changes nothing`,
    "raise replicas (npm run rollout -- status says how many make every step exact) or drop a step"));
};

const direction: Check = (where, gw, plan) => (plan.move?.assumed && gw.canary ? [new Finding(where, Code.CanaryDirectionAssumed, Severity.Warning,
  "canary.previousWeight", undefined,
  `this update grows the canary (weight ${gw.canary.weight}) before it shrinks the stable revision; lowered by hand, the shrinking revision would lose pods first`,
  "set canary.previousWeight to the weight the cluster runs now, or move the weight with npm run rollout")] : []);

// With externalTrafficPolicy: Local a load balancer balances across nodes, and each node across its own pods, so
// a node holding one canary pod gets as much traffic as a node holding three stable ones: the pod ratio no longer
// sets the split.
const localPolicy: Check = (where, gw) => (gw.canary && gw.trafficShifting === "replicas" && gw.service.externalTrafficPolicy === "Local"
  ? [new Finding(where, Code.LocalTrafficPolicySkewsCanary, Severity.Warning, "service.externalTrafficPolicy", "Local",
    "the load balancer splits traffic per node, not per pod, so the canary's share follows how its pods are spread over nodes, not the pod ratio",
    "keep one gateway pod per node (a required pod anti-affinity on kubernetes.io/hostname), use a load balancer that targets pods directly, or use trafficShifting: external")]
  : []);

// Deleting a namespace deletes every object in it, including what the stack never made (app pods, TLS Secrets).
const deletableNamespace: Check = (where, gw) => (gw.createNamespace && !gw.retainNamespace
  ? [new Finding(where, Code.NamespaceDeletedWithStack, Severity.Warning, "retainNamespace", false,
    `pulumi destroy, or removing createNamespace or this gateway, deletes namespace "${gw.namespace}" and every object in it, TLS Secrets and other teams' workloads included`,
    "leave retainNamespace out (the namespace then stays in the cluster when the stack lets go of it)")]
  : []);

/**
 * With IP targets the AWS Load Balancer Controller registers each pod at the load balancer; only its pod readiness
 * gate (turned on per namespace) keeps a new pod un-Ready until its target is healthy. Without it a rollout or a
 * canary step counts capacity in Kubernetes while the load balancer still has fewer healthy targets.
 */
export function readinessGate(where: Where, gw: ValidGateway, namespaceLabels: Labels): Finding[] {
  if (gw.service.annotations[AWS_TARGET_TYPE] !== "ip" || namespaceLabels[AWS_READINESS_GATE_LABEL] === "enabled") return [];
  return [new Finding(where, Code.TargetsWithoutReadinessGate, Severity.Warning, `service.annotations.${AWS_TARGET_TYPE}`, "ip",
    `namespace "${gw.namespace}" is not labelled ${AWS_READINESS_GATE_LABEL}=enabled, so new gateway pods turn Ready before their load-balancer targets are healthy and a rollout can drop healthy targets below the pods Kubernetes counts`,
    gw.createNamespace || !gw.verifyNamespace ? `add ${AWS_READINESS_GATE_LABEL}: enabled to namespaceLabels (or to the namespace, if the stack does not create it)`
      : `kubectl label namespace ${gw.namespace} ${AWS_READINESS_GATE_LABEL}=enabled`)];
}

// Namespace labels known from the config: the live ones are read at preview instead (verifyNamespace).
const staticReadinessGate: Check = (where, gw) => (gw.verifyNamespace ? [] : readinessGate(where, gw, gw.namespaceLabels));

const listeners: Check = (where, gw, plan) => (plan.kubernetesGateway ? listenerFindings(where, listenersOf(gatewayApiInput(gw, plan.service.spec.ports))) : []);

const CHECKS: Check[] = [serverFindings, servicePorts, selector, tls, routeNamespaces, ports, listeners, steps, direction, localPolicy, deletableNamespace, staticReadinessGate];

/** Every finding on one gateway's plan. */
export function analyzeGateway(where: Where, gw: ValidGateway, plan: GatewayPlan): Finding[] {
  return CHECKS.flatMap((check) => check(where, gw, plan));
}

/**
 * ConflictingGateways: two Gateways with the same selector, port and host. Istio merges them unpredictably; the
 * selector is not limited to the Gateway's namespace, so this spans the whole stack.
 */
export function analyzeStack(stack: string, gateways: ReadonlyArray<{ gw: ValidGateway; plan: GatewayPlan }>): Finding[] {
  // Only Gateways with equal selectors can conflict: group by selector first, so a stack of many gateways (each
  // with its own selector) costs one pass, not a comparison of every pair. A Gateway API Gateway selects no
  // pods: it names its own Service, which no other gateway shares.
  const bySelector = new Map<string, Array<{ gw: ValidGateway; istio: IstioGatewayObject }>>();
  for (const { gw, plan } of gateways) {
    if (!plan.gateway) continue;
    const key = JSON.stringify(Object.entries(plan.gateway.spec.selector).sort());
    bySelector.set(key, [...(bySelector.get(key) ?? []), { gw, istio: plan.gateway }]);
  }
  const out: Finding[] = [];
  for (const group of bySelector.values()) {
    group.forEach((b, i) => group.slice(0, i).forEach((a) => {
      const conflict = conflictOf(a.istio, b.istio);
      if (conflict) {
        out.push(new Finding({ stack, gateway: b.gw.name }, Code.ConflictingGateways, Severity.Error, "gatewaySelector", b.istio.spec.selector,
          `gateway "${a.gw.name}" selects the same pods and also serves ${conflict.hosts.join(", ")} on port ${conflict.port}`,
          "give one of them other hosts or another port, or select other pods"));
      }
    }));
  }
  return out;
}

/** The first port and hosts two Gateways with one selector both serve. */
function conflictOf(a: IstioGatewayObject, b: IstioGatewayObject): { port: number; hosts: string[] } | undefined {
  for (const s of b.spec.servers) {
    for (const o of a.spec.servers.filter((x) => x.port.number === s.port.number)) {
      const hosts = s.hosts.map(hostPart).filter((h) => o.hosts.map(hostPart).some((x) => x === h || x === "*" || h === "*"));
      if (hosts.length > 0) return { port: s.port.number, hosts };
    }
  }
  return undefined;
}

/**
 * An existing namespace the gateway is adopted into, as read from the cluster at preview: a namespace label
 * overrides the pods' own injection labels (Istio "Sidecar injection" precedence).
 */
export function analyzeNamespace(where: Where, namespace: string, labels: Labels, revisions: ReadonlyArray<string | undefined>): Finding[] {
  const injection = labels["istio-injection"];
  if (injection === "disabled") {
    return [new Finding(where, Code.ImageAutoWithoutInjection, Severity.Error, "namespace", namespace,
      "the namespace is labelled istio-injection=disabled, so gateway pods are not injected and try to pull an image called \"auto\"",
      `remove the label (kubectl label namespace ${namespace} istio-injection-) or run the gateway in another namespace`)];
  }
  const nsRevision = labels["istio.io/rev"];
  const label = injection === "enabled" ? "istio-injection=enabled" : nsRevision !== undefined ? `istio.io/rev=${nsRevision}` : undefined;
  if (label === undefined) return [];
  // istio-injection=enabled sends every pod to the default revision; istio.io/rev=<r> sends every pod to r.
  const overridden = revisions.filter((r) => r !== (injection === "enabled" ? undefined : nsRevision));
  if (overridden.length === 0) return [];
  const named = overridden.map((r) => (r === undefined ? "the default revision" : `revision ${r}`)).join(" and ");
  return [new Finding(where, Code.NamespaceOverridesRevision, Severity.Error, "namespace", namespace,
    `the namespace is labelled ${label}, which overrides the pods' istio.io/rev, so ${named} would never be injected`,
    `remove the namespace label (kubectl label namespace ${namespace} ${label.split("=")[0]}-): gateways pick their revision per pod`)];
}

export function errorsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === Severity.Error);
}

/**
 * The findings that stop the preview: the errors; in strict mode every finding, errors first (the convention of
 * `istioctl analyze --failure-threshold Warning` and of a policy pack's mandatory enforcement).
 */
export function blocking(findings: readonly Finding[], strict: boolean): Finding[] {
  return strict ? [...errorsOf(findings), ...warningsOf(findings)] : errorsOf(findings);
}

export function warningsOf(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === Severity.Warning);
}
