// Vulnerability database: import speed against the JSON.parse floor, and matching speed on a large database.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixedClock } from '../src/core/clock.js';
import { detectVulnerabilities } from '../src/detect/detect.js';
import type { Inventory, Package } from '../src/inventory/model.js';
import { DbBuilder } from '../src/vulndb/builder.js';
import { VulnStore } from '../src/vulndb/store.js';
import { updateDatabase } from '../src/vulndb/update.js';
import { writeZip } from '../src/vulndb/zip/write-zip.js';
import type { Bench, BenchResult } from './types.js';

const DATA = join(import.meta.dirname, '.data', 'vulndb');
const clock = fixedClock('2026-02-01T00:00:00Z');
const DEBIAN_SOURCES = 2_000;
const NPM_PACKAGES = 20_000;

/**
 * Deterministic records shaped like the real feeds: DEBIAN-CVE (per release entries, urgency, upstream),
 * GHSA for npm (details text, CVSS vector, GHSA severity), Go and PyPI with several ranges. About 1.5 KiB each.
 */
export function syntheticRecord(i: number): string {
  const cve = `CVE-${2000 + (i % 26)}-${String(i).padStart(6, '0')}`;
  const base = {
    schema_version: '1.7.3',
    modified: `2025-${String((i % 12) + 1).padStart(2, '0')}-01T00:00:00Z`,
    published: '2024-06-01T00:00:00Z',
  };
  const kind = i % 10;
  if (kind < 4) {
    const src = `src${i % DEBIAN_SOURCES}`;
    return JSON.stringify({
      ...base,
      id: `DEBIAN-${cve}`,
      upstream: [cve],
      details: `Synthetic benchmark record ${i} for the ${src} source package. `.repeat(4),
      references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${cve}` }],
      affected: ['11', '12', '13'].map((rel, r) => ({
        package: { ecosystem: `Debian:${rel}`, name: src, purl: `pkg:deb/debian/${src}?arch=source` },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events:
              (i + r) % 3 === 0
                ? [{ introduced: '0' }]
                : [{ introduced: '0' }, { fixed: `1.${i % 50}-${r + 1}` }],
          },
        ],
        ecosystem_specific: { urgency: ['low', 'medium', 'high', 'unimportant'][i % 4] },
      })),
    });
  }
  if (kind < 8) {
    const name = `pkg-${i % NPM_PACKAGES}`;
    return JSON.stringify({
      ...base,
      id: `GHSA-${i.toString(36).padStart(4, '0')}-bnch-${(i * 7).toString(36).padStart(4, '0')}`,
      aliases: [cve],
      summary: `Prototype pollution in ${name}`,
      details:
        `The package ${name} before 2.${i % 30}.0 allows prototype pollution via crafted input. `.repeat(5),
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
      affected: [
        {
          package: { ecosystem: 'npm', name },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `2.${i % 30}.0` }] }],
          database_specific: { last_known_affected_version_range: `< 2.${i % 30}.0` },
        },
      ],
      references: [{ type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/${cve}` }],
      database_specific: { cwe_ids: ['CWE-1321'], severity: 'HIGH', github_reviewed: true },
    });
  }
  const go = kind === 8;
  return JSON.stringify({
    ...base,
    id: go ? `GO-2025-${i}` : `PYSEC-2025-${i}`,
    aliases: [cve],
    details: `Synthetic ${go ? 'Go' : 'PyPI'} record ${i}. `.repeat(6),
    affected: [
      {
        package: {
          ecosystem: go ? 'Go' : 'PyPI',
          name: go ? `example.com/mod${i % 5000}` : `pydist${i % 5000}`,
        },
        ranges: [
          {
            type: go ? 'SEMVER' : 'ECOSYSTEM',
            events: [{ introduced: '0' }, { fixed: '1.2.3' }, { introduced: '1.3.0' }, { fixed: '1.3.7' }],
          },
        ],
      },
    ],
  });
}

