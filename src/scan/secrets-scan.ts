// `kubeward secrets scan`: walk a tree (or every blob of a git repository's history), find secrets with
// checks/secrets-scan, drop allow-listed ones, add who can read Secrets per namespace (RBAC engine), and
// return a Report. Secret values never leave scanText: findings hold redacted excerpts and hashes only.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Clock } from '../core/clock.js';
import { ConfigError, InputError, errorMessage } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { makeFinding, sortFindings } from '../core/finding.js';
import { matchesAnyGlob } from '../core/glob.js';
import type { InputProblem, Report } from '../core/report.js';
import type { K8sObject } from '../k8s/object.js';
import { isObject } from '../k8s/object.js';
import { loadClusterState } from '../k8s/cluster-state.js';
import { loadManifests } from '../k8s/load-manifests.js';
import { buildRbacModel, whoCan } from '../checks/rbac/index.js';
import type { Subject } from '../checks/rbac/index.js';
import type { DetectorSettings, SecretHit } from '../checks/secrets-scan/index.js';
import {
  DEFAULT_DETECTOR_SETTINGS,
  DETECTORS,
  SECRET_MANIFEST_RULE,
  SECRET_READERS_RULE,
  SECRETS_SCAN_RULES,
  scanText,
} from '../checks/secrets-scan/index.js';
import { TOOL_VERSION } from './version.js';

export interface AllowList {
  /** Globs over the path relative to the scanned root (`*` crosses `/`). */
  paths: string[];
  /** Finding fingerprints or secret hashes. */
  fingerprints: string[];
}

export interface SecretsScanOptions {
  clock: Clock;
  gitHistory?: boolean;
  allow?: AllowList;
  /** Directory names skipped anywhere in the tree. */
  skipDirectories?: readonly string[];
  /** Files larger than this are skipped (and counted). */
  maxFileBytes?: number;
  detector?: Partial<DetectorSettings>;
  /** Cluster state for the readers section; manifests found under the scanned path are added to it. */
  snapshot?: string;
  /** Concurrent file reads. */
  concurrency?: number;
}

