// What a registry scan covers: `HOST[/prefix]`, and optionally one shard of it (`--shard I/N`).
import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';

export interface RegistryTarget {
  /** Registry host with port when given (`registry.example.com`, `127.0.0.1:5000`). */
  registry: string;
  /** Only repositories equal to this or below it (`team` covers `team/app`, not `teamx`). */
  prefix?: string;
}

/** Shard `index` of `count`, 0-based as Kubernetes indexed Jobs number their pods (JOB_COMPLETION_INDEX). */
export interface Shard {
  index: number;
  count: number;
}

const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const MAX_SHARDS = 10_000;

export function parseRegistryTarget(text: string): RegistryTarget {
  const trimmed = text
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const registry = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefix = slash < 0 ? '' : trimmed.slice(slash + 1);
  // `user:password@host` is a secret in the target: say so without echoing it into CI logs.
  if (registry.includes('@')) {
    throw new UsageError(
      'registry target: credentials in the target (USER:PASSWORD@HOST) are not supported; use --username and --password-stdin',
    );
  }
  // The target is echoed in errors: control characters become visible, and a long one is cut.
  const shown = JSON.stringify(text.slice(0, 300));
  if (!registry || !HOST.test(registry)) {
    throw new UsageError(`registry target ${shown}: expected HOST[:PORT][/repository-prefix]`);
  }
  if (prefix && !prefix.split('/').every((part) => REPOSITORY_COMPONENT.test(part))) {
    throw new UsageError(
      `registry target ${shown}: ${JSON.stringify(prefix.slice(0, 300))} is not a repository name prefix`,
    );
  }
  return prefix ? { registry, prefix } : { registry };
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new UsageError(
      `--shard "${text}": expected I/N with 0 <= I < N <= ${MAX_SHARDS} (I as JOB_COMPLETION_INDEX counts)`,
    );
  }
  return { index, count };
}

/** The shard a repository belongs to: a hash of its name, so every Job agrees without talking to the others. */
export function shardOf(repository: string, count: number): number {
  return createHash('sha256').update(repository).digest().readUInt32BE(0) % count;
}

export function inScope(repository: string, target: RegistryTarget, shard: Shard | undefined): boolean {
  const p = target.prefix;
  if (p && repository !== p && !repository.startsWith(`${p}/`)) return false;
  return !shard || shardOf(repository, shard.count) === shard.index;
}

/** The key a run is recorded under, so that a re-run of the same target (and shard) resumes it. */
export function targetKey(target: RegistryTarget, shard: Shard | undefined): string {
  const base = target.prefix ? `${target.registry}/${target.prefix}` : target.registry;
  return shard ? `${base}#shard ${shard.index}/${shard.count}` : base;
}

export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && name.split('/').every((part) => REPOSITORY_COMPONENT.test(part));
}

const TAG = /^[\w][\w.-]{0,127}$/;

export function isTagName(name: string): boolean {
  return TAG.test(name);
}
