import { InputError } from '../../core/errors.js';
import type { FoundPackage } from '../model.js';

const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  license: 1014,
  arch: 1022,
  sourceRpm: 1044,
} as const;
const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_I18NSTRING = 9;
const MAX_INDEX_ENTRIES = 100_000;

/**
 * Parse an RPM header blob as stored in rpmdb (all three backends store the same blob): a count of index
 * entries, the data length, 16-byte entries (tag, type, offset, count), then the data. Bounds are checked on
 * every read: the blob comes from an untrusted image.
 */
export function parseRpmHeader(blob: Buffer): FoundPackage | undefined {
  if (blob.length < 8) return undefined;
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > MAX_INDEX_ENTRIES || dataStart + dl > blob.length) return undefined;
  const strings = new Map<number, string>();
  const ints = new Map<number, number>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    if (offset < 0 || offset >= dl) continue;
    const start = dataStart + offset;
    if (type === TYPE_STRING || type === TYPE_I18NSTRING) {
      const end = blob.indexOf(0, start);
      if (end < 0 || end > dataStart + dl) continue;
      strings.set(tag, blob.toString('utf8', start, end));
    } else if (type === TYPE_INT32 && start + 4 <= dataStart + dl) {
      ints.set(tag, blob.readInt32BE(start));
    }
  }
  const name = strings.get(TAG.name);
  const version = strings.get(TAG.version);
  // gpg-pubkey entries are imported signing keys, not software.
  if (!name || !version || name === 'gpg-pubkey') return undefined;
  const release = strings.get(TAG.release);
  const epoch = ints.get(TAG.epoch);
  const arch = strings.get(TAG.arch);
  const license = strings.get(TAG.license);
  const source = parseSourceRpm(strings.get(TAG.sourceRpm));
  return {
    kind: 'rpm',
    name,
    version,
    ...(release ? { release } : {}),
    ...(epoch ? { epoch } : {}),
    ...(arch ? { arch } : {}),
    ...(license ? { licenses: [license] } : {}),
    ...(source ? { sourceName: source.name, sourceVersion: source.version } : {}),
  };
}

/** `bash-5.1.8-6.el9.src.rpm` -> { name: bash, version: 5.1.8-6.el9 }. */
export function parseSourceRpm(file: string | undefined): { name: string; version: string } | undefined {
  if (!file || file === '(none)') return undefined;
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file);
  return match ? { name: match[1] ?? '', version: `${match[2]}-${match[3]}` } : undefined;
}

const MAX_LISTED_WARNINGS = 20;

/**
 * The shared tail of the Berkeley DB and ndb analyzers: read the database's header blobs, parse each into a
 * package, and bound the warnings so a corrupt database cannot flood the report.
 */
export function packagesFromHeaderBlobs(
  path: string,
  read: () => { values: Buffer[]; warnings: string[] },
): { packages?: FoundPackage[]; warnings?: string[] } {
  let records: { values: Buffer[]; warnings: string[] };
  try {
    records = read();
  } catch (error) {
    if (error instanceof InputError) return { warnings: [`${path}: ${error.message}`] };
    throw error;
  }
  const packages: FoundPackage[] = [];
  let skipped = 0;
  for (const blob of records.values) {
    const pkg = parseRpmHeader(blob);
    if (pkg) packages.push(pkg);
    else skipped++;
  }
  const warnings = records.warnings.slice(0, MAX_LISTED_WARNINGS).map((w) => `${path}: ${w}`);
  if (records.warnings.length > MAX_LISTED_WARNINGS)
    warnings.push(`${path}: ${records.warnings.length - MAX_LISTED_WARNINGS} more warnings`);
  if (skipped > 0) warnings.push(`${path}: ${skipped} unreadable or key entries skipped`);
  return { packages, ...(warnings.length > 0 ? { warnings } : {}) };
}
