/** Reading the README's and the docs' examples, for the tests that run them. */
import * as fs from "fs";
import * as path from "path";

/** A file of docs/, e.g. doc("gateway-api") for docs/gateway-api.md. */
export function doc(name: string): string {
  return fs.readFileSync(path.join(__dirname, "..", "..", "docs", `${name}.md`), "utf8");
}

/** The first TypeScript block after a README heading. */
export function codeBlockAfter(readme: string, heading: string): string | undefined {
  const at = readme.indexOf(`${heading}\n`);
  const start = at < 0 ? -1 : readme.indexOf("```ts\n", at);
  return start < 0 ? undefined : readme.slice(start + 6, readme.indexOf("```", start + 6));
}

/** Every code block of one language in a README section (from its heading to the next heading of that level or above). */
export function codeBlocksIn(readme: string, heading: string, lang: string): string[] {
  const lines = readme.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const level = heading.split(" ")[0].length;
  const blocks: string[] = [];
  let block: string[] | undefined;
  let inOther = false;
  for (const line of lines.slice(start + 1)) {
    if (block || inOther) {
      if (line.startsWith("```")) {
        if (block) blocks.push(block.map((l) => `${l}\n`).join(""));
        block = undefined;
        inOther = false;
      } else block?.push(line);
      continue;
    }
    // Outside code only: a "# comment" in a YAML or shell block is no heading.
    const hashes = /^(#+) /.exec(line)?.[1].length;
    if (hashes !== undefined && hashes <= level) break;
    if (line === "```" + lang) block = [];
    else if (line.startsWith("```")) inOther = true;
  }
  return blocks;
}

/** Every YAML block in a README section. */
export function yamlBlocksIn(readme: string, heading: string): string[] {
  return codeBlocksIn(readme, heading, "yaml");
}
