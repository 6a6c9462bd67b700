// The scorecard over the real JSON outputs of the commands (run in-process on examples/ and the fixtures).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { realOutputs } from './helpers/real-outputs.js';
import type { RealOutputs } from './helpers/real-outputs.js';
import { allManifestRules } from '../../src/scan/rules.js';
import { CLUSTER_CONFIG_RULES } from '../../src/checks/cluster/index.js';
import {
  AREAS,
  areaOf,
  buildScorecard,
  penaltyOf,
  readInputFile,
  renderScorecardHtml,
  renderScorecardJson,
  scoreOf,
} from '../../src/scorecard/index.js';
import type { InputKind, ScoredFinding, Scorecard, SourceResult } from '../../src/scorecard/index.js';
import { SEVERITIES, severityRank } from '../../src/core/severity.js';

let out: RealOutputs;
let all: SourceResult[];
const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const NOW = '2026-11-28T12:00:00.000Z';

before(async () => {
  out = await realOutputs();
  all = [];
  for (const file of [
    out.scan,
    out.imageApp,
    out.cluster,
    out.nsg,
    out.secrets,
    out.tenancy,
    out.runtime,
    out.netpol,
  ])
    all.push(await readInputFile(file, file));
});

const area = (card: Scorecard, id: string) => {
  const found = card.areas.find((a) => a.id === id);
  assert.ok(found, id);
  return found;
};

describe('area table', () => {
  it('places every shipped manifest and cluster rule in an area by its id', () => {
    const ids = [...allManifestRules().map((r) => r.id), ...CLUSTER_CONFIG_RULES.map((r) => r.id)];
    assert.ok(ids.length > 100);
    const unplaced = ids.filter((id) => areaOf(id) === undefined);
    assert.deepEqual(unplaced, []);
  });

  it('node pools are node, the rest of AKS is cluster', () => {
    assert.equal(areaOf('aks.nodepool-ssh-enabled'), 'node');
    assert.equal(areaOf('aks.private-cluster-disabled'), 'cluster');
    assert.equal(areaOf('some.new-rule', 'network'), 'network');
    assert.equal(areaOf('some.new-rule'), undefined);
  });
});

describe('inputs are recognised by their content', () => {
  const cases: { name: keyof RealOutputs; kind: InputKind }[] = [
    { name: 'scan', kind: 'findings-report' },
    { name: 'cluster', kind: 'findings-report' },
    { name: 'nsg', kind: 'findings-report' },
    { name: 'secrets', kind: 'findings-report' },
    { name: 'imageApp', kind: 'vulnerability-report' },
    { name: 'tenancy', kind: 'tenancy-report' },
    { name: 'runtime', kind: 'runtime-alerts' },
    { name: 'netpol', kind: 'netpol-verification' },
  ];
  for (const c of cases)
    it(`${c.name} -> ${c.kind}, without warnings`, async () => {
      const result = await readInputFile(out[c.name], 'x');
      assert.equal(result.kind, c.kind);
      assert.deepEqual(result.warnings, []);
    });

  it('every finding of a findings report lands in the area of its rule', async () => {
    const report = json<{ findings: { ruleId: string; category: string }[] }>(out.cluster);
    const result = await readInputFile(out.cluster, 'cluster.json');
    assert.equal(result.findings.length, report.findings.length);
    const areas = new Set(result.findings.map((f) => `${f.ruleId.split('.')[0]}:${f.area}`));
    assert.ok(areas.has('node:node') && areas.has('apiserver:cluster') && areas.has('aks:cluster'));
    assert.ok(
      result.findings.filter((f) => f.ruleId.startsWith('aks.nodepool-')).every((f) => f.area === 'node'),
    );
  });

  it('each vulnerability, alert and broken network expectation becomes one finding', async () => {
    const vulns = json<{ vulnerabilities: unknown[] }>(out.imageApp).vulnerabilities.length;
    const alerts = json<{ alerts: unknown[] }>(out.runtime).alerts.length;
    const results = json<{ results: { expect: string; actual: string }[] }>(out.netpol).results;
    const byKind = (kind: InputKind) => all.find((s) => s.kind === kind);
    assert.ok(vulns > 0 && alerts > 0);
    assert.equal(byKind('vulnerability-report')?.findings.length, vulns);
    assert.ok(byKind('vulnerability-report')?.findings.every((f) => f.area === 'build'));
    assert.equal(byKind('runtime-alerts')?.findings.length, alerts);
    assert.equal(
      byKind('netpol-verification')?.findings.length,
      results.filter((r) => r.expect !== r.actual).length,
    );
  });
});

