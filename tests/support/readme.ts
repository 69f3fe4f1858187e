/** Reading the README's examples, for the tests that run them. */

/** The first TypeScript block after a README heading. */
export function codeBlockAfter(readme: string, heading: string): string | undefined {
  const at = readme.indexOf(`${heading}\n`);
  const start = at < 0 ? -1 : readme.indexOf("```ts\n", at);
  return start < 0 ? undefined : readme.slice(start + 6, readme.indexOf("```", start + 6));
}

/** Every YAML block in a README section (from its heading to the next heading of that level or above). */
export function yamlBlocksIn(readme: string, heading: string): string[] {
  const at = readme.indexOf(`${heading}\n`);
  if (at < 0) return [];
  const level = heading.split(" ")[0];
  const next = readme.slice(at + heading.length).search(new RegExp(`\\n#{1,${level.length}} `));
  const section = readme.slice(at, next < 0 ? undefined : at + heading.length + next);
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
}
