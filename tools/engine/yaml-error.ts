/**
 * A YAML syntax error as a newcomer can act on it: the line, what is wrong in plain words, and a caret under the
 * spot, instead of the parser's wording and its context block.
 */

interface YamlError { code?: string; linePos?: Array<{ line: number; col: number }>; message: string }

const PLAIN: Record<string, string> = {
  BAD_INDENT: "this line is not lined up with the keys around it: keys of one map start in the same column, and a nested map is indented further than its parent",
  MULTILINE_IMPLICIT_KEY: 'a key without ": " after it; write "key: value", with a space after the colon',
  TAB_AS_INDENT: "a tab in the indentation; YAML indents with spaces only",
  DUPLICATE_KEY: "this key is already set in the same map; keep one",
  MISSING_CHAR: "a quote, bracket or brace opened above is not closed",
  BLOCK_AS_IMPLICIT_KEY: 'a key spans several lines; write "key: value" on one line',
  UNEXPECTED_TOKEN: "a character YAML does not expect here",
};

/** The column to point at: the tab itself, the first character of a line that is not lined up, or the parser's. */
function column(code: string | undefined, line: string, parsers: number): number {
  if (code === "TAB_AS_INDENT" && line.includes("\t")) return line.indexOf("\t") + 1;
  // Where indentation is the problem the parser points at column 1; the line's first character is what moved.
  if (code === "BAD_INDENT") return Math.max(1, line.search(/[^ \t]/) + 1);
  return parsers;
}

export function yamlProblem(text: string, error: unknown): string {
  const e = error as YamlError;
  const pos = e.linePos?.[0];
  const words = (e.code && PLAIN[e.code]) ?? e.message.split(" at line ")[0].split("\n")[0];
  if (!pos) return words;
  const line = text.split(/\r?\n/)[pos.line - 1] ?? "";
  const col = column(e.code, line, pos.col);
  const gutter = String(pos.line);
  const shown = line.replace(/\t/g, "→");
  return `line ${pos.line}, column ${col}: ${words}\n  ${gutter} | ${shown}\n  ${" ".repeat(gutter.length)} | ${" ".repeat(col - 1)}^`;
}
