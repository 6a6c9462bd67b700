// Find secrets in the text of one file. Pure: text in, hits out. A hit never holds the secret value, only
// its redacted form and a salted hash.
import { isMap, isPair, isScalar, parseAllDocuments } from 'yaml';
import type { Detector, DetectorSettings } from './detectors.js';
import { DETECTORS, SECRET_MANIFEST_RULE } from './detectors.js';
import { redact, secretHash } from './redact.js';
import { isPlaceholderValue } from '../secrets/credential-heuristics.js';

export interface SecretHit {
  ruleId: string;
  line: number;
  column: number;
  /** The line with every secret on it redacted, at most 200 characters. */
  excerpt: string;
  /** Redacted value (first 4 characters and ****). */
  redacted: string;
  secretHash: string;
  /** Secret manifests: the data key, its namespace and name, and what the decoded value looks like. */
  secret?: { namespace: string; name: string; key: string; field: string; classification: string };
}

interface RawHit {
  ruleId: string;
  start: number;
  end: number;
  value: string;
  secret?: SecretHit['secret'];
  /** Used when the value could not be located in the text (a block scalar): never the line itself. */
  excerpt?: string;
}

const KUBECONFIG = /^kind:\s*["']?Config["']?\s*$/m;
const SECRET_KIND = /^kind:\s*["']?Secret["']?\s*$/m;

export function scanText(
  text: string,
  settings: DetectorSettings,
  detectors: readonly Detector[] = DETECTORS,
): SecretHit[] {
  const raw: RawHit[] = [];
  for (const d of detectors) {
    if (d.keywords.length > 0 && !d.keywords.some((k) => text.includes(k))) continue;
    if (d.id === 'secrets-scan.kubeconfig-credential' && !(KUBECONFIG.test(text) && text.includes('users:')))
      continue;
    if (d.lineFilter) {
      for (const [start, end] of candidateLines(text, d.lineFilter))
        collect(raw, d, text.slice(start, end), start, settings);
    } else collect(raw, d, text, 0, settings);
  }
  if (SECRET_KIND.test(text)) raw.push(...secretManifestHits(text, settings));
  return toHits(text, raw);
}

function collect(out: RawHit[], d: Detector, text: string, offset: number, settings: DetectorSettings): void {
  d.pattern.lastIndex = 0;
  for (const m of text.matchAll(d.pattern)) {
    const value = m.groups?.['secret'] ?? m.groups?.['secret2'];
    if (value === undefined || (d.accept && !d.accept(value, settings))) continue;
    const start = offset + (m.index ?? 0) + m[0].lastIndexOf(value);
    out.push({ ruleId: d.id, start, end: start + value.length, value });
  }
}

function* candidateLines(text: string, filter: RegExp): Generator<[number, number]> {
  filter.lastIndex = 0;
  let lastLineStart = -1;
  for (const m of text.matchAll(filter)) {
    const at = m.index ?? 0;
    const start = text.lastIndexOf('\n', at) + 1;
    if (start === lastLineStart) continue;
    lastLineStart = start;
    const nl = text.indexOf('\n', at);
    yield [start, nl < 0 ? text.length : nl];
  }
}

/** What a decoded Secret value looks like: the first detector that matches it, else by shape. */
function classify(value: string, settings: DetectorSettings): string {
  for (const d of DETECTORS) {
    if (d.keywords.length > 0 && !d.keywords.some((k) => value.includes(k))) continue;
    d.pattern.lastIndex = 0;
    const m = d.pattern.exec(value);
    d.pattern.lastIndex = 0;
    const found = m?.groups?.['secret'] ?? m?.groups?.['secret2'];
    if (found !== undefined && (!d.accept || d.accept(found, settings)))
      return d.id.replace('secrets-scan.', '');
  }
  if (value.includes('apiVersion') && value.includes('users:')) return 'kubeconfig';
  if (/^\s*[{[]/.test(value)) return 'json-document';
  if (value.includes('\n')) return 'file';
  return /^[\x21-\x7e]{8,}$/.test(value) ? 'password-or-token' : 'text';
}

function decodeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** A `---` marker at the start of a line always begins a new YAML document (it cannot occur in content). */
const DOCUMENT_MARKER = /^---(?=[ \t\r\n]|$)/gm;

/**
 * data and stringData values of every `kind: Secret` document. Only the documents that hold a `kind: Secret`
 * line are parsed: YAML parsing is most of a scan's time, and a bundle often holds one Secret among hundreds
 * of other objects. Offsets are shifted back into the whole text.
 */
function secretManifestHits(text: string, settings: DetectorSettings): RawHit[] {
  const starts = [0];
  DOCUMENT_MARKER.lastIndex = 0;
  for (const m of text.matchAll(DOCUMENT_MARKER)) if (m.index > 0) starts.push(m.index);
  if (starts.length === 1) return secretManifestHitsIn(text, settings);
  const out: RawHit[] = [];
  starts.forEach((start, i) => {
    const segment = text.slice(start, starts[i + 1] ?? text.length);
    if (!SECRET_KIND.test(segment)) return;
    for (const hit of secretManifestHitsIn(segment, settings))
      out.push({ ...hit, start: hit.start + start, end: hit.end + start });
  });
  return out;
}

function secretManifestHitsIn(text: string, settings: DetectorSettings): RawHit[] {
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch {
    return [];
  }
  const out: RawHit[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const root = doc.contents;
    if (!isMap(root) || scalarText(root.get('kind')) !== 'Secret') continue;
    const meta = root.get('metadata');
    const name = isMap(meta) ? scalarText(meta.get('name')) : '';
    const namespace = (isMap(meta) ? scalarText(meta.get('namespace')) : '') || 'default';
    const type = scalarText(root.get('type')) || 'Opaque';
    if (type === 'kubernetes.io/service-account-token' && !root.get('data')) continue;
    for (const section of ['data', 'stringData'] as const) {
      const map = root.get(section, true);
      if (!isMap(map)) continue;
      for (const pair of map.items) {
        if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value)) continue;
        const key = String(pair.key.value);
        const written = String(pair.value.value ?? '');
        const decoded = section === 'data' ? decodeBase64(written) : written;
        if (decoded === undefined || isPlaceholderValue(decoded)) continue;
        const range = pair.value.range;
        if (!range) continue;
        // The value as written (base64 or plain) is what sits in the file; hash the decoded secret.
        const start = text.indexOf(written, range[0]);
        const at = start < 0 ? range[0] : start;
        out.push({
          ruleId: SECRET_MANIFEST_RULE.id,
          start: at,
          end: at + (start < 0 ? 0 : written.length),
          value: decoded,
          ...(start < 0 ? { excerpt: `${key}: ****` } : {}),
          secret: {
            namespace,
            name,
            key,
            field: `${section}.${key}`,
            classification: classify(decoded, settings),
          },
        });
      }
    }
  }
  return out;
}

function scalarText(node: unknown): string {
  const value: unknown = isScalar(node) ? node.value : node;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function toHits(text: string, raw: RawHit[]): SecretHit[] {
  if (raw.length === 0) return [];
  raw.sort((a, b) => a.start - b.start || (a.ruleId < b.ruleId ? -1 : 1));
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const seen = new Set<string>();
  const hits: SecretHit[] = [];
  for (const hit of raw) {
    const index = lineOf(hit.start);
    const hash = secretHash(hit.ruleId, hit.value);
    const key = `${hit.ruleId}\u0000${index}\u0000${hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const lineStart = lineStarts[index]!;
    const nextStart = lineStarts[index + 1];
    const lineEnd = nextStart === undefined ? text.length : nextStart - 1;
    hits.push({
      ruleId: hit.ruleId,
      line: index + 1,
      column: hit.start - lineStart + 1,
      excerpt: hit.excerpt ?? redactLine(text, lineStart, lineEnd, raw),
      redacted: redact(hit.value),
      secretHash: hash,
      ...(hit.secret ? { secret: hit.secret } : {}),
    });
  }
  return hits;
}

/** The line with every hit that overlaps it replaced by its redacted form; long lines are cut around it. */
function redactLine(text: string, start: number, end: number, raw: readonly RawHit[]): string {
  let out = '';
  let at = start;
  const onLine = raw
    .filter((h) => h.start < end && h.end > start && h.end > h.start)
    .sort((a, b) => a.start - b.start);
  for (const h of onLine) {
    const from = Math.max(h.start, start);
    if (from < at) continue;
    out += text.slice(at, from) + redact(text.slice(h.start, h.end));
    at = Math.min(h.end, end);
    if (h.end > end) break;
  }
  out += text.slice(at, end);
  out = out.replace(/\r$/, '').trim();
  return out.length > 200 ? `${out.slice(0, 197)}...` : out;
}
