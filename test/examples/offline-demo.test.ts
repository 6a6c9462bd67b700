// The offline demo of examples/osv/README.md, run as written through the real CLI (in-process): import the
// shipped OSV snapshot, scan the shipped example image, gate it. The working directory is a temporary one with
// `examples` linked into it, so the README's relative paths (and its ./vulndb.sqlite) work unchanged and nothing
// is written into the repository. `--cache-dir` / `--state` keep the layer cache and gate state there too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { cli } from '../cli/run-cli.js';
import { describeErrors, loadSchemaValidator } from '../report/schema-validator.js';

const ROOT = join(import.meta.dirname, '..', '..');
const IMAGE = 'oci:examples/image/layout:app';
const work = mkdtempSync(join(tmpdir(), 'kubeward-offline-demo-'));
const cacheFlags = ['--cache-dir', join(work, 'cache')];

/**
 * What the demo must find, worked out by hand from examples/image/rootfs and examples/osv/records. Debian
 * packages match through their source package (libc6 → glibc, libssl3 and openssl → openssl, zlib1g → zlib,
 * perl-base → perl, curl and libcurl4 → curl); npm packages by name.
 */
const EXPECTED = [
  // Debian, records made for the example: every vendor status.
  'bash x_DEBIAN-CVE-0000-1007 fixed',
  'curl x_DEBIAN-CVE-0000-1003 not-fixed',
  'libc6 x_DEBIAN-CVE-0000-1001 fixed',
  'libcurl4 x_DEBIAN-CVE-0000-1003 not-fixed',
  'libssl3 x_DEBIAN-CVE-0000-1002 fixed',
  'openssl x_DEBIAN-CVE-0000-1002 fixed',
  'perl-base x_DEBIAN-CVE-0000-1005 will-not-fix',
  'zlib1g x_DEBIAN-CVE-0000-1004 will-not-fix',
  // npm, real GitHub advisories.
  'express GHSA-rv95-896h-c2vc fixed',
  'jsonwebtoken GHSA-27h2-hvpr-p74q fixed',
  'jsonwebtoken GHSA-8cf7-32gw-wr33 fixed',
  'lodash GHSA-35jh-r3h4-6jhm fixed',
  'lodash GHSA-p6mc-m468-83gw fixed',
  'minimist GHSA-xvch-5gv4-984h fixed',
  'request GHSA-p8p7-x288-28g6 not-fixed',
  'semver GHSA-c2qf-rxjj-qqgw fixed',
].sort();

interface JsonVuln {
  id: string;
  aliases: string[];
  package: { name: string; version: string; ecosystem: string; source?: { name: string; version: string } };
  matchedOn: { ecosystem: string; name: string; version: string };
  fixedIn: string[];
  status: string;
  statusReason?: string;
}

interface JsonReport {
  subject: { kind: string; name: string; manifestDigest: string };
  os?: { id: string; versionId: string };
  summary: { total: number; packages: number };
  vulnerabilities: JsonVuln[];
}

interface CycloneDx {
  components: { 'bom-ref': string; name: string; version: string }[];
  vulnerabilities: {
    id: string;
    affects: { ref: string }[];
    properties: { name: string; value: string }[];
  }[];
}

const run = (args: string[]) => cli(args, { cwd: work });

