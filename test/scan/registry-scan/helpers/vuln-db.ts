// Test helper: OSV records written to a directory and imported with the real `kubeward db update`, at a pinned
// time (the database version drift compares).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../../src/cli/run.js';
import { fixedClock } from '../../../../src/core/clock.js';
import { testContext } from '../../../cli/run-cli.js';

export interface NpmAdvisory {
  id: string;
  package: string;
  /** Omitted: no fixed version yet. */
  fixed?: string;
  /** CVSS v3.1 vector; its score decides the severity. */
  cvss?: string;
  withdrawn?: string;
}

export const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'; // 7.5
export const MEDIUM = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N'; // 5.4

export function osvRecord(a: NpmAdvisory): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id: a.id,
    modified: '2026-01-01T00:00:00Z',
    published: '2026-01-01T00:00:00Z',
    summary: `${a.id} in ${a.package}`,
    ...(a.withdrawn ? { withdrawn: a.withdrawn } : {}),
    ...(a.cvss ? { severity: [{ type: 'CVSS_V3', score: a.cvss }] } : {}),
    affected: [
      {
        package: { ecosystem: 'npm', name: a.package },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, ...(a.fixed ? [{ fixed: a.fixed }] : [])] }],
      },
    ],
  };
}

/** Builds a vulnerability database at `dbPath` from `advisories`, as `kubeward db update` at time `builtAt`. */
export async function buildVulnDb(
  dbPath: string,
  advisories: readonly NpmAdvisory[],
  builtAt: string,
): Promise<void> {
  const dir = `${dbPath}.records`;
  mkdirSync(join(dir, 'npm'), { recursive: true });
  for (const a of advisories) writeFileSync(join(dir, 'npm', `${a.id}.json`), JSON.stringify(osvRecord(a)));
  let stderr = '';
  const code = await runCli(
    ['db', 'update', '--db', dbPath, '--source', dir],
    testContext({ stderr: (t) => (stderr += t), cwd: dir, clock: fixedClock(builtAt) }),
  );
  if (code !== 0) throw new Error(`db update failed (${code}): ${stderr}`);
}
