// The dashboard in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core), served by
// the real `kubeward dashboard` command over a SQLite store seeded with records from real scans. One browser
// for the whole file. Screenshots go to a temp dir (kept when KUBEWARD_KEEP_SCREENSHOTS is set).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { seedStore } from './helpers/seed.js';
import type { Seeded } from './helpers/seed.js';
import { registerDashboard } from '../../src/cli/commands/dashboard.js';
import type { CliContext } from '../../src/cli/context.js';
import { testContext } from '../cli/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
// LAB.md §5: the flags that work here; never `npx playwright install`.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const work = mkdtempSync(join(tmpdir(), 'kubeward-dashboard-browser-'));
const shots = join(work, 'screenshots');
let seeded: Seeded;
let browser: Browser;
let page: Page;
let base = '';
let stopServer: (name: string) => void = () => undefined;
let served: Promise<unknown> = Promise.resolve();
let stderr = '';
const consoleErrors: string[] = [];

before(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: the browser tests need Debian's chromium (apt-get install chromium, see LAB.md §5)`,
    );
  const storePath = join(work, 'store.db');
  seeded = await seedStore(storePath);
  // The real command, in-process, stopped by the test instead of SIGTERM.
  const ctx: CliContext = testContext({ stderr: (t) => (stderr += t), cwd: work });
  const program = new Command('kubeward').exitOverride();
  registerDashboard(program, ctx, () => new Promise((resolve) => (stopServer = resolve)));
  served = program.parseAsync(['dashboard', '--store', storePath, '--listen', '127.0.0.1:0'], {
    from: 'user',
  });
  const deadline = Date.now() + 10_000;
  while (!/listening on (http:\/\/\S+)\//.test(stderr)) {
    if (Date.now() > deadline) throw new Error(`dashboard did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  base = (/listening on (http:\/\/\S+)\//.exec(stderr)?.[1] ?? '').replace(/\/$/, '');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});

after(async () => {
  await browser?.close();
  stopServer('test');
  await served;
  if (!process.env['KUBEWARD_KEEP_SCREENSHOTS']) rmSync(work, { recursive: true, force: true });
});

async function screenshot(name: string): Promise<void> {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const bytes = readFileSync(file);
  assert.deepEqual(
    [...bytes.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  assert.ok(statSync(file).size > 10_000, `${name}.png is only ${statSync(file).size} bytes`);
}

const rows = (table: string): Promise<number> => page.locator(`table#${table} tbody tr`).count();

describe('dashboard in Chromium', () => {
  it('front page: the scorecard, styled (the CSP lets our one style through), no console errors', async () => {
    const res = await page.goto(`${base}/`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), 'kubeward: Scorecard');
    assert.equal(await page.locator('article.area').count(), 9);
    const registry = (await page.locator('#area-registry .score').textContent()) ?? '';
    assert.match(registry, /^\d{1,3}$/);
    assert.match((await page.locator('#area-build').textContent()) ?? '', /not assessed/);
    const background = await page
      .locator('header.top')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(background, 'rgb(15, 23, 42)');
    // A worst-finding link jumps to its detail row.
    const link = page.locator('#area-registry ol li a').first();
    const href = (await link.getAttribute('href')) ?? '';
    await link.click();
    assert.ok(page.url().endsWith(href));
    assert.equal(await page.locator(`tr${href}`).count(), 1);
    await screenshot('scorecard');
    assert.deepEqual(consoleErrors, []);
  });

  it('findings over time: an inline SVG chart; the namespace filter narrows the table', async () => {
    await page.goto(`${base}/findings`);
    assert.equal(await page.locator('#history-chart svg path').count(), 5);
    const before = await rows('findings-by-namespace');
    await page.selectOption('#filter-namespace', 'plugins');
    await Promise.all([page.waitForURL(/namespace=plugins/), page.click('#filter-apply')]);
    const after = await rows('findings-by-namespace');
    assert.ok(after > 0 && after < before, `${after} of ${before}`);
    const namespaces = await page
      .locator('table#findings-by-namespace tbody tr td:first-child')
      .allTextContents();
    assert.ok(namespaces.every((n) => n === 'plugins'));
    await screenshot('findings');
  });

  it('images: namespace, severity and fixable-only filters change the table', async () => {
    await page.goto(`${base}/images`);
    assert.equal(await rows('images'), 3);
    await page.selectOption('#filter-namespace', 'shop');
    await Promise.all([page.waitForURL(/namespace=shop/), page.click('#filter-apply')]);
    assert.equal(await rows('images'), 1);
    assert.match((await page.locator('table#images').textContent()) ?? '', /registry\.example\/shop\/web/);
    const listedBefore = await page.locator('table#images li').count();
    await page.check('#filter-fixable');
    await page.selectOption('#filter-severity', 'critical');
    await Promise.all([page.waitForURL(/fixable=1/), page.click('#filter-apply')]);
    const listed = await page.locator('table#images li').count();
    const critical = seeded.app.filter((v) => v.severity === 'critical' && v.fixedIn.length > 0).length;
    assert.equal(listed, critical);
    assert.ok(listed < listedBefore);
    assert.ok(await page.isChecked('#filter-fixable'), 'the form shows the filter in effect');
    await screenshot('images');
  });

  it('drift, origins and alerts pages', async () => {
    await page.goto(`${base}/drift`);
    assert.equal(await rows('drift'), 1);
    assert.ok((await page.locator('table#drift ul.added li').count()) > 0);
    await screenshot('drift');
    await page.goto(`${base}/origins`);
    assert.deepEqual(
      (await page.locator('table#origins tbody tr td:nth-child(2)').allTextContents()).map((t) => t.trim()),
      ['unknown origin', 'unsigned (recorded build)'],
    );
    await screenshot('origins');
    await page.goto(`${base}/alerts`);
    const all = await rows('alerts');
    await page.selectOption('#filter-severity', 'high');
    await Promise.all([page.waitForURL(/severity=high/), page.click('#filter-apply')]);
    const high = await rows('alerts');
    assert.ok(high > 0 && high < all, `${high} of ${all}`);
    await screenshot('alerts');
  });

  it('patch plan: the image to move to and a rollout checklist per workload', async () => {
    await page.goto(`${base}/patch-plan`);
    assert.equal(await rows('patch-plan'), 2);
    assert.match((await page.locator('code.move-to').textContent()) ?? '', new RegExp(seeded.debianDigest));
    assert.match((await page.locator('table#patch-plan').textContent()) ?? '', /rebuild with/);
    assert.ok((await page.locator('ol.checklist li').count()) >= 10);
    await page.selectOption('#filter-namespace', 'plugins');
    await Promise.all([page.waitForURL(/namespace=plugins/), page.click('#filter-apply')]);
    assert.equal(await rows('patch-plan'), 1);
    await screenshot('patch-plan');
    assert.deepEqual(consoleErrors, []);
  });
});
