/** Small text parsers shared by analyzers. */

/** Debian control / apk style: stanzas separated by blank lines; continuation lines start with a space. */
export function parseStanzas(text: string): Map<string, string>[] {
  const out: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.size > 0) out.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && lastKey) {
      current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon);
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  if (current.size > 0) out.push(current);
  return out;
}

/** `KEY=value` / `KEY="value"` lines (os-release, shell-like). */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    }
    out.set(line.slice(0, eq).trim(), value);
  }
  return out;
}

export function decodeUtf8(content: Buffer): string {
  return content.toString('utf8').replace(/^\uFEFF/, '');
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Parse JSON or give undefined; analyzers turn that into a warning rather than failing the scan. */
export function tryJson(content: Buffer): unknown {
  try {
    return JSON.parse(decodeUtf8(content)) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** Licence fields come as a string, an SPDX expression, `{type}` objects or arrays of either. */
export function licenseList(value: unknown): string[] | undefined {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v.trim()) out.push(v.trim());
    else if (isRecord(v) && typeof v['type'] === 'string') out.push(v['type']);
    else if (Array.isArray(v)) v.forEach(add);
  };
  add(value);
  return out.length > 0 ? [...new Set(out)] : undefined;
}
