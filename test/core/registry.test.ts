import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry } from '../../src/core/registry.js';

test('createRegistry rejects duplicate keys', () => {
  assert.throws(() => createRegistry('thing', [{ id: 'a' }, { id: 'a' }], (x) => x.id), /duplicate key "a"/);
});

test('createRegistry looks items up by key and keeps order', () => {
  const registry = createRegistry('thing', [{ id: 'b' }, { id: 'a' }], (x) => x.id);
  assert.deepEqual(registry.keys(), ['b', 'a']);
  assert.equal(registry.get('a')?.id, 'a');
  assert.equal(registry.get('zzz'), undefined);
});
