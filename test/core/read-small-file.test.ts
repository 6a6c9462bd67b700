import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmallFileError, readSmallFile, smallFileReason } from '../../src/core/read-small-file.js';
import { cli } from '../cli/run-cli.js';

const reasonOf = async (path: string, max = 1024): Promise<string> => {
  try {
    await readSmallFile(path, max);
  } catch (error) {
    return smallFileReason(error);
  }
  return 'read';
};

test('only regular files within the limit are read; devices, FIFOs and directories are refused at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-small-'));
  try {
    writeFileSync(join(dir, 'ok.json'), '{"a":1}');
    assert.equal((await readSmallFile(join(dir, 'ok.json'), 1024)).toString(), '{"a":1}');
    writeFileSync(join(dir, 'big'), Buffer.alloc(2048));
    assert.equal(await reasonOf(join(dir, 'big')), '2048 bytes is over the 1024-byte limit');
    assert.equal(await reasonOf('/dev/zero'), 'not a regular file');
    assert.equal(await reasonOf(dir), 'is a directory, not a file');
    assert.equal(await reasonOf(join(dir, 'missing')), 'ENOENT');
    // A FIFO with no writer: opening it must not wait for one.
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    assert.equal(await reasonOf(join(dir, 'fifo')), 'not a regular file');
    await assert.rejects(readSmallFile('/dev/zero', 1), SmallFileError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('policy and CA flags pointed at /dev/zero fail at once, naming the file (exit 2)', async () => {
  const gate = await cli(['image', 'gate', 'oci:/nonexistent:app', '--policy', '/dev/zero']);
  assert.equal(gate.code, 2);
  assert.equal(gate.stderr, 'kubeward: error: /dev/zero: cannot read the gate policy: not a regular file\n');
  const verify = await cli([
    'verify',
    '--envelope',
    '/dev/null',
    '--media-type',
    'application/jose+json',
    '--artifact',
    `localhost/app@sha256:${'a'.repeat(64)}`,
    '--trust-policy',
    '/dev/zero',
    '--trust-store',
    tmpdir(),
  ]);
  assert.equal(verify.code, 2, verify.stderr);
  assert.match(verify.stderr, /\/dev\/zero/);
  assert.equal(verify.stderr.trim().split('\n').length, 1);
});
