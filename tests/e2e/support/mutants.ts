/**
 * The e2e suite's mutants (`npm run e2e -- --mutants`, docs/E2E.md): each breaks one claim of the package in a
 * temporary copy of the program, and names the scenario that must catch it and the assertion it must fail with.
 *
 * A mutant run sets `E2E_MUTANT` for the lane it starts; every Workspace of that lane applies the mutant to its own
 * copy of the program (workspace.ts), so the scenario runs exactly as in `npm run e2e` on broken code. The package
 * (components/) carries no switch for any of this: the break is a text replacement in the copy, and one that no
 * longer applies fails the run ("the mutant no longer applies") rather than passing it.
 */
import * as fs from "fs";
import * as path from "path";

export interface E2eMutant {
  /** What `--mutants <name,…>` picks. */
  name: string;
  /** The claim it breaks, as the table prints it. */
  what: string;
  /** The file of the program's copy it edits, and the text it replaces (once, the first occurrence). */
  file: string;
  from: string;
  to: string;
  /** The suite file under tests/e2e/ and the mocha --grep (a describe's title) that run the scenario. */
  suite: string;
  grep: string;
  /** The failure that counts as caught: the scenario's own assertion message. */
  caught: RegExp;
}

export const MUTANT_ENV = "E2E_MUTANT";

const DEV_WALK = "dev stack, real engine: from empty through the canary runbook";

