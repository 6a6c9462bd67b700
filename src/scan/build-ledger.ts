/**
 * The build ledger: which image digests came out of the build environment. `image scan --record-build` appends
 * to it in CI; `originOf` (provenance.ts) reads it. Two homes: the local store (`Store.recordBuild`) or a
 * JSON-lines file that CI publishes as an artifact, one `BuildRecord` per line.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, UsageError, errorMessage } from '../core/errors.js';
import { visibleText } from '../report/terminal-text.js';
import type { BuildRecord, Store } from '../store/model.js';

export interface BuildLedger {
  /** Where the ledger lives, for messages (`FILE` or `store`). */
  readonly where: string;
  record(build: BuildRecord): Promise<void>;
  find(digest: string): Promise<BuildRecord | undefined>;
}

/** One line stays far below the size a single O_APPEND write keeps whole. */
const MAX_LINE_BYTES = 4096;
const MAX_LEDGER_BYTES = 256 * 1024 * 1024;

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const recordSchema = z
  .object({
    digest: z.string().regex(DIGEST, 'must be sha256:<64 hex>'),
    repository: z.string().min(1).max(512),
    pipeline: z.string().min(1).max(1024),
    recordedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export function validateBuildRecord(value: unknown, where: string): BuildRecord {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'record';
    throw new InputError(`${where}: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The CI pipeline that is running, from the variables GitHub Actions, Azure Pipelines and GitLab CI set; an
 * explicit `--pipeline` wins. Outside CI there is nothing to go on, so the flag is required.
 */
export function pipelineIdentity(env: NodeJS.ProcessEnv, explicit?: string): string {
  if (explicit !== undefined) {
    if (explicit.trim() === '' || explicit.length > 1024)
      throw new UsageError('--pipeline must be a non-empty identity of at most 1024 characters');
    return explicit.trim();
  }
  const v = (name: string): string | undefined => env[name]?.trim() || undefined;
  const github = v('GITHUB_WORKFLOW_REF') ?? v('GITHUB_REPOSITORY');
  if (github) return `github:${github}${v('GITHUB_RUN_ID') ? `#run=${v('GITHUB_RUN_ID')}` : ''}`;
  const azure = v('BUILD_REPOSITORY_NAME');
  if (azure) {
    const definition = v('BUILD_DEFINITIONNAME');
    const build = v('BUILD_BUILDID');
    return `azure:${azure}${definition ? `/${definition}` : ''}${build ? `#build=${build}` : ''}`;
  }
  const gitlab = v('CI_PROJECT_PATH');
  if (gitlab) return `gitlab:${gitlab}${v('CI_PIPELINE_ID') ? `#pipeline=${v('CI_PIPELINE_ID')}` : ''}`;
  throw new UsageError(
    '--record-build: no CI pipeline detected (GitHub Actions, Azure Pipelines, GitLab CI); pass --pipeline ID',
  );
}

/** A JSON-lines ledger file. Each append is one write() on an O_APPEND descriptor, so concurrent jobs never interleave. */
export function fileLedger(path: string): BuildLedger {
  // Read once per ledger (a registry scan asks for every digest); an append by this process invalidates it.
  let records: Promise<Map<string, BuildRecord>> | undefined;
  const index = async (): Promise<Map<string, BuildRecord>> => {
    const byDigest = new Map<string, BuildRecord>();
    // The earliest record of a digest wins, as the store answers: the build that first produced it.
    for (const r of await readLedgerFile(path)) if (!byDigest.has(r.digest)) byDigest.set(r.digest, r);
    return byDigest;
  };
  return {
    where: path,
    async record(build) {
      const line = `${JSON.stringify(validateBuildRecord(build, 'build record'))}\n`;
      if (Buffer.byteLength(line) > MAX_LINE_BYTES)
        throw new InputError(`build record for ${build.digest} is longer than ${MAX_LINE_BYTES} bytes`);
      let handle;
      try {
        handle = await open(path, 'a', 0o644);
        await handle.write(line);
      } catch (error) {
        throw new InputError(`cannot append to ledger ${path}: ${errorMessage(error)}`, { cause: error });
      } finally {
        await handle?.close();
        records = undefined;
      }
    },
    async find(digest) {
      records ??= index();
      try {
        return (await records).get(digest);
      } catch (error) {
        records = undefined;
        throw error;
      }
    },
  };
}

/** Every record of a ledger file, validated; a bad line is an error naming the file and line. */
export async function readLedgerFile(path: string): Promise<BuildRecord[]> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_LEDGER_BYTES)
      throw new InputError(`ledger ${path} is larger than ${MAX_LEDGER_BYTES} bytes`, { code: 'LIMIT' });
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ledger ${path}: ${errorMessage(error)}`, { cause: error });
  }
  const records: BuildRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const where = `${path}:${i + 1}`;
    if (line.length > MAX_LINE_BYTES)
      throw new InputError(`${where}: line longer than ${MAX_LINE_BYTES} bytes`, { code: 'LIMIT' });
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      // JSON.parse quotes the bytes it choked on: keep escape sequences of a hostile file off the terminal.
      throw new InputError(`${where}: not JSON (${visibleText(errorMessage(error))})`);
    }
    records.push(validateBuildRecord(json, where));
  }
  return records;
}

/** The ledger kept in the local (or shared PostgreSQL) store. */
export function storeLedger(store: Store, where = 'store'): BuildLedger {
  return {
    where,
    record: (build) => store.recordBuild(validateBuildRecord(build, 'build record')),
    find: (digest) => store.findBuild(digest),
  };
}
