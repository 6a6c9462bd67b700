// Vulnerability database: import speed against a floor measured in the same run, and matching speed on a large,
// realistic database. Targets (issue 4): `db update` at most 3x the floor; matching under 1 second.
//
// The import's floor includes decompression: inflating every entry of the zip and JSON.parse of its text, with
// the faster of node:zlib and the project's own inflater. Every importer of a deflated dump must do both, and
// inflating alone costs about three times the parse. JSON.parse alone of the already inflated texts is printed
// too, with its ratio. Both are wall time and CPU time, best of three.
//
// The records are generated, shaped like osv.dev's feeds: DEBIAN-CVE (one entry per release, urgency, upstream),
// Ubuntu and Alpine per release, GHSA and MAL for npm, PyPI, Go and Maven. Package popularity is heavy-tailed
// (a Zipf-Mandelbrot law, as real feeds are: a few packages hold thousands of records, most a handful), and
// the Debian test image's own source packages sit among the popular ones with versions around the installed
// ones, so some records match (fixed above, or open) and most are fixed long ago, as in real scans.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { fixedClock } from '../src/core/clock.js';
import { detectVulnerabilities } from '../src/detect/detect.js';
import { queryFor } from '../src/detect/package-query.js';
import { inventoryImage } from '../src/inventory/scan-image.js';
import type { Inventory, Package } from '../src/inventory/model.js';
import { DbBuilder, type RecordEntry } from '../src/vulndb/builder.js';
import { VulnStore } from '../src/vulndb/store.js';
import { updateDatabase } from '../src/vulndb/update.js';
import { inflateRawInto } from '../src/vulndb/zip/inflate.js';
import { ZipReader } from '../src/vulndb/zip/read-zip.js';
import { writeZip } from '../src/vulndb/zip/write-zip.js';
import type { Bench, BenchResult } from './types.js';

const DATA = join(import.meta.dirname, '.data', 'vulndb');
/** Bump when the generator changes, so cached zips and databases are rebuilt. */
const GENERATOR = 7;
const clock = fixedClock('2026-02-01T00:00:00Z');
const UPDATE_RECORDS = 100_000;
const MATCH_RECORDS = 500_000;
const NPM_INSTALLED = 2_000;

/** A small deterministic PRNG (mulberry32): record i always gets the same content. */
function rngFor(seed: number): () => number {
  let a = (seed * 2654435761) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'ansi array async babel buffer cache chalk color config cookie core cross css date debug deep dom dot env ' +
  'event express fetch file form glob graph hash http image json jwt lodash log map markdown merge mime ' +
  'mongo node object parse path plugin promise proxy query react redis regex request router sass schema ' +
  'semver serve shell socket sql stream string style svg tar template time token type ui uri url util uuid ' +
  'validator vue web webpack ws xml yaml zip crypto auth mail queue worker'
).split(' ');
const W = WORDS.length;
const word = (k: number): string => WORDS[k % W] as string;

/** The k-th npm package name: `a-b`, `@a/b`, `ab`, `a-b-js`, `a.b`, `node-a-b`, then numbered variants. */
function npmName(k: number): string {
  const [a, b, form, n] = [
    word(k),
    word(Math.floor(k / W) + 7),
    Math.floor(k / (W * W)) % 6,
    k / (W * W * 6),
  ];
  const base = [`${a}-${b}`, `@${a}/${b}`, `${a}${b}`, `${a}-${b}-js`, `${a}.${b}`, `node-${a}-${b}`][form];
  return n >= 1 ? `${base}-${Math.floor(n) + 1}` : (base as string);
}

/** The k-th generated Debian-style source package name. */
function debianName(k: number): string {
  const [a, b, form, n] = [
    word(k),
    word(Math.floor(k / W) + 3),
    Math.floor(k / (W * W)) % 6,
    k / (W * W * 6),
  ];
  const base = [
    `lib${a}${b}`,
    `${a}-${b}`,
    `python-${a}${b}`,
    `golang-${a}-${b}`,
    `ruby-${a}-${b}`,
    `${a}${b}`,
  ][form];
  return n >= 1 ? `${base}${Math.floor(n) + 1}` : (base as string);
}

