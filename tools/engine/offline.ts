/**
 * The offline runner behind render (and the tests): runs a Pulumi program under Pulumi's mocks, with a stack's
 * config, and returns every resource it registered with its full inputs. No engine, no cluster.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  type: string;
  /** Pulumi logical name. */
  name: string;
  /** The resource's inputs as the engine would receive them (secrets in Pulumi's envelope). */
  inputs: Record<string, unknown>;
  /** Its URN, its parent's URN, and the URNs it depends on (explicit `dependsOn` and inputs), as the engine sees them. */
  urn?: string;
  parent?: string;
  dependencies?: string[];
  /** The resource's retainOnDelete option (left in the cluster when the stack lets go of it). */
  retainOnDelete?: boolean;
  /** The resource's `import` option: the id of the running object the engine imports instead of creating one. */
  importId?: string;
  /** The resource's ignoreChanges option: paths the engine keeps from the stack's state (or the imported object). */
  ignoreChanges?: string[];
}

export interface OfflineOptions {
  project: string;
  stack: string;
  config: Record<string, string>;
  secretKeys?: string[];
  /** Registers the resources: typically `require`s the program. */
  program: () => void;
  /**
   * What reading an existing object (`Namespace.get`) finds, by type and id; stands in for the cluster. Unlisted
   * reads find an object with no labels.
   */
  reads?: Record<string, Record<string, unknown>>;
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
  if (args.type === "random:index/randomId:RandomId") {
    // Derived from the keepers, like a real token is regenerated when they change.
    const hex = deterministicHex(`${args.name}:${JSON.stringify(args.inputs.keepers ?? {})}`, args.inputs.byteLength ?? 8);
    return { hex, b64Url: Buffer.from(hex, "hex").toString("base64url") };
  }
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

/** The parts of a RegisterResourceRequest the runner reads (sdk/proto resource.proto). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
}
type Callback = (err: unknown, response?: { getUrn(): string }) => void;

/**
 * Records the URN, parent and dependencies the SDK sends for each resource, by wrapping the mock monitor's
 * registerResource: the mocks' newResource sees only inputs, and ordering is what the rollout tests check.
 */
function recordEdges(pending: Map<string, Registered>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: Callback): Promise<void> };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => register(req, (err, response) => {
    const key = `${req.getType()}::${req.getName()}`;
    const entry = pending.get(key);
    pending.delete(key);
    if (entry && response) {
      entry.urn = response.getUrn();
      entry.parent = req.getParent() || undefined;
      entry.dependencies = [...req.getDependenciesList()].sort();
      if (req.getRetainondelete()) entry.retainOnDelete = true;
      if (req.getIgnorechangesList().length > 0) entry.ignoreChanges = [...req.getIgnorechangesList()];
    }
    callback(err, response);
  });
}

/** Marks each readResource call (a `.get`), which the mocks' newResource cannot tell from an import by itself. */
function recordReads(reads: Set<string>): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as { readResource(req: { getType(): string; getName(): string }, cb: Callback): Promise<void> };
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, callback) => {
    reads.add(`${req.getType()}::${req.getName()}`);
    return read(req, callback);
  };
}

/**
 * For command-line runs only (render, diff, bench) and the test workers: the SDK records stack traces that only the
 * engine or a leak hunt uses; offline, formatting them costs most of the registration time. Set by the commands'
 * entry points, never by the component: the setting is process-wide.
 *
 * - Every resource formats the whole stack to find its source position (Resource.callsites in resource.ts), and
 *   ts-node's source-map-support maps every frame of it; a component's children are created deep in the stack, so
 *   they pay the most. Offline that position is never read.
 * - Most promises format a stack when they are made (runtime/debuggable.ts debuggablePromise), read only when
 *   PULUMI_DEBUG_PROMISE_LEAKS asks for leaked promises' origins.
 *
 * Both captures are answered with no frames (the SDK then sends no position, and a leak report would show none);
 * every other stack trace is formatted as before, whole and source-mapped, so a real failure still shows where.
 */
export function tuneForOfflineRun(): void {
  const leakHunt = process.env.PULUMI_DEBUG_PROMISE_LEAKS !== undefined && process.env.PULUMI_DEBUG_PROMISE_LEAKS !== "";
  const format = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (isSourcePositionCapture(frames) || (!leakHunt && isPromiseDebugCapture(frames))) return "Error";
    return format ? format(error, frames) : `${error}${frames.map((f) => `\n    at ${f}`).join("")}`;
  };
}

const SDK_RUNTIME = `@pulumi${path.sep}pulumi${path.sep}`;

function isSourcePositionCapture(frames: NodeJS.CallSite[]): boolean {
  const top = frames[0];
  return top !== undefined && top.getFunctionName() === "callsites" && (top.getFileName() ?? "").endsWith(`${SDK_RUNTIME}resource.js`);
}

function isPromiseDebugCapture(frames: NodeJS.CallSite[]): boolean {
  const top = frames[0];
  return top !== undefined && top.getFunctionName() === "debuggablePromise" && (top.getFileName() ?? "").endsWith(`${SDK_RUNTIME}runtime${path.sep}debuggable.js`);
}

export async function runOffline(opts: OfflineOptions): Promise<Registered[]> {
  const resources: Registered[] = [];
  // Registered by the mocks, waiting for the URN and edges the monitor answers with (type::name is unique).
  const pending = new Map<string, Registered>();
  // type::name of each read (`.get`), told apart from registrations before the mocks see them.
  const reads = new Set<string>();
  let failure: unknown;
  let failed: () => void = () => undefined;
  const failing = new Promise<void>((resolve) => { failed = resolve; });
  const onRejection = (reason: unknown) => { failure ??= reason; failed(); };
  process.on("unhandledRejection", onRejection);
  const restoreLog = withoutRuntimePrefix();
  try {
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        if (reads.has(`${args.type}::${args.name}`)) {
          // A read of an existing object (`.get`): not something the program declares. An import also carries an
          // id, but it is declared: it is printed like any other object.
          return { id: args.id, state: opts.reads?.[`${args.type}::${args.id}`] ?? { metadata: { name: args.id } } };
        }
        const entry: Registered = { type: args.type, name: args.name, inputs: args.inputs, ...(args.id && { importId: args.id }) };
        resources.push(entry);
        pending.set(`${args.type}::${args.name}`, entry);
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computedOutputs(args) } };
      },
      call: () => ({}),
    }, opts.project, opts.stack, false);
    recordEdges(pending);
    recordReads(reads);
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
    try {
      opts.program();
    } catch (e) {
      failure ??= e;
    }
    // Registrations are asynchronous: wait until the SDK's queue of outstanding calls has drained, or until
    // the program fails (resources waiting on a failed one would never drain; the engine stops there too).
    await Promise.race([pulumi.runtime.disconnect(), failing]);
  } finally {
    process.off("unhandledRejection", onRejection);
    restoreLog();
  }
  if (failure !== undefined) throw new ProgramError(failure, resources);
  return resources;
}

/**
 * Without an engine, the SDK's log prints `warning: [runtime] <message>`; offline there is no runtime to speak
 * of, so warnings read as the engine shows them: `warning: <message>`. Returns the undo.
 */
function withoutRuntimePrefix(): () => void {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string") args[0] = args[0].replace(/^(debug|info|warning|error): \[runtime\] /, "$1: ");
    warn(...args);
  };
  return () => { console.warn = warn; };
}
