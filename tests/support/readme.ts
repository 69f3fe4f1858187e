/** Reading the README's examples, for the tests that run them. */

/** The first TypeScript block after a README heading. */
export function codeBlockAfter(readme: string, heading: string): string | undefined {
  const at = readme.indexOf(`${heading}\n`);
  const start = at < 0 ? -1 : readme.indexOf("```ts\n", at);
  return start < 0 ? undefined : readme.slice(start + 6, readme.indexOf("```", start + 6));
}

/** Every YAML block in a README section (from its heading to the next heading of that level or above). */
export function yamlBlocksIn(readme: string, heading: string): string[] {
  const lines = readme.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return [];
  const level = heading.split(" ")[0].length;
  const blocks: string[] = [];
  let block: string[] | undefined;
  for (const line of lines.slice(start + 1)) {
    if (block) {
      if (line.startsWith("```")) { blocks.push(block.map((l) => `${l}\n`).join("")); block = undefined; } else block.push(line);
      continue;
    }
    // Outside code only: a "# comment" in a YAML block is no heading.
    const hashes = /^(#+) /.exec(line)?.[1].length;
    if (hashes !== undefined && hashes <= level) break;
    if (line === "```yaml") block = [];
  }
  return blocks;
}
