/**
 * Edits of a stack file that keep everything a reviewer did not ask to change: comments, key order, flow or
 * block style, quoting and spacing.
 *
 * The `yaml` library's document API decides what the edit means (the expected result); its CST API carries it
 * out on the source tokens, which print back byte for byte except where a value changed. If the CST edit ever
 * disagrees with the document edit, the document's own rendering is used instead: correct first, pretty second.
 */
import { Composer, CST, Document, isDocument, isMap, isScalar, Parser, parseDocument, YAMLMap } from "yaml";
import { isDeepStrictEqual } from "util";
import { CONFIG_KEY } from "../../stacks/config";
import { Edit } from "./plan";
import { StackFileError } from "../engine/stack-file";

type Path = readonly string[];
type Item = CST.CollectionItem;

export class StackDocument {
  private readonly tokens: CST.Token[];
  private readonly cstDoc: Document;
  /** The same edits through the document API: the meaning the CST edit must match. */
  private readonly expected: Document;
  /** How the file spells the gateways key: `istio-gateways:gateways`, or `gateways` (the project's own). */
  readonly gatewaysKey: string;

  constructor(text: string, file: string) {
    this.expected = parseDocument(text);
    if (this.expected.errors.length > 0) throw new StackFileError(`${file} is not valid YAML: ${this.expected.errors[0].message.split("\n")[0]}`);
    this.tokens = [...new Parser().parse(text)];
    const docs = [...new Composer({ keepSourceTokens: true }).compose(this.tokens)];
    this.cstDoc = docs.find(isDocument) as Document;
    const config = this.expected.get("config");
    const short = CONFIG_KEY.split(":")[1];
    this.gatewaysKey = isMap(config) && !config.has(CONFIG_KEY) && config.has(short) ? short : CONFIG_KEY;
  }

  /** The gateways map as plain values, after the edits so far. */
  gateways(): unknown {
    return (this.expected.toJS() as { config?: Record<string, unknown> } | null)?.config?.[this.gatewaysKey];
  }

  private path(gateway: string, ...rest: string[]): string[] {
    return ["config", this.gatewaysKey, gateway, ...rest];
  }

  apply(gateway: string, edit: Edit): void {
    if (edit.kind === "weight") {
      this.set(this.path(gateway, "canary", "weight"), edit.to);
      // Tells the next `pulumi up` which revision grows (components/core/plan/order.ts).
      this.set(this.path(gateway, "canary", "previousWeight"), edit.from, "weight");
      return;
    }
    this.set(this.path(gateway, "revision"), edit.revision, "replicas");
    this.remove(this.path(gateway, "canary"));
    // Everything adopted is imported by now, and the adopted Deployment and the old install's objects go with
    // this update (components/core/plan/adopt.ts): the block has nothing left to say.
    if (this.expected.hasIn(this.path(gateway, "adopt"))) this.remove(this.path(gateway, "adopt"));
  }

  toString(): string {
    const text = this.tokens.map((t) => CST.stringify(t)).join("");
    if (isDeepStrictEqual(parseDocument(text).toJS(), this.expected.toJS())) return text;
    // flowCollectionPadding: false keeps `[10, 25]` as most files write it.
    return this.expected.toString({ lineWidth: 0, flowCollectionPadding: false });
  }

  /** Sets a scalar, adding the key (after `after`, or last) when the map lacks it. */
  private set(path: Path, value: string | number, after?: string): void {
    this.expected.setIn(path, value);
    const node = this.cstDoc.getIn(path, true);
    if (isScalar(node) && node.srcToken && CST.isScalar(node.srcToken)) {
      CST.setScalarValue(node.srcToken, String(value));
      return;
    }
    const map = this.cstDoc.getIn(path.slice(0, -1), true);
    if (isMap(map)) addPair(map, path[path.length - 1], String(value), after);
  }

  private remove(path: Path): void {
    this.expected.deleteIn(path);
    const map = this.cstDoc.getIn(path.slice(0, -1), true);
    const token = isMap(map) ? collectionToken(map) : undefined;
    if (!token) return;
    const i = token.items.findIndex((item) => keyOf(item) === path[path.length - 1]);
    if (i < 0) return;
    token.items.splice(i, 1);
    // The first item's indentation (and, in a flow map, no comma) is the collection's, not the item's own.
    if (i === 0 && token.items.length > 0) {
      token.items[0].start = token.items[0].start.filter((t) => t.type !== "space" && t.type !== "comma");
    }
  }
}

function collectionToken(map: YAMLMap): CST.BlockMap | CST.FlowCollection | undefined {
  const token = map.srcToken;
  return token && (token.type === "block-map" || token.type === "flow-collection") ? token : undefined;
}

function keyOf(item: Item): string | undefined {
  return item.key && CST.isScalar(item.key) ? item.key.source : undefined;
}

/**
 * A new `key: value` pair shaped like a sibling whose value is a scalar (same indentation, same separators),
 * without the sibling's comments.
 */
function addPair(map: YAMLMap, key: string, value: string, after?: string): void {
  const token = collectionToken(map);
  if (!token) return;
  const template = token.items.find((item, i) => i > 0 && item.value && CST.isScalar(item.value) && item.key && CST.isScalar(item.key));
  if (!template) return; // no sibling to copy the layout from: toString falls back to the document's rendering
  const item = structuredClone(template);
  item.start = item.start.filter((t) => t.type === "space" || t.type === "comma");
  const scalar = item.value as CST.FlowScalar;
  // A trailing comment is the sibling's, not the new pair's; keep only the line break.
  scalar.end = scalar.end?.filter((t) => t.type === "newline");
  CST.setScalarValue(item.key as CST.FlowScalar, key);
  CST.setScalarValue(scalar, value);
  const items = token.items as Item[];
  const found = after === undefined ? -1 : items.findIndex((i) => keyOf(i) === after);
  const at = found < 0 ? items.length : found + 1;
  const last = items[items.length - 1].value;
  if (token.type === "flow-collection" && at === items.length && last && CST.isScalar(last) && last.type !== "block-scalar") {
    // The space before a closing brace belongs to the last value; it moves to the new last one.
    [scalar.end, last.end] = [last.end, []];
  }
  items.splice(at, 0, item);
}