describe('scores', () => {
  const f = (severity: ScoredFinding['severity'], ruleId = `r.${severity}`): ScoredFinding => ({
    area: 'workloads',
    ruleId,
    severity,
    title: ruleId,
    detail: '',
    target: 'Pod/x',
    source: 'test',
  });

  it('an assessed area with nothing found is 100; more and worse findings score lower', () => {
    assert.equal(scoreOf(penaltyOf([])), 100);
    const ladder = SEVERITIES.filter((s) => s !== 'info').map((s) => scoreOf(penaltyOf([f(s)])));
    assert.deepEqual(
      [...ladder].sort((a, b) => a - b),
      ladder,
      'critical < high < medium < low',
    );
    assert.ok(scoreOf(penaltyOf([f('high'), f('medium')])) < scoreOf(penaltyOf([f('high')])));
    // One rule broken ten times weighs more than once, but less than ten different rules.
    const tenTimes = penaltyOf(Array.from({ length: 10 }, () => f('high', 'same')));
    const tenRules = penaltyOf(Array.from({ length: 10 }, (_, i) => f('high', `rule-${i}`)));
    assert.ok(penaltyOf([f('high')]) < tenTimes && tenTimes < tenRules);
    assert.equal(scoreOf(penaltyOf([f('info')])), 100);
  });

  it('areas no input covers are "not assessed" (null), never 100', async () => {
    const scanOnly = buildScorecard([await readInputFile(out.scan, 'scan.json')], NOW);
    for (const id of ['build', 'registry', 'node', 'runtime']) {
      assert.equal(area(scanOnly, id).assessed, false, id);
      assert.equal(area(scanOnly, id).score, null, id);
    }
    assert.equal(area(scanOnly, 'workloads').assessed, true);
    const assessed = scanOnly.areas.filter((a) => a.score !== null);
    assert.equal(
      scanOnly.overall,
      Math.round(assessed.reduce((sum, a) => sum + (a.score ?? 0), 0) / assessed.length),
    );
  });

  it('all inputs: eight areas assessed (registry needs verify or a store), each with its sources', () => {
    const card = buildScorecard(all, NOW);
    assert.deepEqual(
      card.areas.filter((a) => !a.assessed).map((a) => a.id),
      ['registry'],
    );
    assert.deepEqual(area(card, 'node').sources, [out.cluster]);
    assert.ok(
      area(card, 'network').sources.includes(out.nsg) && area(card, 'network').sources.includes(out.netpol),
    );
    assert.deepEqual(card.warnings, []);
  });

  it('the worst findings are the most severe, one per rule, at most five', () => {
    const card = buildScorecard(all, NOW);
    for (const a of card.areas) {
      assert.ok(a.worst.length <= 5);
      assert.equal(new Set(a.worst.map((w) => w.ruleId)).size, a.worst.length);
      const ranks = a.worst.map((w) => severityRank(w.severity));
      assert.deepEqual(
        [...ranks].sort((x, y) => y - x),
        ranks,
      );
      if (a.total > 0) assert.equal(a.worst[0]?.severity, a.findings[0]?.severity);
    }
    const critical = json<{ findings: { ruleId: string; severity: string }[] }>(out.scan).findings.filter(
      (x) => x.severity === 'critical',
    );
    assert.ok(critical.length > 0);
    assert.ok(critical.some((c) => c.ruleId === area(card, 'workloads').worst[0]?.ruleId));
  });

  it('does not depend on the order of the inputs, and a duplicate input adds nothing', () => {
    const a = renderScorecardJson(buildScorecard(all, NOW));
    const reversed = buildScorecard([...all].reverse(), NOW);
    const strip = (card: Scorecard) => JSON.stringify({ ...card, inputs: [] });
    assert.equal(strip(reversed), strip(JSON.parse(a) as Scorecard));
    const twice = buildScorecard([...all, ...all], NOW);
    assert.deepEqual(
      twice.areas.map((x) => x.score),
      buildScorecard(all, NOW).areas.map((x) => x.score),
    );
  });
});

describe('HTML', () => {
  it('is one self-contained file: strict CSP, no script, no external resource', () => {
    const html = renderScorecardHtml(buildScorecard(all, NOW));
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/,
    );
    assert.doesNotMatch(html, /<script|unsafe-inline|<link|<img|<iframe|\ssrc=/i);
    for (const a of AREAS) assert.match(html, new RegExp(`id="area-${a.id}"`));
  });

  it('every worst-finding link points at a row that exists', () => {
    const html = renderScorecardHtml(buildScorecard(all, NOW));
    const targets = [...html.matchAll(/<li><span class="sev [a-z]+">[a-z]+<\/span> <a href="#([^"]+)"/g)].map(
      (m) => m[1],
    );
    assert.ok(targets.length >= 20);
    for (const id of targets) assert.ok(html.includes(`id="${id}"`), id);
  });

  it('escapes what inputs say', () => {
    const hostile: SourceResult = {
      source: 'evil.json',
      kind: 'runtime-alerts',
      assessed: ['runtime'],
      findings: [
        {
          area: 'runtime',
          ruleId: 'runtime.x',
          severity: 'high',
          title: '<script>alert(1)</script>',
          detail: '"><img src=x onerror=alert(1)>',
          target: "javascript:alert('x')",
          source: 'javascript:alert(1)',
        },
      ],
      warnings: [],
    };
    const html = renderScorecardHtml(buildScorecard([hostile], NOW));
    assert.doesNotMatch(html, /<script|<img|href="javascript:/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});
