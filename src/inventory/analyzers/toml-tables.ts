/**
 * Just enough TOML for lockfiles (Cargo.lock, poetry.lock, uv.lock, pdm.lock, pylock.toml): the `[[name]]`
 * array-of-tables entries with their simple `key = "string"` values. Nested tables, arrays and inline tables
 * are kept as raw text. Not a general TOML parser, and it does not need to be one for these generated files.
 */
export function tomlArrayTables(text: string, tableName: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      current = line === `[[${tableName}]]` ? new Map() : undefined;
      if (current) out.push(current);
      continue;
    }
    if (!current) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim().replace(/^"|"$/g, '');
    let value = line.slice(eq + 1).trim();
    // Multi-line arrays: take lines until the brackets balance, so their contents are not read as keys.
    let depth = bracketDepth(value);
    while (depth > 0 && i + 1 < lines.length) {
      i++;
      value += `\n${lines[i] ?? ''}`;
      depth = bracketDepth(value);
    }
    current.set(key, unquote(value));
  }
  return out;
}

function bracketDepth(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === '#') break;
  }
  return depth;
}

function unquote(value: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/.exec(value) ?? /^'([^']*)'\s*(?:#.*)?$/.exec(value);
  return m ? (m[1] ?? '').replace(/\\(.)/g, '$1') : value;
}