export const E2E_MUTANTS: readonly E2eMutant[] = [
  {
    name: "order-reversed", what: "update order reversed: the shrinking Deployment moves first",
    file: "components/istio-gateway.ts", from: 'return plan.move?.first ?? "stable";', to: 'return plan.move?.first === "canary" ? "stable" : "canary";',
    suite: "dev.e2e.ts", grep: DEV_WALK, caught: /fell to \d+ ready pods, below its \d+ replicas/,
  },
  {
    // The same break, judged by requests: in a 0 % → 100 % step the stable's pods go before any canary pod serves.
    name: "order-reversed-requests", what: "update order reversed, under load: requests sent while no gateway pod is Ready",
    file: "components/istio-gateway.ts", from: 'return plan.move?.first ?? "stable";', to: 'return plan.move?.first === "canary" ? "stable" : "canary";',
    suite: "traffic.e2e.ts", grep: "traffic: a canary from 0 % to 100 % in one step", caught: /\d+ of \d+ requests failed through the gateway/,
  },
  {
    name: "no-wait", what: "the stable shrunk before the canary is Ready: no Deployment waits for the other",
    file: "components/istio-gateway.ts", from: "dependsOn: [opts.dependsOn, ...previous, ...(hpa ? [hpa] : [])] as pulumi.Input<pulumi.Resource>[], ...importOf",
    to: "dependsOn: [opts.dependsOn, ...(hpa ? [hpa] : [])] as pulumi.Input<pulumi.Resource>[], ...importOf",
    suite: "dev.e2e.ts", grep: DEV_WALK, caught: /fell to \d+ ready pods, below its \d+ replicas/,
  },
  {
    name: "canary-labelled-stable", what: "the canary's pods labelled with the stable's revision",
    file: "components/core/model/labels.ts", from: "labels[REVISION_LABEL] = revision;", to: 'labels[REVISION_LABEL] = "1-25-1";',
    suite: "dev.e2e.ts", grep: DEV_WALK, caught: /ran pods its revision's istiod did not inject/,
  },
  {
    name: "selector-stable-only", what: "the Gateway's selector carries a label only the stable's pods have",
    file: "components/core/plan/gateway.ts", from: "spec: { selector: { ...selector },",
    to: 'spec: { selector: { ...selector, "pulumi-istio-gateway/track": "1-25-1" },',
    // In the planner, so the preview's own analysis (ReferencedResourceNotFound) is what must stop the update.
    suite: "dev.e2e.ts", grep: DEV_WALK, caught: /\[ReferencedResourceNotFound\] it selects no pod of istio-ingressgateway-1-26-0/,
  },
  {
    // In the shell, after the analysis: only istiod's generated config (the xDS check) can tell.
    name: "selector-misses-pods", what: "a Gateway selector that matches no gateway pod",
    file: "components/istio-gateway.ts", from: "new k8s.apiextensions.CustomResource(`${name}-gateway`, plan.gateway,",
    to: "new k8s.apiextensions.CustomResource(`${name}-gateway`, { ...plan.gateway, spec: { ...plan.gateway.spec, selector: { app: \"no-such-pods\" } } },",
    suite: "dev.e2e.ts", grep: DEV_WALK, caught: /what istiod generated does not match the Gateways/,
  },
  {
    name: "pdb-dropped", what: "the PodDisruptionBudgets dropped",
    file: "components/istio-gateway.ts", from: "if (track.pdb) new k8s.policy.v1.PodDisruptionBudget(", to: "if (false as boolean) new k8s.policy.v1.PodDisruptionBudget(",
    suite: "disruption.e2e.ts", grep: "a drain", caught: /evicted \d+ of the stable's \d+ pods at once; its budget allows 1/,
  },
  {
    name: "timeout-dropped", what: "the update's wait bound (pulumi.com/timeoutSeconds) removed",
    file: "components/core/plan/deployment.ts", from: "annotations: { [TIMEOUT_ANNOTATION]: String(t.updateTimeoutSeconds) },", to: "annotations: {},",
    suite: "faults.e2e.ts", grep: "never gets ready within updateTimeoutSeconds", caught: /the update took \d+(\.\d+)? s, past its \d+ s bound/,
  },
  {
    // An HPA-scaled Deployment counted updated while its HPA has not yet added the new minimum's pods.
    name: "hpa-wait-dropped", what: "an autoscaled revision shrinks to 0 before the other's HPA minimum is available",
    file: "components/core/plan/plan.ts", from: "return hpaOwned ? awaitingHpaMinimum(deployment, split.pods) : deployment;", to: "return deployment;",
    suite: "modes.e2e.ts", grep: "autoscaled stack, real engine", caught: /fell to \d+ ready pods, below its \d+ replicas/,
  },
  {
    // istiod sends a credentialName's Secret only to a proxy whose ServiceAccount may read it (a SubjectAccessReview).
    name: "secrets-role-dropped", what: "the gateway's Role grants nothing: its pods may not read their TLS Secrets",
    file: "components/core/plan/rbac.ts", from: 'rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "watch", "list"] }],', to: "rules: [],",
    suite: "traffic.e2e.ts", grep: "traffic: prod over HTTPS", caught: /no request to istio-ingress\/istio-ingressgateway was answered 200 within 60 s/,
  },
  {
    name: "restart-token-dropped", what: "restartGeneration restarts nothing: the restart token left out of the pod template",
    file: "components/istio-gateway.ts", from: "if (token === undefined || !isOwnDeployment(d)) return d as k8s.apps.v1.DeploymentArgs;",
    to: "return d as k8s.apps.v1.DeploymentArgs;",
    suite: "tags.e2e.ts", grep: "a revision tag moved under a running gateway", caught: /pods that survived the restart/,
  },
];

/** The mutant this process's lane runs, if any. */
export function activeMutant(): E2eMutant | undefined {
  const name = process.env[MUTANT_ENV];
  if (!name) return undefined;
  const mutant = E2E_MUTANTS.find((m) => m.name === name);
  if (!mutant) throw new Error(`${MUTANT_ENV}=${name} names no mutant; mutants: ${E2E_MUTANTS.map((m) => m.name).join(", ")}`);
  return mutant;
}

/** Applies a mutant to a copy of the program, or throws when its text is no longer there. */
export function applyMutant(dir: string, m: Pick<E2eMutant, "file" | "from" | "to">): void {
  const target = path.join(dir, m.file);
  const source = fs.readFileSync(target, "utf8");
  if (!source.includes(m.from)) throw new Error(`the mutant no longer applies: ${m.file} has no ${JSON.stringify(m.from)}`);
  fs.writeFileSync(target, source.replace(m.from, m.to));
}
