/**
 * Opening the kubeward store: `postgres://` or `postgresql://` URLs open PostgreSQL (shared by replicas and
 * sharded Jobs), anything else is the path of the embedded SQLite file.
 */
import { join } from 'node:path';
import { homedir } from 'node:os';
import type { Store } from './model.js';
import { parseStoreLocation } from './location.js';
import { SqliteStore } from './sqlite.js';

export type * from './model.js';
export { DEFAULT_CLUSTER, DEFAULT_HISTORY_LIMIT } from './model.js';
export { MAX_CLUSTER_NAME, clusterNameProblem } from './records.js';
export { isPostgresUrl } from './location.js';

export interface OpenStoreOptions {
  /** PostgreSQL only: the most connections the pool opens (default 4). */
  maxConnections?: number;
  /** PostgreSQL only: how long to wait for a connection before failing (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * `$KUBEWARD_STATE_DIR/store.db`, else `$XDG_STATE_HOME/kubeward/store.db`, else
 * `~/.local/state/kubeward/store.db`: beside the first-seen state (policy/first-seen-store.ts defaultStatePath).
 */
export function defaultStorePath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  if (env['KUBEWARD_STATE_DIR']) return join(env['KUBEWARD_STATE_DIR'], 'store.db');
  return join(env['XDG_STATE_HOME'] || join(home, '.local', 'state'), 'kubeward', 'store.db');
}

/**
 * Opens (creating or migrating the schema as needed) the store at `location`. Failures are one-line errors:
 * InputError naming the file for SQLite, RemoteError naming the server (never the password) for PostgreSQL.
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  const parsed = parseStoreLocation(location);
  if (parsed.kind === 'sqlite') return SqliteStore.open(parsed.path);
  // Loaded on demand: most runs use SQLite and should not pay for the PostgreSQL driver.
  const { PostgresStore } = await import('./postgres.js');
  return PostgresStore.open(parsed, options);
}
