/** Reading the README's examples, for the tests that run them. */

/** The first TypeScript block after a README heading. */
export function codeBlockAfter(readme: string, heading: string): string | undefined {
  const at = readme.indexOf(`${heading}\n`);
  const start = at < 0 ? -1 : readme.indexOf("```ts\n", at);
  return start < 0 ? undefined : readme.slice(start + 6, readme.indexOf("```", start + 6));
}
