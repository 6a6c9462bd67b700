import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { LayerChanges } from '../image/layers/read-layer.js';
import type { FileResult } from './file-results.js';

/** Bump when the stored shape changes; old rows are then simply never matched. */
const FORMAT = 1;

/** Everything kubeward keeps about one layer: its effect on the file system and what the analyzers found in it. */
export interface LayerAnalysis {
  changes: LayerChanges;
  results: FileResult[];
  warnings: string[];
}

/** `$KUBEWARD_CACHE_DIR/cache.db`, else `~/.cache/kubeward/cache.db` (XDG_CACHE_HOME respected). */
export function defaultCachePath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env['KUBEWARD_CACHE_DIR']) return join(env['KUBEWARD_CACHE_DIR'], 'cache.db');
  return join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'kubeward', 'cache.db');
}

/**
 * Per-layer analysis results in SQLite, keyed by the layer's (verified) blob digest and the analyzer set.
 * Only layers that were read to the end and verified are stored, so a digest in here vouches for its content.
 */
export class LayerCache {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): LayerCache {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // Parallel scans share the file; wait for a writer rather than fail.
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE IF NOT EXISTS layer_analysis (
      digest TEXT NOT NULL,
      analyzers TEXT NOT NULL,
      format INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (digest, analyzers, format)
    )`);
    return new LayerCache(db);
  }

  get(digest: string, analyzers: string): LayerAnalysis | undefined {
    const row = this.db
      .prepare('SELECT data FROM layer_analysis WHERE digest = ? AND analyzers = ? AND format = ?')
      .get(digest, analyzers, FORMAT) as { data: Buffer } | undefined;
    if (!row) return undefined;
    try {
      const parsed = JSON.parse(gunzipSync(row.data).toString('utf8')) as LayerAnalysis;
      return Array.isArray(parsed.results) && Array.isArray(parsed.changes?.paths) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  put(digest: string, analyzers: string, analysis: LayerAnalysis, now: number = Date.now()): void {
    const data = gzipSync(JSON.stringify(analysis), { level: 6 });
    this.db
      .prepare(
        'INSERT OR REPLACE INTO layer_analysis (digest, analyzers, format, created_at, data) VALUES (?, ?, ?, ?, ?)',
      )
      .run(digest, analyzers, FORMAT, Math.floor(now / 1000), data);
  }

  close(): void {
    this.db.close();
  }
}