export const DEFAULT_SKIP_DIRECTORIES: readonly string[] = ['node_modules', '.git'];
export const DEFAULT_MAX_SECRET_FILE_BYTES = 5 * 1024 * 1024;
const RBAC_KINDS = /^kind:\s*["']?(?:Cluster)?Role(?:Binding)?["']?\s*$/m;

export interface ScanStats {
  files: number;
  bytes: number;
  skippedBinary: number;
  skippedLarge: number;
  blobs?: number;
}

interface FileHits {
  path: string;
  hits: SecretHit[];
  commit?: string;
  blob?: string;
}

export async function scanSecrets(root: string, options: SecretsScanOptions): Promise<Report> {
  const settings = { ...DEFAULT_DETECTOR_SETTINGS, ...options.detector };
  const problems: InputProblem[] = [];
  const stats: ScanStats = { files: 0, bytes: 0, skippedBinary: 0, skippedLarge: 0 };
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new InputError(
      `${root}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  }
  const base = info.isDirectory() ? root : join(root, '..');
  const rbacFiles: string[] = [];
  const results: FileHits[] = [];
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_SECRET_FILE_BYTES;
  const allow = options.allow ?? { paths: [], fingerprints: [] };

  const files = info.isDirectory()
    ? await listFiles(root, new Set(options.skipDirectories ?? DEFAULT_SKIP_DIRECTORIES))
    : [root];
  const scanOne = async (file: string) => {
    const rel = toPosix(relative(base, file));
    if (allow.paths.length > 0 && matchesAnyGlob(rel, allow.paths)) return;
    let buffer: Buffer;
    try {
      const size = (await stat(file)).size;
      if (size > maxBytes) {
        stats.skippedLarge += 1;
        return;
      }
      buffer = await readFile(file);
    } catch (error) {
      problems.push({
        file: rel,
        message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      });
      return;
    }
    const text = textOf(buffer);
    if (text === undefined) {
      stats.skippedBinary += 1;
      return;
    }
    stats.files += 1;
    stats.bytes += buffer.length;
    if (/\.(ya?ml|json)$/i.test(file) && RBAC_KINDS.test(text)) rbacFiles.push(file);
    const hits = scanText(text, settings);
    if (hits.length > 0) results.push({ path: rel, hits });
  };
  await runPool(files, options.concurrency ?? 8, scanOne);

  if (options.gitHistory) {
    if (!info.isDirectory())
      throw new InputError(`${root}: --git-history needs a directory inside a git repository`);
    const history = await scanGitHistory(root, settings, maxBytes, stats, allow);
    results.push(...history);
  }

  const findings: Finding[] = [];
  for (const result of results)
    for (const hit of result.hits) {
      const finding = toFinding(result, hit);
      if (allow.fingerprints.includes(finding.fingerprint) || allow.fingerprints.includes(hit.secretHash))
        continue;
      findings.push(finding);
    }

  // Who can read Secrets: namespaces of committed Secrets, plus every namespace of the given cluster state.
  const namespaces = new Set<string>();
  for (const f of findings)
    if (f.ruleId === SECRET_MANIFEST_RULE.id && f.target.namespace) namespaces.add(f.target.namespace);
  const objects: K8sObject[] = [];
  if (options.snapshot) {
    const state = await loadClusterState({ snapshot: options.snapshot });
    objects.push(...state.objects);
    for (const o of state.objects) if (o.kind === 'Namespace') namespaces.add(o.metadata.name);
  }
  if (rbacFiles.length > 0) objects.push(...(await loadManifests(rbacFiles.sort())).objects);
  if (namespaces.size > 0 && (objects.length > 0 || options.snapshot))
    findings.push(...readerFindings(objects, [...namespaces]));

  return {
    tool: { name: 'kubeward', version: TOOL_VERSION },
    generatedAt: options.clock.now().toISOString(),
    inputs: [root],
    findings: sortFindings(findings),
    rules: [...SECRETS_SCAN_RULES],
    problems,
    stats: { objects: stats.files + (stats.blobs ?? 0), files: stats.files },
  };
}

function toFinding(result: FileHits, hit: SecretHit): Finding {
  const rule = SECRETS_SCAN_RULES.find((r) => r.id === hit.ruleId) ?? SECRET_MANIFEST_RULE;
  const where = result.commit ? `${result.path} (commit ${result.commit.slice(0, 12)})` : result.path;
  const detail = hit.secret
    ? `Secret ${hit.secret.namespace}/${hit.secret.name} key "${hit.secret.key}" (${hit.secret.classification}) committed: ${hit.excerpt}`
    : `${rule.title} in ${where}: ${hit.excerpt}`;
  const finding = makeFinding({
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    detail,
    category: rule.category,
    target: hit.secret
      ? { kind: 'Secret', name: hit.secret.name, namespace: hit.secret.namespace, field: hit.secret.field }
      : { kind: 'File', name: result.path },
    location: { file: result.path, line: hit.line, column: hit.column },
    remediation: rule.remediation,
    references: rule.references,
    properties: {
      file: result.path,
      line: hit.line,
      excerpt: hit.excerpt,
      redacted: hit.redacted,
      secretHash: hit.secretHash,
      ...(hit.secret ? { classification: hit.secret.classification } : {}),
      ...(result.commit ? { commit: result.commit } : {}),
      ...(result.blob ? { blob: result.blob } : {}),
    },
  });
  // Stable across line moves: rule, path and the secret's hash (not the line).
  finding.fingerprint = createHash('sha256')
    .update(`${rule.id}\u0000${result.path}\u0000${hit.secretHash}`)
    .digest('hex')
    .slice(0, 32);
  return finding;
}

function readerFindings(objects: readonly K8sObject[], namespaces: readonly string[]): Finding[] {
  const model = buildRbacModel(objects);
  return [...namespaces].sort().map((namespace) => {
    const readers = new Map<string, Subject>();
    for (const verb of ['get', 'list', 'watch'])
      for (const s of whoCan(model, { type: 'resource', verb, apiGroup: '', resource: 'secrets', namespace })
        .subjects)
        readers.set(`${s.kind}/${s.namespace ?? ''}/${s.name}`, s);
    const list = [...readers.values()];
    const names = list.map((s) =>
      s.namespace ? `${s.kind}:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`,
    );
    return makeFinding({
      ruleId: SECRET_READERS_RULE.id,
      severity: SECRET_READERS_RULE.severity,
      title: SECRET_READERS_RULE.title,
      detail: `${list.length} subject(s) can read Secrets in namespace "${namespace}"${names.length > 0 ? `: ${names.join(', ')}` : ''}`,
      category: SECRET_READERS_RULE.category,
      target: { kind: 'Namespace', name: namespace },
      remediation: SECRET_READERS_RULE.remediation,
      references: SECRET_READERS_RULE.references,
      properties: { namespace, readers: list },
    });
  });
}

/** UTF-8 text, or undefined for binary (a NUL byte in the first 8 KiB). */
function textOf(buffer: Buffer): string | undefined {
  const head = buffer.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  return buffer.toString('utf8');
}

async function listFiles(dir: string, skip: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) {
        if (!skip.has(e.name)) await walk(full);
      } else if (e.isFile()) out.push(full); // symlinks are not followed
    }
  };
  await walk(dir);
  return out;
}

async function runPool<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, size) }, worker));
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

// ---- git history -------------------------------------------------------------------------------------

function git(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => reject(new InputError(`git: ${e.message}`, { cause: e })));
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(chunks))
        : reject(new InputError(`git ${args[0] ?? ''} failed: ${err.trim().split('\n')[0] ?? ''}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** Every blob reachable from any ref, scanned once; each reported with the commit that introduced it. */
async function scanGitHistory(
  dir: string,
  settings: DetectorSettings,
  maxBytes: number,
  stats: ScanStats,
  allow: AllowList,
): Promise<FileHits[]> {
  const listing = (await git(dir, ['rev-list', '--all', '--objects'])).toString('utf8');
  const pathOf = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0 && !pathOf.has(line.slice(0, space)))
      pathOf.set(line.slice(0, space), line.slice(space + 1));
  }
  // The oldest commit whose diff adds each blob (log --reverse: oldest first).
  const introducedBy = new Map<string, string>();
  const log = (
    await git(dir, [
      'log',
      '--all',
      '--topo-order',
      '--reverse',
      '--raw',
      '--no-abbrev',
      '--no-renames',
      '--format=C %H',
    ])
  ).toString('utf8');
  let commit = '';
  for (const line of log.split('\n')) {
    if (line.startsWith('C ')) commit = line.slice(2);
    else if (line.startsWith(':')) {
      const blob = line.split(' ')[3];
      if (blob && !/^0+$/.test(blob) && !introducedBy.has(blob)) introducedBy.set(blob, commit);
    }
  }
  const check = (
    await git(dir, ['cat-file', '--batch-check'], [...pathOf.keys()].join('\n') + '\n')
  ).toString('utf8');
  const wanted: string[] = [];
  for (const line of check.split('\n')) {
    const [sha, type, size] = line.split(' ');
    if (!sha || type !== 'blob') continue;
    if (Number(size) > maxBytes) stats.skippedLarge += 1;
    else wanted.push(sha);
  }
  stats.blobs = wanted.length;
  const out: FileHits[] = [];
  if (wanted.length === 0) return out;
  const batch = await git(dir, ['cat-file', '--batch'], wanted.join('\n') + '\n');
  let at = 0;
  while (at < batch.length) {
    const nl = batch.indexOf(10, at);
    if (nl < 0) break;
    const [sha, , sizeText] = batch.subarray(at, nl).toString('utf8').split(' ');
    const size = Number(sizeText);
    const content = batch.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    if (!sha) continue;
    const path = pathOf.get(sha) ?? sha;
    if (allow.paths.length > 0 && matchesAnyGlob(path, allow.paths)) continue;
    const text = textOf(content);
    if (text === undefined) {
      stats.skippedBinary += 1;
      continue;
    }
    const hits = scanText(text, settings);
    if (hits.length > 0) out.push({ path, hits, commit: introducedBy.get(sha) ?? '', blob: sha });
  }
  return out;
}

// ---- allow-list -------------------------------------------------------------------------------------

/** `{paths: [globs], fingerprints: [...]}` as YAML or JSON. */
export async function loadAllowList(file: string): Promise<AllowList> {
  let value: unknown;
  try {
    value = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: cannot read allow-list: ${errorMessage(error)}`, { cause: error });
  }
  if (value === null || value === undefined) return { paths: [], fingerprints: [] };
  if (!isObject(value)) throw new ConfigError(`${file}: expected a mapping with paths and fingerprints`);
  const strings = (key: string): string[] => {
    const list = value[key];
    if (list === undefined) return [];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))
      throw new ConfigError(`${file}: ${key} must be a list of strings`);
    return list as string[];
  };
  return { paths: strings('paths'), fingerprints: strings('fingerprints') };
}

/** The detectors, for docs and the CLI's rule listing. */
export const SECRET_DETECTOR_IDS: readonly string[] = DETECTORS.map((d) => d.id);
