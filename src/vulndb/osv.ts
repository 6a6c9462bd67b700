/**
 * The subset of the OSV schema (https://ossf.github.io/osv-schema/, v1.7) that kubeward reads. Records are
 * checked by hand rather than with a schema library: an import parses hundreds of thousands of them, and only
 * the fields matching depends on need to be right; anything else is kept verbatim.
 */
import { InputError } from '../core/errors.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
}

export interface OsvSeverity {
  type: string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/** The ecosystem without its release: `Debian:12` -> `Debian`, `Ubuntu:Pro:22.04:LTS` -> `Ubuntu`. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * Package names as the index stores them. PyPI names are compared after PEP 503 normalisation (records and
 * lockfiles spell `Jinja2`, `jinja2` and `PyYAML`/`pyyaml` interchangeably); every other ecosystem is exact.
 */
export function normalizePackageName(base: string, name: string): string {
  return base === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks that `value` has the shape matching relies on and returns it typed. Throws an InputError naming the
 * first bad field; `where` says which file or zip entry it came from.
 */
export function asOsvRecord(value: unknown, where: string): OsvRecord {
  const fail = (what: string): never => {
    throw new InputError(`${where}: not an OSV record: ${what}`);
  };
  if (!isObject(value)) return fail('not a JSON object');
  if (!isString(value['id']) || value['id'] === '') fail('missing "id"');
  if (!isString(value['modified'])) fail('missing "modified"');
  for (const key of ['aliases', 'upstream', 'related'] as const) {
    if (value[key] !== undefined && !isStringArray(value[key])) fail(`"${key}" is not a list of strings`);
  }
  if (value['withdrawn'] !== undefined && !isString(value['withdrawn'])) fail('"withdrawn" is not a string');
  checkSeverity(value['severity'], 'severity', fail);
  const affected = value['affected'];
  if (affected !== undefined) {
    if (!Array.isArray(affected)) fail('"affected" is not a list');
    (affected as unknown[]).forEach((entry, i) => checkAffected(entry, `affected[${i}]`, fail));
  }
  return value as unknown as OsvRecord;
}

function checkSeverity(value: unknown, at: string, fail: (what: string) => never): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(`"${at}" is not a list`);
  for (const s of value as unknown[]) {
    if (!isObject(s) || !isString(s['type']) || !isString(s['score']))
      fail(`"${at}" entry needs type and score`);
  }
}

function checkAffected(entry: unknown, at: string, fail: (what: string) => never): void {
  if (!isObject(entry)) return fail(`${at} is not an object`);
  const pkg = entry['package'];
  if (pkg !== undefined && (!isObject(pkg) || !isString(pkg['ecosystem']) || !isString(pkg['name'])))
    fail(`${at}.package needs ecosystem and name`);
  if (entry['versions'] !== undefined && !isStringArray(entry['versions']))
    fail(`${at}.versions is not a list of strings`);
  checkSeverity(entry['severity'], `${at}.severity`, fail);
  const ranges = entry['ranges'];
  if (ranges === undefined) return;
  if (!Array.isArray(ranges)) fail(`${at}.ranges is not a list`);
  for (const range of ranges as unknown[]) {
    if (!isObject(range) || !isString(range['type']) || !Array.isArray(range['events']))
      fail(`${at}.ranges entry needs type and events`);
    for (const event of (range as { events: unknown[] }).events) {
      if (!isObject(event)) fail(`${at} has an event that is not an object`);
      const values = Object.values(event as object);
      if (values.length !== 1 || !isString(values[0])) fail(`${at} has an event without exactly one version`);
    }
  }
}

/** Parses one record's JSON text (a zip entry or a file). */
export function parseOsvRecord(text: string, where: string): OsvRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where}: invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  return asOsvRecord(value, where);
}
