/**
 * A model of how `pulumi up` moves a gateway's Deployments, to check that ready pods never fall below the
 * replicas. It follows Pulumi's rules: a resource's step starts once every resource it depends on has finished;
 * steps with no path between them run at the same time; a Deployment's step finishes when its pods are ready
 * (the Kubernetes provider's await); resources gone from the program are deleted after every other step.
 *
 * While a Deployment changes, it counts min(old, new) ready pods: a shrink removes pods at once, a growth adds
 * them only when they are ready, and a template change rolls with maxUnavailable 0.
 */
import { Registered } from "../../tools/engine/offline";

interface Dep {
  replicas: number;
  template: string;
  dependencies: string[];
}

function deployments(resources: Registered[]): Map<string, Dep> {
  return new Map(resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").map((r) => {
    const spec = r.inputs.spec as { replicas: number; template: unknown };
    return [r.urn as string, { replicas: spec.replicas, template: JSON.stringify(spec.template), dependencies: r.dependencies ?? [] }];
  }));
}

export interface Timeline {
  /** The fewest ready pods at any moment of the update. */
  minReady: number;
  before: number;
  after: number;
}

export function simulate(before: Registered[], after: Registered[]): Timeline {
  const old = deployments(before);
  const now = deployments(after);
  const window = new Map<string, { start: number; end: number; from: number; to: number }>();
  const endOf = (urn: string): number => {
    const known = window.get(urn);
    if (known) return known.end;
    const d = now.get(urn);
    if (!d) return 0; // not a Deployment: no time of its own in this model
    const start = Math.max(0, ...d.dependencies.map(endOf));
    const from = old.get(urn)?.replicas ?? 0;
    const changed = !old.has(urn) || old.get(urn)?.replicas !== d.replicas || old.get(urn)?.template !== d.template;
    window.set(urn, { start, end: changed ? start + 1 : start, from, to: d.replicas });
    return window.get(urn)!.end;
  };
  [...now.keys()].forEach(endOf);
  const last = Math.max(0, ...[...window.values()].map((w) => w.end));
  for (const [urn, d] of old) if (!now.has(urn)) window.set(urn, { start: last, end: last + 1, from: d.replicas, to: 0 });
  const horizon = Math.max(0, ...[...window.values()].map((w) => w.end));
  let minReady = Infinity;
  for (let t = 0.5; t <= horizon + 0.5; t += 1) {
    let ready = 0;
    for (const w of window.values()) ready += t < w.start ? w.from : t < w.end ? Math.min(w.from, w.to) : w.to;
    minReady = Math.min(minReady, ready);
  }
  const sum = (m: Map<string, Dep>) => [...m.values()].reduce((n, d) => n + d.replicas, 0);
  return { minReady, before: sum(old), after: sum(now) };
}