/** Inverse-CDF sampling of ranks 0..n-1 with weight 1/(rank + 1 + q). */
class Zipf {
  private readonly cdf: Float64Array;
  constructor(n: number, q: number) {
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) this.cdf[r] = sum += 1 / (r + 1 + q);
    for (let r = 0; r < n; r++) this.cdf[r] = (this.cdf[r] as number) / sum;
  }
  sample(u: number): number {
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const DEBIAN_POOL = 12_000;
const NPM_POOL = 60_000;
const debianZipf = new Zipf(DEBIAN_POOL, 5);
const npmZipf = new Zipf(NPM_POOL, 30);
const otherZipf = new Zipf(20_000, 10);

/** The image's source packages (name -> installed version), placed among the popular Debian names. */
export interface ImageSources {
  names: string[];
  versions: Map<string, string>;
}

function debianSourceAt(rank: number, image: ImageSources): string {
  // Image sources take every 40th rank from 20 on: openssl or glibc get hundreds of records, zlib a few.
  const slot = rank - 20;
  if (slot >= 0 && slot % 40 === 0 && slot / 40 < image.names.length) return image.names[slot / 40] as string;
  return debianName(rank);
}

const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N',
  'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
  'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N',
];
const LEVELS = ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'];
const URGENCIES = ['low', 'medium', 'high', 'unimportant', 'not yet assigned'];
const FILLER = (
  'allows remote attackers to cause a denial of service via crafted input in the parser when handling ' +
  'malformed headers which leads to an out-of-bounds read and possibly arbitrary code execution'
).split(' ');

function prose(rng: () => number, name: string, words: number): string {
  const out = [`A flaw was found in ${name}.`];
  for (let i = 0; i < words; i++) out.push(FILLER[Math.floor(rng() * FILLER.length)] as string);
  return `${out.join(' ')}.`;
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)] as T;
}

const semver = (rng: () => number): string =>
  `${Math.floor(rng() * 6)}.${Math.floor(rng() * 20)}.${Math.floor(rng() * 10)}`;
const debVersion = (rng: () => number): string =>
  `${1 + Math.floor(rng() * 9)}.${Math.floor(rng() * 30)}-${1 + Math.floor(rng() * 5)}`;

/** Events of a distribution record for the installed version: mostly fixed long ago, some fixed above, some open. */
function imageEvents(rng: () => number, installed: string, i: number): Record<string, string>[] {
  const u = rng();
  if (u < 0.65) return [{ introduced: '0' }, { fixed: `${installed}~${i % 7}` }];
  if (u < 0.85) return [{ introduced: '0' }, { fixed: `${installed}+deb12u${90 + (i % 9)}` }];
  return [{ introduced: '0' }];
}

function references(rng: () => number, cve: string, n: number): { type: string; url: string }[] {
  const refs = [{ type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/${cve}` }];
  for (let k = 1; k < n; k++)
    refs.push({
      type: 'WEB',
      url: `https://github.com/example/project/commit/${Math.floor(rng() * 1e12).toString(16)}`,
    });
  return refs;
}

