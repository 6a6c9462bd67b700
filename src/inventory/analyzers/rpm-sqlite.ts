import Database from 'better-sqlite3';
import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { parseRpmHeader } from './rpm-header.js';

const PATHS = new Set(['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite']);

/** RPM 4.16+ SQLite database (Fedora 33+, RHEL 9, Azure Linux 3): table `Packages(hnum, blob)`. */
export const rpmSqliteAnalyzer: FileAnalyzer = {
  id: 'rpm-sqlite',
  version: 1,
  description: 'var/lib/rpm/rpmdb.sqlite',
  evidence: 'installed',
  maxBytes: 512 * 1024 * 1024,
  wants: (file) => PATHS.has(file.path),
  analyze(file) {
    // Opened from memory: the image's file never touches our disk, and readonly stops any write-back.
    let db: Database.Database;
    try {
      db = new Database(file.content, { readonly: true });
    } catch (error) {
      return { warnings: [`${file.path}: not a readable SQLite database (${(error as Error).message})`] };
    }
    try {
      const packages: FoundPackage[] = [];
      let broken = 0;
      for (const row of db.prepare('SELECT blob FROM Packages').iterate() as Iterable<{ blob: Buffer }>) {
        const pkg = parseRpmHeader(row.blob);
        if (pkg) packages.push(pkg);
        else broken++;
      }
      return {
        packages,
        ...(broken > 0 ? { warnings: [`${file.path}: ${broken} unreadable or key entries skipped`] } : {}),
      };
    } catch (error) {
      return { warnings: [`${file.path}: cannot read Packages table (${(error as Error).message})`] };
    } finally {
      db.close();
    }
  },
};