describe('offline demo (examples/osv/README.md)', () => {
  let report: JsonReport;

  before(async () => {
    symlinkSync(join(ROOT, 'examples'), join(work, 'examples'));
    const update = await run(['db', 'update', '--source', 'examples/osv/records', '--db', './vulndb.sqlite']);
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /0 invalid/);
    const scan = await run(['image', 'scan', IMAGE, '--db', './vulndb.sqlite', ...cacheFlags, '-f', 'json']);
    assert.equal(scan.code, 0, scan.stderr);
    report = JSON.parse(scan.stdout) as JsonReport;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('scans the example image: Debian 12, the committed manifest, 12 dpkg and 7 npm packages', () => {
    const index = JSON.parse(readFileSync(join(ROOT, 'examples/image/layout/index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    assert.equal(report.subject.manifestDigest, index.manifests[0]?.digest);
    assert.equal(report.os?.id, 'debian');
    assert.equal(report.os?.versionId, '12');
    assert.equal(report.summary.packages, 19);
  });

  it('finds exactly the expected (package, id, vendor status) set', () => {
    const found = report.vulnerabilities.map((v) => `${v.package.name} ${v.id} ${v.status}`).sort();
    assert.deepEqual(found, EXPECTED);
    assert.equal(report.summary.total, EXPECTED.length);
    // Fixed below the installed version (sqlite3) or not in the affected range (axios 1.6.0): no finding.
    const names = new Set(report.vulnerabilities.map((v) => v.package.name));
    assert.ok(!names.has('libsqlite3-0') && !names.has('axios'));
  });

  it('matches Debian packages by source package in the Debian:12 release', () => {
    const debian = report.vulnerabilities.filter((v) => v.package.ecosystem === 'Debian');
    assert.equal(debian.length, 8);
    for (const v of debian) {
      assert.equal(v.matchedOn.ecosystem, 'Debian:12', v.id);
      assert.equal(v.matchedOn.name, v.package.source?.name ?? v.package.name, v.id);
    }
    const libc6 = debian.find((v) => v.package.name === 'libc6');
    assert.deepEqual(libc6?.matchedOn, { ecosystem: 'Debian:12', name: 'glibc', version: '2.36-9+deb12u14' });
    assert.deepEqual(libc6?.fixedIn, ['2.36-9+deb12u15']);
    assert.deepEqual(libc6?.aliases, ['CVE-0000-1001']);
    // bash is a binNMU (5.2.15-2+b8): the source version is what the Debian record speaks of.
    const bash = debian.find((v) => v.package.name === 'bash');
    assert.deepEqual(bash?.matchedOn, { ecosystem: 'Debian:12', name: 'bash', version: '5.2.15-2' });
    const reasons = Object.fromEntries(debian.map((v) => [v.package.name, v.statusReason]));
    assert.equal(reasons['zlib1g'], 'urgency: unimportant');
    assert.equal(reasons['perl-base'], 'no-dsa: Minor issue');
  });

  it('matches npm packages from node_modules with fix versions and the advisory aliases', () => {
    const lodash = report.vulnerabilities.filter((v) => v.package.name === 'lodash');
    assert.deepEqual(lodash.map((v) => v.fixedIn.join()).sort(), ['4.17.20', '4.17.21']);
    const minimist = report.vulnerabilities.find((v) => v.package.name === 'minimist');
    assert.deepEqual(minimist?.aliases, ['CVE-2021-44906']);
    assert.deepEqual(minimist?.matchedOn, { ecosystem: 'npm', name: 'minimist', version: '1.2.5' });
  });

  it('the table lists the same findings', async () => {
    const table = await run(['image', 'scan', IMAGE, '--db', './vulndb.sqlite', ...cacheFlags]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /^oci:examples\/image\/layout:app {2}\(Debian GNU\/Linux 12 \(bookworm\), 19 packages\)/,
    );
    assert.match(table.stdout, /16 vulnerabilities: critical 1, high 6, medium 5, low 4/);
    for (const line of EXPECTED) {
      const [pkg, id, status] = line.split(' ') as [string, string, string];
      assert.match(table.stdout, new RegExp(`^${pkg} .* ${status} .* ${id} `, 'm'), line);
    }
  });

  it('SARIF: valid SARIF 2.1.0, one result per finding', async () => {
    const sarif = await run([
      'image',
      'scan',
      IMAGE,
      '--db',
      './vulndb.sqlite',
      ...cacheFlags,
      '-f',
      'sarif',
    ]);
    assert.equal(sarif.code, 0, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] };
    const validate = loadSchemaValidator(
      new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url),
    );
    assert.ok(validate(log), describeErrors(validate.errors));
    const ids = (log.runs[0]?.results ?? []).map((r) => r.ruleId).sort();
    assert.deepEqual(ids, EXPECTED.map((line) => line.split(' ')[1]).sort());
  });

  it('CycloneDX: valid 1.6, each vulnerability affects the right components with its vendor status', async () => {
    const out = await run([
      'image',
      'scan',
      IMAGE,
      '--db',
      './vulndb.sqlite',
      ...cacheFlags,
      '-f',
      'cyclonedx',
    ]);
    assert.equal(out.code, 0, out.stderr);
    const bom = JSON.parse(out.stdout) as CycloneDx;
    const schemas = join(ROOT, 'test/fixtures/schemas');
    const load = (name: string): Record<string, unknown> =>
      JSON.parse(readFileSync(join(schemas, name), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema(load('cyclonedx-spdx.schema.json'));
    ajv.addSchema(load('cyclonedx-jsf-0.82.schema.json'));
    const validate = ajv.compile(load('cyclonedx-bom-1.6.schema.json'));
    assert.ok(validate(bom), describeErrors(validate.errors));
    const nameOf = new Map(bom.components.map((c) => [c['bom-ref'], c.name]));
    const triples = bom.vulnerabilities.flatMap((v) => {
      const status = v.properties.find((p) => p.name === 'kubeward:vendor-status')?.value;
      return v.affects.map((a) => `${nameOf.get(a.ref) ?? `?${a.ref}`} ${v.id} ${status}`);
    });
    assert.deepEqual(triples.sort(), EXPECTED);
  });

  it('fs scan of the unpacked root file system finds the same', async () => {
    const fs = await run(['fs', 'scan', 'examples/image/rootfs', '--db', './vulndb.sqlite', '-f', 'json']);
    assert.equal(fs.code, 0, fs.stderr);
    const found = (JSON.parse(fs.stdout) as JsonReport).vulnerabilities
      .map((v) => `${v.package.name} ${v.id} ${v.status}`)
      .sort();
    assert.deepEqual(found, EXPECTED);
  });

  it('the example gate fails on the critical minimist finding (grace 0) and waives express', async () => {
    const gate = await run([
      'image',
      'gate',
      IMAGE,
      '--policy',
      'examples/gate.yaml',
      '--db',
      './vulndb.sqlite',
      '--now',
      '2026-12-01',
      '--state',
      './state.db',
      ...cacheFlags,
    ]);
    assert.equal(gate.code, 1, gate.stderr);
    assert.match(gate.stdout, /^gate: FAIL .*: 1 overdue, 9 within grace, 1 waived, 5 not counted/);
    assert.match(
      gate.stdout,
      /FAIL {2}GHSA-xvch-5gv4-984h in minimist \(critical, fixed\): overdue by 0 days/,
    );
    assert.match(gate.stdout, /WARN {2}x_DEBIAN-CVE-0000-1001 in libc6 \(high, fixed\): due in 30 days/);
    assert.match(gate.stdout, /GHSA-rv95-896h-c2vc in express: .*approved by platform-security@example.com/);
  });
});

describe('examples/osv/MANIFEST.json', () => {
  const records = join(ROOT, 'examples/osv/records');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'examples/osv/MANIFEST.json'), 'utf8')) as {
    file: string;
    id: string;
    source: string;
  }[];

  it('lists every shipped record, and only those', () => {
    const shipped = readdirSync(records, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(records, d.name)).map((f) => `${d.name}/${f}`))
      .sort();
    assert.deepEqual(manifest.map((e) => e.file).sort(), shipped);
    for (const entry of manifest) {
      const record = JSON.parse(readFileSync(join(records, entry.file), 'utf8')) as { id: string };
      assert.equal(record.id, entry.id, entry.file);
    }
  });

  it('marks the Debian records as made for the example, in the manifest and in the records', () => {
    const debian = manifest.filter((e) => e.file.startsWith('Debian/'));
    assert.ok(debian.length > 0);
    for (const entry of debian) {
      assert.match(entry.source, /^MADE FOR THE EXAMPLE, NOT A REAL ADVISORY/, entry.file);
      const record = JSON.parse(readFileSync(join(records, entry.file), 'utf8')) as {
        id: string;
        details: string;
        upstream: string[];
      };
      assert.match(record.id, /^x_DEBIAN-CVE-0000-\d+$/);
      assert.match(record.details, /^SYNTHETIC EXAMPLE - not a real vulnerability\./);
      assert.ok(record.upstream.every((cve) => cve.startsWith('CVE-0000-')));
    }
  });
});