/** Record `i` of the feed mix, as the JSON text a dump holds. */
export function syntheticRecord(i: number, image: ImageSources): string {
  const rng = rngFor(i + 1);
  const cve = `CVE-${2005 + (i % 21)}-${String(i).padStart(6, '0')}`;
  const month = String((i % 12) + 1).padStart(2, '0');
  const base = {
    schema_version: '1.7.3',
    modified: `2025-${month}-01T00:00:00Z`,
    published: `2023-${month}-11T09:15:00Z`,
  };
  const bucket = i % 100;
  if (bucket < 30) {
    const src = debianSourceAt(debianZipf.sample(rng()), image);
    const installed = image.versions.get(src);
    return JSON.stringify({
      ...base,
      id: `DEBIAN-${cve}`,
      upstream: [cve],
      details: prose(rng, src, 20 + Math.floor(rng() * 60)),
      affected: ['11', '12', '13'].map((rel) => ({
        package: { ecosystem: `Debian:${rel}`, name: src, purl: `pkg:deb/debian/${src}?arch=source` },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events:
              rel === '12' && installed !== undefined
                ? imageEvents(rng, installed, i)
                : rng() < 0.2
                  ? [{ introduced: '0' }]
                  : [{ introduced: '0' }, { fixed: debVersion(rng) }],
          },
        ],
        ecosystem_specific: { urgency: pick(rng, URGENCIES) },
        database_specific: { source: `https://security-tracker.debian.org/tracker/${cve}` },
      })),
    });
  }
  if (bucket < 39) {
    const name = npmName(npmZipf.sample(rng()));
    const branches = rng() < 0.3 ? 2 : 1;
    const affected = [];
    for (let b = 0; b < branches; b++) {
      const fixed = semver(rng);
      affected.push({
        package: { ecosystem: 'npm', name, purl: `pkg:npm/${name}` },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [{ introduced: b === 0 ? '0' : `${fixed.split('.')[0]}.0.0` }, { fixed }],
          },
        ],
        database_specific: { last_known_affected_version_range: `< ${fixed}` },
      });
    }
    return JSON.stringify({
      ...base,
      id: `GHSA-${(i * 7919).toString(36).padStart(4, '0').slice(-4)}-${i.toString(36).padStart(4, '0')}-bnch`,
      aliases: [cve],
      summary: `${pick(rng, FILLER)} vulnerability in ${name}`,
      details: prose(rng, name, 40 + Math.floor(rng() * 150)),
      severity: [
        { type: VECTORS[i % 9]?.startsWith('CVSS:4') ? 'CVSS_V4' : 'CVSS_V3', score: VECTORS[i % 9] },
      ],
      affected,
      references: references(rng, cve, 2 + Math.floor(rng() * 8)),
      database_specific: {
        cwe_ids: [`CWE-${20 + (i % 900)}`],
        severity: pick(rng, LEVELS),
        github_reviewed: true,
        github_reviewed_at: '2024-06-02T00:00:00Z',
        nvd_published_at: '2024-06-01T00:00:00Z',
      },
    });
  }
  if (bucket < 66) {
    // Malicious packages: one record per (mostly unique, typo-squatting) name, every version affected.
    const name = `${npmName(Math.floor(rng() * NPM_POOL))}-${(i % 9973).toString(36)}`;
    return JSON.stringify({
      ...base,
      id: `MAL-2025-${i}`,
      summary: `Malicious code in ${name} (npm)`,
      details:
        '\n---\n_-= Per source details. Do not edit below this line.=-_\n\n## Source: ossf-package-analysis\nThe package downloads and runs a second-stage payload.',
      affected: [
        {
          package: { ecosystem: 'npm', name },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
          database_specific: {
            source: 'https://github.com/ossf/malicious-packages/blob/main/osv/malicious/npm',
          },
        },
      ],
      references: [{ type: 'PACKAGE', url: `https://www.npmjs.com/package/${name}` }],
    });
  }
  if (bucket < 78) {
    const src = debianName(debianZipf.sample(rng()));
    return JSON.stringify({
      ...base,
      id: `UBUNTU-${cve}`,
      upstream: [cve],
      details: prose(rng, src, 20 + Math.floor(rng() * 60)),
      severity: [
        { type: 'Ubuntu', score: pick(rng, ['low', 'medium', 'high', 'negligible']) },
        { type: 'CVSS_V3', score: pick(rng, VECTORS.slice(0, 7)) },
      ],
      affected: ['22.04:LTS', '24.04:LTS'].map((rel) => ({
        package: { ecosystem: `Ubuntu:${rel}`, name: src },
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${debVersion(rng)}ubuntu0.1` }] },
        ],
        ecosystem_specific: { binaries: [{ binary_name: src, binary_version: debVersion(rng) }] },
      })),
      references: references(rng, cve, 2 + Math.floor(rng() * 4)),
    });
  }
  const [ecosystem, name, type] =
    bucket < 83
      ? ['Alpine:v3.19', `${word(otherZipf.sample(rng()))}${otherZipf.sample(rng()) % 500}`, 'ECOSYSTEM']
      : bucket < 89
        ? ['PyPI', `py${word(i)}-${otherZipf.sample(rng())}`, 'ECOSYSTEM']
        : bucket < 93
          ? ['Go', `github.com/${word(i)}/${word(otherZipf.sample(rng()))}`, 'SEMVER']
          : ['Maven', `org.${word(i)}:${word(otherZipf.sample(rng()))}-core`, 'ECOSYSTEM'];
  return JSON.stringify({
    ...base,
    id: `${ecosystem.startsWith('Alpine') ? 'ALPINE' : ecosystem === 'PyPI' ? 'PYSEC' : ecosystem === 'Go' ? 'GO' : 'GHSA-mvn'}-2025-${i}`,
    aliases: [cve],
    details: prose(rng, name, 30 + Math.floor(rng() * 80)),
    affected: [
      {
        package: { ecosystem, name },
        ranges: [
          {
            type,
            events: [
              { introduced: '0' },
              { fixed: '1.2.3' },
              { introduced: '1.3.0' },
              { fixed: `1.3.${1 + (i % 9)}` },
            ],
          },
        ],
      },
    ],
    references: references(rng, cve, 1 + Math.floor(rng() * 3)),
  });
}

/** The Debian test image's packages (real dpkg data, scripts/build-test-images.sh) and their source versions. */
export async function debianImage(): Promise<{ inventory: Inventory; sources: ImageSources }> {
  const { testImages } = await import('../test/image/helpers/test-images.js');
  const inventory = await inventoryImage(`oci:${testImages().layout}:debian`, { cachePath: false });
  const versions = new Map<string, string>();
  for (const pkg of inventory.packages) {
    const query = queryFor(pkg, inventory.os);
    if ('skip' in query) continue;
    for (const name of query.names) versions.set(name, query.version);
  }
  return { inventory, sources: { names: [...versions.keys()].sort(), versions } };
}

/** The image's packages plus 2,000 npm packages: half popular (often advised), half anywhere in the long tail. */
export function scanInventory(image: Inventory): Inventory {
  const rng = rngFor(424242);
  const npm: Package[] = [];
  const taken = new Set<string>();
  while (npm.length < NPM_INSTALLED) {
    const rank = npm.length % 2 === 0 ? Math.floor(rng() * 3000) : Math.floor(rng() * NPM_POOL);
    const name = npmName(rank);
    if (taken.has(name)) continue;
    taken.add(name);
    const version = semver(rng);
    npm.push({
      kind: 'npm',
      name,
      version,
      ecosystem: 'npm',
      purl: `pkg:npm/${name}@${version}`,
      path: `app/node_modules/${name}/package.json`,
      foundBy: 'npm',
    });
  }
  return { ...image, packages: [...image.packages, ...npm] };
}

function ensureZip(count: number, image: ImageSources): string {
  mkdirSync(DATA, { recursive: true });
  const zip = join(DATA, `records-${count}-g${GENERATOR}.zip`);
  if (!existsSync(zip)) {
    const entries = Array.from({ length: count }, (_, i) => ({
      name: `R-${i}.json`,
      data: syntheticRecord(i, image),
    }));
    // Level 6, zlib's default: what a dump writer uses unless told otherwise.
    writeFileSync(zip, writeZip(entries, { level: 6 }));
  }
  return zip;
}

function ensureBigDb(count: number, image: ImageSources): string {
  const path = join(DATA, `db-${count}-g${GENERATOR}.sqlite`);
  if (existsSync(path)) return path;
  const builder = DbBuilder.start(path, clock, { rebuild: true });
  // Stored deflated, as records imported from osv.dev's zips are.
  function* entries(): Generator<RecordEntry> {
    for (let i = 0; i < count; i++) {
      const text = syntheticRecord(i, image);
      yield { text, where: `R-${i}`, deflated: deflateRawSync(text) };
    }
  }
  builder.importSource({ name: 'bench', location: 'bench', kind: 'zip' }, entries(), { full: true });
  builder.commit();
  return path;
}

/** Wall and CPU seconds of one call; on a shared machine CPU time is the steadier of the two. */
interface Timing {
  wall: number;
  cpu: number;
}

async function time(fn: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

/** Best of `runs` for wall time and, separately, for CPU time; `first` is the first run's wall time. */
async function best(runs: number, fn: () => unknown): Promise<Timing & { first: number }> {
  const all: Timing[] = [];
  for (let i = 0; i < runs; i++) all.push(await time(fn));
  return {
    wall: Math.min(...all.map((t) => t.wall)),
    cpu: Math.min(...all.map((t) => t.cpu)),
    first: all[0]?.wall ?? Number.NaN,
  };
}

/** The compressed bytes of every entry, read straight from the archive (what any reader must inflate). */
function rawEntries(zip: string): { raw: Buffer; size: number }[] {
  const reader = ZipReader.open(zip);
  try {
    return reader.entries.map((entry) => ({ raw: Buffer.from(reader.readRaw(entry)), size: entry.size }));
  } finally {
    reader.close();
  }
}

/**
 * The floors, best of three each: JSON.parse of the records' texts (already inflated), and inflating every entry
 * and parsing it (the least any import from this zip must do), with the faster of node:zlib's `inflateRawSync`
 * and the project's own inflater, so that the floor is not made slow on purpose.
 */
async function floors(zip: string): Promise<{ parse: Timing; unzipParse: Timing; unzipName: string }> {
  const entries = rawEntries(zip);
  const texts = entries.map((e) => inflateRawSync(e.raw).toString('utf8'));
  const parse = await best(3, () => texts.forEach((t) => JSON.parse(t)));
  const zlib = await best(3, () => {
    for (const e of entries) JSON.parse(inflateRawSync(e.raw, { maxOutputLength: e.size }).toString('utf8'));
  });
  const scratch = Buffer.allocUnsafe(256 * 1024);
  const own = await best(3, () => {
    for (const e of entries)
      JSON.parse(scratch.toString('utf8', 0, inflateRawInto(e.raw, scratch.subarray(0, e.size))));
  });
  return zlib.wall <= own.wall
    ? { parse, unzipParse: zlib, unzipName: 'node:zlib inflateRawSync' }
    : { parse, unzipParse: own, unzipName: 'inflateRawInto' };
}

export const vulndbBench: Bench = {
  id: 'vulndb',
  description: `db update from a local zip of ${UPDATE_RECORDS.toLocaleString('en')} records vs unzip + JSON.parse of them; matching the Debian image + ${NPM_INSTALLED.toLocaleString('en')} npm packages against ${MATCH_RECORDS.toLocaleString('en')} records`,
  async run() {
    const results: BenchResult[] = [];
    const image = await debianImage();
    const zip = ensureZip(UPDATE_RECORDS, image.sources);
    const floor = await floors(zip);
    const db = join(DATA, 'update.sqlite');
    const update = await best(3, async () => {
      rmSync(db, { force: true });
      await updateDatabase({ dbPath: db, sources: [zip], cwd: DATA, clock });
    });
    const x = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
    results.push({
      name: `db update, ${UPDATE_RECORDS.toLocaleString('en')} records (fresh database, best of 3)`,
      value: update.wall,
      unit: 's',
      floor: {
        name: `inflate (${floor.unzipName}) + JSON.parse of the same entries`,
        value: floor.unzipParse.wall,
      },
      ratio: update.wall / floor.unzipParse.wall,
      note:
        `target <= 3x; CPU ${update.cpu.toFixed(2)} s vs ${floor.unzipParse.cpu.toFixed(2)} s (${x(update.cpu, floor.unzipParse.cpu)}); ` +
        `JSON.parse alone of the inflated texts ${floor.parse.wall.toFixed(3)} s (${x(update.wall, floor.parse.wall)}, CPU ${x(update.cpu, floor.parse.cpu)})`,
    });
    const big = ensureBigDb(MATCH_RECORDS, image.sources);
    const inventory = scanInventory(image.inventory);
    let found = 0;
    // A fresh store each run: nothing read by one run is cached for the next (but the OS page cache is warm).
    const match = await best(3, () => {
      const store = VulnStore.open(big);
      try {
        found = detectVulnerabilities(inventory, store).matches.length;
      } finally {
        store.close();
      }
    });
    const debian = image.inventory.packages.length;
    results.push({
      name: `match ${debian} Debian + ${NPM_INSTALLED.toLocaleString('en')} npm packages, ${MATCH_RECORDS.toLocaleString('en')} records (best of 3)`,
      value: match.wall,
      unit: 's',
      note: `${found} matches, ${match.cpu.toFixed(2)} s CPU, first run (cold JIT, fresh store) ${match.first.toFixed(3)} s; target < 1 s`,
    });
    return results;
  },
};