function ensureZip(count: number): { zip: string; texts: string[] } {
  mkdirSync(DATA, { recursive: true });
  const texts = Array.from({ length: count }, (_, i) => syntheticRecord(i));
  const zip = join(DATA, `records-${count}.zip`);
  if (!existsSync(zip)) {
    writeFileSync(
      zip,
      writeZip(
        texts.map((text, i) => ({ name: `R-${i}.json`, data: text })),
        { level: 1 },
      ),
    );
  }
  return { zip, texts };
}

function ensureBigDb(count: number): string {
  const path = join(DATA, `db-${count}.sqlite`);
  if (existsSync(path)) return path;
  const builder = DbBuilder.start(path, clock, { rebuild: true });
  function* entries(): Generator<{ text: string; where: string }> {
    for (let i = 0; i < count; i++) yield { text: syntheticRecord(i), where: `R-${i}` };
  }
  builder.importSource({ name: 'bench', location: 'bench', kind: 'zip' }, entries(), { full: true });
  builder.commit();
  return path;
}

function inventory(): Inventory {
  const packages: Package[] = [];
  const pkg = (p: Omit<Package, 'path' | 'foundBy'>): Package => ({ ...p, path: 'bench', foundBy: 'bench' });
  for (let i = 0; i < 100; i++) {
    packages.push(
      pkg({
        kind: 'deb',
        name: `bin${i}`,
        version: '1.0-1',
        sourceName: `src${i * 7}`,
        ecosystem: 'Debian',
        purl: `pkg:deb/debian/bin${i}@1.0-1`,
      }),
    );
  }
  for (let i = 0; i < 2000; i++) {
    packages.push(
      pkg({
        kind: 'npm',
        name: `pkg-${i * 3}`,
        version: '2.1.0',
        ecosystem: 'npm',
        purl: `pkg:npm/pkg-${i * 3}@2.1.0`,
      }),
    );
  }
  return {
    subject: { kind: 'directory', name: 'bench', path: '/bench' },
    os: { id: 'debian', versionId: '12' },
    packages,
    warnings: [],
    analyzers: [],
  };
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export const vulndbBench: Bench = {
  id: 'vulndb',
  description:
    'db update from a local zip of 100,000 records vs JSON.parse of them; matching 2,100 packages against 500,000 records',
  async run() {
    const results: BenchResult[] = [];
    const { zip, texts } = ensureZip(100_000);
    const floor = Math.min(...[0, 1].map(() => seconds(() => texts.forEach((t) => JSON.parse(t)))));
    let update = Number.POSITIVE_INFINITY;
    let updateCpu = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 2; run++) {
      const db = join(DATA, 'update.sqlite');
      rmSync(db, { force: true });
      const before = process.cpuUsage();
      const start = process.hrtime.bigint();
      await updateDatabase({ dbPath: db, sources: [zip], cwd: DATA, clock });
      update = Math.min(update, Number(process.hrtime.bigint() - start) / 1e9);
      const used = process.cpuUsage(before);
      updateCpu = Math.min(updateCpu, (used.user + used.system) / 1e6);
    }
    results.push({
      name: 'db update, 100,000 records (fresh database)',
      value: update,
      unit: 's',
      floor: { name: 'JSON.parse of the same records', value: floor },
      ratio: update / floor,
      note: `${updateCpu.toFixed(2)} s CPU; target <= 3x`,
    });
    const big = ensureBigDb(500_000);
    const inv = inventory();
    let match = Number.POSITIVE_INFINITY;
    let cpu = Number.POSITIVE_INFINITY;
    let found = 0;
    for (let run = 0; run < 3; run++) {
      // A fresh store each run: its record cache must not carry over.
      const store = VulnStore.open(big);
      const before = process.cpuUsage();
      match = Math.min(
        match,
        seconds(() => (found = detectVulnerabilities(inv, store).matches.length)),
      );
      const used = process.cpuUsage(before);
      cpu = Math.min(cpu, (used.user + used.system) / 1e6);
      store.close();
    }
    results.push({
      name: 'match 100 Debian + 2,000 npm packages, 500,000 records',
      value: match,
      unit: 's',
      note: `${found} matches, ${cpu.toFixed(2)} s CPU; target < 1 s`,
    });
    return results;
  },
};
