import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { InputError, errorMessage } from '../core/errors.js';
import type { StateEntry } from './gate.js';

/** `$KUBEWARD_STATE_DIR/state.db`, else `$XDG_STATE_HOME/kubeward/state.db`, else `~/.local/state/kubeward/state.db`. */
export function defaultStatePath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  if (env['KUBEWARD_STATE_DIR']) return join(env['KUBEWARD_STATE_DIR'], 'state.db');
  return join(env['XDG_STATE_HOME'] || join(home, '.local', 'state'), 'kubeward', 'state.db');
}

/**
 * When kubeward first saw each (image repository, vulnerability, package), and first saw a fix for it. This
 * is the memory grace periods run on, so it lives apart from the vulnerability database, which is replaced
 * wholesale on every update.
 */
export class FirstSeenStore {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): FirstSeenStore {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      // Parallel CI jobs share the file; wait for a writer rather than fail.
      db.pragma('busy_timeout = 5000');
      db.exec(`CREATE TABLE IF NOT EXISTS first_seen (
        repository TEXT NOT NULL,
        vuln_id TEXT NOT NULL,
        package TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        fix_seen TEXT,
        PRIMARY KEY (repository, vuln_id, package)
      )`);
      return new FirstSeenStore(db);
    } catch (error) {
      throw new InputError(`${path}: cannot open the state database: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }

  load(repository: string): StateEntry[] {
    const rows = this.db
      .prepare(
        'SELECT vuln_id AS vulnId, package AS packageKey, first_seen AS firstSeen, fix_seen AS fixSeen FROM first_seen WHERE repository = ?',
      )
      .all(repository) as { vulnId: string; packageKey: string; firstSeen: string; fixSeen: string | null }[];
    return rows.map((r) => ({
      repository,
      vulnId: r.vulnId,
      packageKey: r.packageKey,
      firstSeen: r.firstSeen,
      ...(r.fixSeen ? { fixSeen: r.fixSeen } : {}),
    }));
  }

  /** Records sightings; an earlier time already held is never moved later. */
  apply(updates: readonly StateEntry[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO first_seen (repository, vuln_id, package, first_seen, fix_seen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (repository, vuln_id, package) DO UPDATE SET
         first_seen = MIN(first_seen, excluded.first_seen),
         fix_seen = CASE WHEN fix_seen IS NULL THEN excluded.fix_seen
                         WHEN excluded.fix_seen IS NULL THEN fix_seen
                         ELSE MIN(fix_seen, excluded.fix_seen) END`,
    );
    this.db.transaction(() => {
      for (const u of updates)
        upsert.run(u.repository, u.vulnId, u.packageKey, u.firstSeen, u.fixSeen ?? null);
    })();
  }

  close(): void {
    this.db.close();
  }
}
