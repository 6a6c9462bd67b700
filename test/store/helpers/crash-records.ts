// Deterministic records for the crash tests: the writer and the checker build the same record from its number,
// so the checker can tell an intact record from a partial one without any message from the killed writer.
import type { ImageScanRecord, RunItem } from '../../../src/store/model.js';

export const VULNS_PER_SCAN = 200;
export const ITEMS_PER_BATCH = 500;
export const CRASH_RUN = {
  id: 'crash-run',
  target: 'reg.test/crash',
  startedAt: '2026-03-01T00:00:00Z',
  dbVersion: 'v1',
};

export function crashDigest(i: number): string {
  return `sha256:${String(i).padStart(64, '0')}`;
}

export function crashScan(i: number): ImageScanRecord {
  return {
    digest: crashDigest(i),
    repository: `reg.test/crash/r${i}`,
    tags: [`t${i}`, 'latest'],
    scannedAt: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
    dbVersion: 'v1',
    packages: 1000 + i,
    vulnerabilities: Array.from({ length: VULNS_PER_SCAN }, (_, v) => ({
      id: `CVE-2026-${i}-${v}`,
      aliases: [`GHSA-${i}-${v}`],
      package: `pkg${v}@1.${i}`,
      installed: `1.${i}`,
      fixedIn: v % 2 ? [`2.${i}`] : [],
      status: v % 2 ? ('fixed' as const) : ('not-fixed' as const),
      severity: 'medium' as const,
      score: 5.5,
    })),
  };
}

export function crashItems(i: number, runId: string = CRASH_RUN.id): RunItem[] {
  return Array.from({ length: ITEMS_PER_BATCH }, (_, t) => ({
    runId,
    repository: `reg.test/crash/r${i}`,
    tag: `t${t}`,
    digest: crashDigest(i),
    done: false,
  }));
}
