/**
 * The adopt command: reads the objects of a running gateway (the output of the `kubectl get … -o yaml` of docs/adoption.md),
 * writes the gateway's entry into the stack file, and checks the whole file as the program will, so that what
 * cannot be adopted is refused before anything changes. The cluster is not contacted: the file is what a
 * reviewer reads, and the command needs no credentials.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, parseAllDocuments, parseDocument } from "yaml";
import { ConfigError } from "../../components/core";
import { CONFIG_KEY, readStackConfig, StackConfigError } from "../../stacks/config";
import { parseArgs, UsageError } from "../engine/cli";
import { CommandIO } from "../engine/command";
import { PROJECT_DIR } from "../engine/render-stack";
import { stackFilePath, stackNameOf } from "../engine/stack-file";
import { AdoptRefused, adoptFromLive, LiveObject } from "./from-live";

const USAGE = "usage: npm run adopt -- (--stack <name> | --stack-file <path>) --from <live.yaml> --gateway <name> --revision <new revision> "
  + "[--namespace <ns>] [--deployment <name>] [--istio-gateway <name>]";

/** Every object in the file: `kubectl get -o yaml` prints a List; a multi-document file works too. */
export function readLiveObjects(text: string, file: string): LiveObject[] {
  const docs = parseAllDocuments(text);
  const out: LiveObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new AdoptRefused(`${file} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
    const value = doc.toJS() as { kind?: string; items?: LiveObject[] } | null;
    if (value === null) continue;
    if (value.kind === "List" || Array.isArray(value.items)) out.push(...(value.items ?? []));
    else out.push(value as LiveObject);
  }
  if (out.length === 0) throw new AdoptRefused(`${file} holds no objects; write it with the kubectl get command of docs/adoption.md`);
  return out;
}

/** The namespace the objects share, when the command line names none. */
function namespaceOf(objects: readonly LiveObject[], flag: string | undefined): string {
  if (flag !== undefined) return flag;
  const namespaces = [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined))];
  if (namespaces.length === 1) return namespaces[0];
  throw new UsageError(`adopt: the objects are in ${namespaces.length === 0 ? "no namespace" : `namespaces ${namespaces.join(", ")}`}; name one with --namespace`);
}

/** The stack file's new text with the gateway's entry, checked as `pulumi up` would check it. */
export function adoptInto(stackText: string, file: string, gateway: string, entry: Record<string, unknown>): string {
  const doc = parseDocument(stackText);
  const config = doc.get("config");
  const gateways = isMap(config) ? config.get(CONFIG_KEY) : undefined;
  if (isMap(gateways) && gateways.has(gateway)) {
    throw new AdoptRefused(`${path.basename(file)} already has gateway "${gateway}"; adopting writes it from the cluster: remove it first, or adopt into another stack`);
  }
  // Block style, as the stack files here are written: maps the edit creates take it from their parent, and a new
  // file has none.
  if (!isMap(config)) doc.set("config", doc.createNode({ [CONFIG_KEY]: { [gateway]: entry } }));
  else if (!isMap(gateways)) config.set(CONFIG_KEY, doc.createNode({ [gateway]: entry }));
  else gateways.set(gateway, doc.createNode(entry));
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  try {
    readStackConfig(stackNameOf(file), (doc.toJS() as { config: Record<string, unknown> }).config[CONFIG_KEY]);
  } catch (e) {
    // The key it names was written from a live object: say so, or the reader looks for it in a file nobody wrote.
    if (e instanceof ConfigError || e instanceof StackConfigError) {
      throw new AdoptRefused(`the entry written from the cluster's objects is refused, nothing written: ${e.message}; change the object in the cluster (or adopt by hand) and run again`);
    }
    throw e;
  }
  return text;
}

export function adopt(argv: string[], io: CommandIO): void {
  const { flags, positional } = parseArgs(argv, "adopt");
  if (positional.length > 0) throw new UsageError(`adopt: unexpected ${positional.join(" ")}; ${USAGE}`);
  const file = flags["stack-file"] ? path.resolve(flags["stack-file"]) : flags.stack ? stackFilePath(PROJECT_DIR, flags.stack) : undefined;
  for (const [name, value] of [["--stack or --stack-file", file], ["--from", flags.from], ["--gateway", flags.gateway], ["--revision", flags.revision]] as const) {
    if (value === undefined) throw new UsageError(`adopt: ${name} is required; ${USAGE}`);
  }
  const from = flags.from as string;
  if (!fs.existsSync(from)) throw new UsageError(`adopt: ${from} does not exist; write it with the kubectl get command of docs/adoption.md`);
  const objects = readLiveObjects(fs.readFileSync(from, "utf8"), from);
  const request = {
    gateway: flags.gateway as string, namespace: namespaceOf(objects, flags.namespace), revision: flags.revision as string,
    ...(flags.deployment !== undefined && { deployment: flags.deployment }),
    ...(flags["istio-gateway"] !== undefined && { istioGateway: flags["istio-gateway"] }),
  };
  const { entry, notes } = adoptFromLive(request, objects);
  const target = file as string;
  const newText = adoptInto(fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "", target, request.gateway, entry);
  fs.writeFileSync(target, newText);
  const stack = stackNameOf(target);
  const adopted = entry.adopt as { existing: string[]; deployment: { name: string; horizontalPodAutoscaler?: string }; retire?: string[] };
  io.out([
    `wrote gateway "${request.gateway}" into ${path.basename(target)}, adopting from ${request.namespace}:`,
    ...adopted.existing.map((k) => `  keep     ${k}`),
    `  retire   Deployment/${adopted.deployment.name} (the stable track until promote)`,
    ...(adopted.deployment.horizontalPodAutoscaler ? [`  retire   HorizontalPodAutoscaler/${adopted.deployment.horizontalPodAutoscaler} (its bounds follow the split until promote)`] : []),
    ...(adopted.retire ?? []).map((r) => `  retire   ${r}`),
    ...notes.map((n) => `note: ${n}`),
    "",
    "next:",
    `  npm run render -- --stack ${stack}      # offline: what the stack now declares`,
    `  pulumi preview --diff --stack ${stack}  # imports: nothing is created beside the running objects`,
    `  pulumi up --stack ${stack}`,
    "",
  ].join("\n"));
}
