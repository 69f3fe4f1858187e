/**
 * Every default the validator applies that is a plain value, in one place. docs/config.md takes these values from
 * here (npm run reference), and a test holds the `@default` of each key in components/args.ts (the JSDoc the
 * multi-language schema and editors show) to the same value, so the three cannot drift.
 */
import { DEFAULT_ANALYSIS } from "./analysis";
import { DisruptionSettings, DrainSettings } from "./gateway";
import { ValidServer } from "./types";

export const DEFAULT_REPLICAS = 2;

export const DEFAULT_STEPS: readonly number[] = [10, 25, 50, 100];

/** Kubernetes' own progressDeadlineSeconds default, and the provider's Deployment await (10 minutes). */
export const DEFAULT_UPDATE_TIMEOUT_SECONDS = 600;

export const DEFAULT_DRAIN: DrainSettings = { durationSeconds: 45, terminationGracePeriodSeconds: 60 };

export const DEFAULT_DISRUPTION: DisruptionSettings = { maxUnavailable: 1 };

/**
 * Autoscaling defaults: the istio/gateway chart's maximum (5) and CPU target (80 %), but a minimum of 2 where the
 * chart has 1, since a single pod is no capacity at all through a node drain, a restart or a canary step.
 */
export const DEFAULT_AUTOSCALING = { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 80 };

/** The chart's resources: requests 100m/128Mi, limits 2 CPU/1Gi. */
export const DEFAULT_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } };

/** Istio's controller serves the class `istio`. */
export const DEFAULT_GATEWAY_CLASS = "istio";

export const DEFAULT_SERVERS: readonly ValidServer[] = [
  { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] },
];

/** The defaults above by the stack-file key they fill, plus the plain ones written inline nowhere else. */
export const DEFAULTS: Readonly<Record<string, unknown>> = {
  createNamespace: false,
  retainNamespace: true,
  strict: false,
  replicas: DEFAULT_REPLICAS,
  "canary.weight": 0,
  "canary.steps": DEFAULT_STEPS,
  "canary.analysis.interval": DEFAULT_ANALYSIS.interval,
  "canary.analysis.window": DEFAULT_ANALYSIS.window,
  "canary.analysis.minRequests": DEFAULT_ANALYSIS.minRequests,
  "canary.analysis.failureLimit": DEFAULT_ANALYSIS.failureLimit,
  "canary.analysis.inconclusiveLimit": DEFAULT_ANALYSIS.inconclusiveLimit,
  "canary.analysis.checks": [],
  restartGeneration: 0,
  updateTimeoutSeconds: DEFAULT_UPDATE_TIMEOUT_SECONDS,
  drain: DEFAULT_DRAIN,
  "drain.durationSeconds": DEFAULT_DRAIN.durationSeconds,
  podDisruptionBudget: DEFAULT_DISRUPTION,
  "podDisruptionBudget.maxUnavailable": DEFAULT_DISRUPTION.maxUnavailable,
  "autoscaling.minReplicas": DEFAULT_AUTOSCALING.minReplicas,
  "autoscaling.targetCPUUtilizationPercentage": DEFAULT_AUTOSCALING.targetCPUUtilizationPercentage,
  gatewayClassName: DEFAULT_GATEWAY_CLASS,
  "resources.requests": DEFAULT_RESOURCES.requests,
  "resources.limits": DEFAULT_RESOURCES.limits,
  servers: DEFAULT_SERVERS,
};
