import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inventoryDirectory } from '../../src/inventory/scan-directory.js';
import { inventoryImage } from '../../src/inventory/scan-image.js';
import { LayerCache } from '../../src/inventory/layer-cache.js';
import { testImages } from '../image/helpers/test-images.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-inventory-'));
after(() => rmSync(work, { recursive: true, force: true }));

const debLines = (inv: { packages: { kind: string; name: string; version: string }[] }): string[] =>
  inv.packages
    .filter((p) => p.kind === 'deb')
    .map((p) => `${p.name}\t${p.version}`)
    .sort();

describe('real Debian bookworm image (debootstrap + umoci)', () => {
  it('lists exactly what dpkg-query lists, from the OCI layout', async () => {
    const images = testImages();
    const inv = await inventoryImage(`oci:${images.layout}:debian`, { cachePath: false });
    assert.deepEqual(debLines(inv), [...images.dpkgQuery].sort());
    assert.deepEqual(
      { id: inv.os?.id, versionId: inv.os?.versionId, codename: inv.os?.codename },
      { id: 'debian', versionId: '12', codename: 'bookworm' },
    );
    const libc = inv.packages.find((p) => p.name === 'libc6');
    assert.equal(libc?.sourceName, 'glibc');
    assert.match(libc?.purl ?? '', /^pkg:deb\/debian\/libc6@2\.36-[^?]+\?arch=amd64&distro=debian-12$/);
    assert.equal(libc?.ecosystem, 'Debian');
    assert.equal(libc?.path, 'var/lib/dpkg/status');
  });

  it('lists the same packages from the unpacked root directory', async () => {
    const images = testImages();
    const inv = await inventoryDirectory(images.debianRoot);
    assert.deepEqual(debLines(inv), [...images.dpkgQuery].sort());
    assert.equal(inv.os?.versionId, '12');
  });

  it('serves a re-scan from the layer cache, with the same result', async () => {
    const images = testImages();
    const cache = LayerCache.open(join(work, 'cache.db'));
    try {
      const events: boolean[] = [];
      const onLayer = (e: { cached: boolean }): void => void events.push(e.cached);
      const t0 = performance.now();
      const cold = await inventoryImage(`oci:${images.layout}:app`, { cache, onLayer });
      const t1 = performance.now();
      const warm = await inventoryImage(`oci:${images.layout}:app`, { cache, onLayer });
      const t2 = performance.now();
      assert.deepEqual(events, [false, false, false, true, true, true]);
      assert.deepEqual(warm.packages, cold.packages);
      assert.ok(t2 - t1 < (t1 - t0) / 3, `warm ${t2 - t1} ms vs cold ${t1 - t0} ms`);
      // The base layer is shared: the debian image now scans from the cache alone.
      events.length = 0;
      await inventoryImage(`oci:${images.layout}:debian`, { cache, onLayer });
      assert.deepEqual(events, [true]);
    } finally {
      cache.close();
    }
  });
});

describe('real node_modules and site-packages (app image)', () => {
  it('finds every installed npm package npm itself locked, minus the one a later layer deleted', async () => {
    const images = testImages();
    const inv = await inventoryImage(`oci:${images.layout}:app`, { cachePath: false });
    const npm = inv.packages
      .filter((p) => p.ecosystem === 'npm')
      .map((p) => `${p.name}@${p.version}`)
      .sort();
    assert.deepEqual(npm, images.npmLock.filter((l) => !l.startsWith(`${images.removedNpm}@`)).sort());
    const express = inv.packages.find((p) => p.name === 'express');
    assert.equal(express?.purl, 'pkg:npm/express@4.19.2');
    assert.deepEqual(express?.licenses, ['MIT']);
    assert.equal(express?.layer?.index, 1);
  });

  it('finds every Python distribution importlib.metadata finds', async () => {
    const images = testImages();
    const inv = await inventoryImage(`oci:${images.layout}:app`, { cachePath: false });
    const python = inv.packages
      .filter((p) => p.ecosystem === 'PyPI')
      .map((p) => `${p.name}==${p.version}`)
      .sort();
    assert.deepEqual(python, [...images.python].sort());
  });

  it('reads the lockfile too when scanning the app directory', async () => {
    const images = testImages();
    const inv = await inventoryDirectory(join(images.dir, 'app'));
    const fromLock = inv.packages
      .filter((p) => p.foundBy === 'npm-package-lock')
      .map((p) => `${p.name}@${p.version}`);
    assert.deepEqual(fromLock.sort(), [...images.npmLock].sort());
  });
});
