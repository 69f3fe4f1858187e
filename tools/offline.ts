/**
 * The offline runner behind render (and the tests): runs a Pulumi program under Pulumi's mocks, with a stack's
 * config, and returns every resource it registered with its full inputs. No engine, no cluster.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  /** The resource's inputs as the engine would receive them (secrets in Pulumi's envelope). */
  inputs: Record<string, unknown>;
}

export interface OfflineOptions {
  project: string;
  stack: string;
  config: Record<string, string>;
  secretKeys?: string[];
  /** Registers the resources: typically `require`s the program. */
  program: () => void;
}

/** Error raised while the program ran, whether thrown at once or from a promise the SDK awaited. */
export class ProgramError extends Error {
  /** @param registered what the program had registered before it failed (nothing, for a config mistake) */
  constructor(readonly cause: unknown, readonly registered: Registered[]) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** Outputs a mock must compute because the real provider would (none of ours read them back yet). */
function computedOutputs(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  if (args.type === "random:index/randomId:RandomId") return { hex: deterministicHex(args.name, 8), b64Url: args.name };
  return {};
}

/** A stable stand-in for a random value: the same name always renders the same text. */
function deterministicHex(seed: string, bytes: number): string {
  let h = 2166136261;
  let out = "";
  while (out.length < bytes * 2) {
    for (const c of seed + out.length) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, bytes * 2);
}

export async function runOffline(opts: OfflineOptions): Promise<Registered[]> {
  const resources: Registered[] = [];
  let failure: unknown;
  const onRejection = (reason: unknown) => { failure ??= reason; };
  process.on("unhandledRejection", onRejection);
  try {
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args) } };
      },
      call: () => ({}),
    }, opts.project, opts.stack, false);
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
    try {
      opts.program();
    } catch (e) {
      failure ??= e;
    }
    // Registrations are asynchronous: wait until the SDK's queue of outstanding calls has drained.
    await pulumi.runtime.disconnect();
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (failure !== undefined) throw new ProgramError(failure, resources);
  return resources;
}
