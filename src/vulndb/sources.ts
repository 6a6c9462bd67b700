import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../core/errors.js';
import type { SourceInfo } from './builder.js';

/** The host osv-scanner uses; it serves the same objects as storage.googleapis.com/osv-vulnerabilities. */
export const OSV_BUCKET = 'https://osv-vulnerabilities.storage.googleapis.com';

/** Ecosystems imported by default, each from its `<ecosystem>/all.zip` dump. */
export const DEFAULT_ECOSYSTEMS = [
  'Debian',
  'Ubuntu',
  'Alpine',
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
] as const;

/** Published only for some periods; a 404 for these is a note, not a failure. */
export const OPTIONAL_ECOSYSTEMS = ['Azure Linux', 'Mariner'] as const;

export function dumpUrl(ecosystem: string): string {
  return `${OSV_BUCKET}/${encodeURIComponent(ecosystem)}/all.zip`;
}

export const DEFAULT_SOURCES: readonly string[] = [...DEFAULT_ECOSYSTEMS, ...OPTIONAL_ECOSYSTEMS].map(
  dumpUrl,
);

const OPTIONAL_URLS = new Set<string>(OPTIONAL_ECOSYSTEMS.map(dumpUrl));

/**
 * The `vulndb:` section of kubeward.yaml. Exported for the configuration schema; every field has a default, so
 * the section may be left out.
 */
export const vulndbSettingsSchema = z.strictObject({
  /** Database file; default $KUBEWARD_DB, else vulndb.sqlite in the cache directory. */
  path: z.string().min(1).optional(),
  /** URLs of all.zip dumps, local zips or directories of JSON records. */
  sources: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_SOURCES]),
  /** `db status` and scans warn when the last update is older than this. */
  maxAgeDays: z.number().int().positive().default(7),
});

export type VulndbSettings = z.output<typeof vulndbSettingsSchema>;

export const DEFAULT_VULNDB_SETTINGS: VulndbSettings = vulndbSettingsSchema.parse({});

export interface ResolvedSource extends SourceInfo {
  /** A missing optional source (HTTP 404) is reported, not counted as a failure. */
  optional: boolean;
}

/** Classifies one `--source` value: an http(s) URL, a local zip, a directory of JSON files, or one JSON file. */
export function resolveSource(value: string, cwd: string): ResolvedSource {
  if (/^https?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--source ${value}: not a valid URL`);
    }
    return { name: url.href, location: url.href, kind: 'url', optional: OPTIONAL_URLS.has(url.href) };
  }
  const path = resolve(cwd, value);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`--source ${value}: no such file, directory or http(s) URL`);
  }
  if (isDir) return { name: path, location: path, kind: 'dir', optional: false };
  return {
    name: path,
    location: path,
    kind: path.toLowerCase().endsWith('.json') ? 'json' : 'zip',
    optional: false,
  };
}

/** `$KUBEWARD_DB`, else `vulndb.sqlite` next to the layer cache (`$KUBEWARD_CACHE_DIR`, XDG, ~/.cache/kubeward). */
export function defaultDbPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  if (env['KUBEWARD_DB']) return env['KUBEWARD_DB'];
  if (env['KUBEWARD_CACHE_DIR']) return join(env['KUBEWARD_CACHE_DIR'], 'vulndb.sqlite');
  return join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'kubeward', 'vulndb.sqlite');
}
