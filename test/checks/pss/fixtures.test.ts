import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isObject, stringMap } from '../../../src/k8s/object.js';
import { evaluatePodSecurity, parsePssVersion } from '../../../src/checks/pss/index.js';
import { FIXTURE_ROOT, generateFixtures, listFixtureFiles, writeFixtures } from './generate-fixtures.js';

const generated = generateFixtures();
if (process.env['UPDATE_FIXTURES'] === '1') writeFixtures();

test('the corpus has exactly the files the generator produces, with the same content', () => {
  const onDisk = listFixtureFiles();
  const expected = [...generated.keys()].sort();
  const missing = expected.filter((path) => !onDisk.includes(path));
  const extra = onDisk.filter((path) => !generated.has(path));
  assert.deepEqual(
    { missing, extra },
    { missing: [], extra: [] },
    'run with UPDATE_FIXTURES=1 to regenerate',
  );
  const stale = expected.filter(
    (path) => readFileSync(join(FIXTURE_ROOT, path), 'utf8') !== generated.get(path),
  );
  assert.deepEqual(stale, [], 'fixture content differs from the generator; run with UPDATE_FIXTURES=1');
});

test('the corpus stays modest and covers both levels with pass and fail pods', () => {
  const paths = [...generated.keys()];
  assert.ok(paths.length >= 150 && paths.length <= 400, `${paths.length} fixtures`);
  for (const prefix of ['baseline/', 'restricted/'])
    for (const kind of ['/pass/', '/fail/'])
      assert.ok(paths.some((p) => p.startsWith(prefix) && p.includes(kind)));
});

test('every pass pod is allowed and every fail pod is rejected by the expected check', () => {
  const problems: string[] = [];
  for (const [path, text] of generated) {
    const [level, version, kind] = path.split('/');
    if ((level !== 'baseline' && level !== 'restricted') || !version)
      throw new Error(`bad fixture path ${path}`);
    const doc: unknown = parse(text);
    if (!isObject(doc) || !isObject(doc['spec'])) throw new Error(`${path}: not a pod`);
    const metadata = isObject(doc['metadata']) ? doc['metadata'] : {};
    const pod = {
      podMeta: { labels: {}, annotations: stringMap(metadata['annotations']) },
      spec: doc['spec'],
    };
    const ids = evaluatePodSecurity(pod, level, parsePssVersion(version)).map((v) => v.check.id);
    if (kind === 'pass') {
      if (ids.length > 0) problems.push(`${path}: expected no violations, got ${ids.join(', ')}`);
      continue;
    }
    const expect = /^# expect: (\S+)$/m.exec(text)?.[1];
    if (!expect) problems.push(`${path}: fail fixture without "# expect:" line`);
    else if (!ids.includes(expect)) problems.push(`${path}: expected ${expect}, got [${ids.join(', ')}]`);
  }
  assert.deepEqual(problems, []);
});
