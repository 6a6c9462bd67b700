import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifests, parseManifestText } from '../../src/k8s/load-manifests.js';
import { InputError } from '../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';

const pod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers: [{name: c, image: x}]\n`;

test('multi-document YAML keeps each object with its line and column', () => {
  const text = `${pod('a')}---\n# comment\n${pod('b')}`;
  const { objects, problems } = parseManifestText(text, 'f.yaml');
  assert.deepEqual(problems, []);
  assert.deepEqual(
    objects.map((o) => [o.metadata.name, o.source.line, o.source.column]),
    [
      ['a', 1, 1],
      ['b', 9, 1],
    ],
  );
});

test('kind: List and typed lists yield their items with item positions', () => {
  const text = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: one}\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: two}\n`;
  const { objects } = parseManifestText(text, 'list.yaml');
  assert.deepEqual(
    objects.map((o) => [o.kind, o.metadata.name, o.source.line]),
    [
      ['Pod', 'one', 4],
      ['Service', 'two', 7],
    ],
  );
  const json = JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'PodList',
      items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }],
    },
    null,
    2,
  );
  const fromJson = parseManifestText(json, 'pods.json');
  assert.equal(fromJson.objects[0]?.metadata.name, 'p');
  assert.equal(fromJson.objects[0]?.source.line, 5);
});

test('Helm template output keeps the # Source: comment', () => {
  const text = `---\n# Source: shop/templates/deploy.yaml\n${pod('h')}---\n# Source: shop/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`;
  const { objects } = parseManifestText(text, 'helm.yaml');
  assert.deepEqual(
    objects.map((o) => o.source.helmSource),
    ['shop/templates/deploy.yaml', 'shop/templates/svc.yaml'],
  );
});

test('a YAML syntax error names line and column and the other documents still load', () => {
  const text = `${pod('ok')}---\nkind: Pod\nmetadata: {name: [broken\n---\n${pod('after')}`;
  const { objects, problems } = parseManifestText(text, 'bad.yaml');
  assert.deepEqual(
    objects.map((o) => o.metadata.name),
    ['ok', 'after'],
  );
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.file, 'bad.yaml');
  assert.ok((problems[0]?.line ?? 0) >= 8, `line ${problems[0]?.line}`);
  assert.match(problems[0]?.message ?? '', /YAML syntax error/);
});

test('objects without apiVersion or kind are reported, not fatal', () => {
  const { objects, problems } = parseManifestText(`foo: bar\n---\n${pod('p')}---\n- 1\n`, 'x.yaml');
  assert.equal(objects.length, 1);
  assert.deepEqual(
    problems.map((p) => [p.line, p.message]),
    [
      [1, 'not a Kubernetes object: no apiVersion and kind'],
      [10, 'not a Kubernetes object (not a map)'],
    ],
  );
});

test('an alias bomb is refused with a clear problem', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 12; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const started = Date.now();
  const { objects, problems } = parseManifestText(
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  ${text.replace(/\n/g, '\n  ')}`,
    'bomb.yaml',
  );
  assert.equal(objects.length, 0);
  assert.match(problems[0]?.message ?? '', /alias/);
  assert.ok(Date.now() - started < 2000);
});

test('very deep nesting is refused', () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const { objects, problems } = parseManifestText(
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${deep}\n`,
    'deep.yaml',
  );
  assert.equal(objects.length, 0);
  assert.match(problems[0]?.message ?? '', /nesting/);
});

test('files over the size limit are skipped with a problem', () => {
  const { objects, problems } = parseManifestText(pod('big'), 'big.yaml', {
    ...DEFAULT_LIMITS,
    maxFileBytes: 10,
  });
  assert.equal(objects.length, 0);
  assert.match(problems[0]?.message ?? '', /limit/);
});

test('directories are read recursively, sorted, only manifest extensions, and stdin works', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-load-'));
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'b.yaml'), pod('b'));
  await writeFile(join(dir, 'sub', 'a.yml'), pod('a'));
  await writeFile(
    join(dir, 'c.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }),
  );
  await writeFile(join(dir, 'notes.txt'), 'not yaml');
  const result = await loadManifests([dir, '-'], { readStdin: async () => pod('stdin') });
  assert.deepEqual(
    result.objects.map((o) => o.metadata.name),
    ['b', 'c', 'a', 'stdin'],
  );
  assert.equal(result.objects[3]?.source.file, '<stdin>');
  await assert.rejects(
    loadManifests([join(dir, 'missing')]),
    (e: unknown) => e instanceof InputError && e.code === 'INPUT',
  );
});
