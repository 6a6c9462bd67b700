import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { allManifestRules, renderRulesMarkdown } from '../../src/scan/rules.js';

test('rule ids are unique across the check registries', () => {
  const ids = allManifestRules().map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('docs/rules.md is generated from the registries and up to date (npm run docs:rules)', async () => {
  const onDisk = await readFile(new URL('../../docs/rules.md', import.meta.url), 'utf8');
  assert.equal(
    onDisk,
    renderRulesMarkdown(allManifestRules()),
    'docs/rules.md is stale: run npm run docs:rules',
  );
});
