import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyzers } from '../../src/inventory/analyzers/index.js';
import { bunLockAnalyzer, stripJsonc } from '../../src/inventory/analyzers/bun-lock.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/inventory/bun/bun.lock', import.meta.url));

async function packages(content: Buffer, path = 'bun.lock'): Promise<string[]> {
  const file = { path, size: content.length, mode: 0o644, content };
  assert.ok(bunLockAnalyzer.wants(file));
  const out = await bunLockAnalyzer.analyze(file);
  assert.equal(out.warnings, undefined);
  return (out.packages ?? []).map((p) => `${p.name}@${p.version}${p.dev ? ' (dev)' : ''}`).sort();
}

describe('bun.lock', () => {
  it('lists registry and git packages, nested copies, dev-only ones, and skips workspace and file entries', async () => {
    assert.deepEqual(await packages(readFileSync(FIXTURE)), [
      '@scope/util@1.2.3',
      'adm-zip@git+ssh://git@github.com/cthackers/adm-zip.git#ff17ae85000b62b9d159e2520564902724d26c17',
      'brace-expansion@2.0.1',
      'fsevents@2.3.3',
      'glob@10.4.5',
      // The hoisted minimatch 3 is reached by nothing in production: only the nested copy under glob is.
      'minimatch@3.1.2 (dev)',
      'minimatch@9.0.5',
      'ms@2.1.3',
      'typescript@5.4.5 (dev)',
    ]);
  });

  const jsonc = [
    { name: 'trailing commas', input: '{"a": [1, 2,], "b": {"c": 1,},}', want: { a: [1, 2], b: { c: 1 } } },
    { name: 'comments', input: '{ // x\n"a": /* y */ 1 /* z */}', want: { a: 1 } },
    {
      name: 'comment-like and comma-like text in strings',
      input: '{"a": "//,}", "b": "/*,]"}',
      want: { a: '//,}', b: '/*,]' },
    },
    { name: 'escaped quotes', input: '{"a": "x\\",}",}', want: { a: 'x",}' } },
  ];
  for (const c of jsonc) {
    it(`reads JSONC: ${c.name}`, () => {
      assert.deepEqual(JSON.parse(stripJsonc(c.input)), c.want);
    });
  }

  it('marks nothing dev without workspaces, and dedupes', async () => {
    const lock = '{"lockfileVersion":1,"packages":{"a":["a@1.0.0","",{},""],"b/a":["a@1.0.0","",{},""],}}';
    assert.deepEqual(await packages(Buffer.from(lock)), ['a@1.0.0']);
  });

  it('warns on broken input and stays fast on hostile comments', async () => {
    const out = await bunLockAnalyzer.analyze({
      path: 'bun.lock',
      size: 3,
      mode: 0o644,
      content: Buffer.from('{,'),
    });
    assert.match(out.warnings?.[0] ?? '', /not valid JSONC/);
    const started = performance.now();
    stripJsonc(`${'/*'.repeat(200_000)}${', //'.repeat(100_000)}`);
    assert.ok(performance.now() - started < 2000);
  });

  it('is registered, and not wanted inside node_modules or for bun.lockb', () => {
    assert.equal(analyzers.get('bun-lock'), bunLockAnalyzer);
    assert.ok(bunLockAnalyzer.wants({ path: 'srv/app/bun.lock', size: 1, mode: 0o644 }));
    assert.ok(!bunLockAnalyzer.wants({ path: 'app/node_modules/x/bun.lock', size: 1, mode: 0o644 }));
    assert.ok(!bunLockAnalyzer.wants({ path: 'app/bun.lockb', size: 1, mode: 0o644 }));
  });
});
