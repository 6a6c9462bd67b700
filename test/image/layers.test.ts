import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { cleanImagePath, resolveInRoot } from '../../src/image/layers/paths.js';
import { inventoryImage, type ImageInventoryOptions } from '../../src/inventory/scan-image.js';
import {
  OS_RELEASE_DEBIAN,
  type LayerSpec,
  type TarEntry,
  dpkgStatus,
  makeTar,
  writeOciLayout,
} from './helpers/oci-builder.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-layers-'));
after(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
async function scan(layers: (TarEntry[] | LayerSpec)[], options: ImageInventoryOptions = {}) {
  const dir = join(work, `img${counter++}`);
  const specs = await Promise.all(
    layers.map(async (l) => (Array.isArray(l) ? { tar: await makeTar(l) } : l)),
  );
  writeOciLayout(dir, specs, 't');
  return inventoryImage(`oci:${dir}:t`, { cachePath: false, ...options });
}

const npm = (name: string, version: string, dir = 'app/node_modules'): TarEntry => ({
  name: `${dir}/${name}/package.json`,
  content: JSON.stringify({ name, version }),
});
const names = (inv: { packages: { name: string; version: string }[] }): string[] =>
  inv.packages.map((p) => `${p.name}@${p.version}`).sort();

describe('paths inside the image root', () => {
  const cases = [
    { raw: './usr//lib/../bin/x', want: 'usr/bin/x' },
    { raw: '/etc/passwd', want: 'etc/passwd' },
    { raw: '../../etc/passwd', want: undefined },
    { raw: 'a/../../b', want: undefined },
    { raw: 'a/\0b', want: undefined },
  ] satisfies { raw: string; want: string | undefined }[];
  for (const c of cases)
    it(`cleans ${JSON.stringify(c.raw)}`, () => assert.equal(cleanImagePath(c.raw), c.want));

  it('resolves symlinks inside the root only, and stops on loops', () => {
    const links: Record<string, string> = {
      'etc/os-release': '../usr/lib/os-release',
      lib: 'usr/lib',
      up: '../../../..',
      a: 'b',
      b: 'a',
    };
    const readlink = (p: string): string | undefined => links[p];
    assert.equal(resolveInRoot('etc/os-release', readlink), 'usr/lib/os-release');
    assert.equal(resolveInRoot('lib/x.so', readlink), 'usr/lib/x.so');
    assert.equal(resolveInRoot('up/etc/shadow', readlink), 'etc/shadow');
    assert.equal(resolveInRoot('a/x', readlink), undefined);
  });
});

describe('applying layers as a runtime does', () => {
  it('drops packages whose files a later layer whites out', async () => {
    const inv = await scan([
      [npm('a', '1.0.0'), npm('b', '2.0.0')],
      [{ name: 'app/node_modules/.wh.b', content: '' }],
    ]);
    assert.deepEqual(names(inv), ['a@1.0.0']);
  });

  it('hides lower contents of an opaque directory but keeps the layer’s own', async () => {
    const inv = await scan([
      [npm('a', '1.0.0'), npm('keep', '1.0.0', 'other/node_modules')],
      [{ name: 'app/node_modules/.wh..wh..opq', content: '' }, npm('c', '3.0.0')],
    ]);
    assert.deepEqual(names(inv), ['c@3.0.0', 'keep@1.0.0']);
  });

  it('lets a later file replace an earlier one at the same path', async () => {
    const inv = await scan([
      [
        {
          name: 'var/lib/dpkg/status',
          content: dpkgStatus([
            { name: 'old', version: '1' },
            { name: 'gone', version: '1' },
          ]),
        },
      ],
      [
        {
          name: 'var/lib/dpkg/status',
          content: dpkgStatus([{ name: 'old', version: '2', source: 'oldsrc (2-src)' }]),
        },
      ],
    ]);
    assert.deepEqual(names(inv), ['old@2']);
    assert.equal(inv.packages[0]?.sourceName, 'oldsrc');
    assert.equal(inv.packages[0]?.sourceVersion, '2-src');
    assert.equal(inv.packages[0]?.layer?.index, 1);
  });

  it('follows the usrmerge os-release symlink, and a later symlink over an earlier file', async () => {
    const inv = await scan([
      [{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.0\n' }],
      [
        { name: 'usr/lib/os-release', content: OS_RELEASE_DEBIAN },
        { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        {
          name: 'var/lib/dpkg/status',
          content: dpkgStatus([{ name: 'libc6', version: '2.36-9+deb12u4', source: 'glibc' }]),
        },
      ],
    ]);
    assert.equal(inv.os?.id, 'debian');
    assert.equal(inv.packages[0]?.purl, 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12');
  });

  it('keeps absolute and escaping symlink targets inside the root', async () => {
    const inv = await scan([
      [
        { name: 'usr/lib/os-release', content: OS_RELEASE_DEBIAN },
        { name: 'etc/os-release', type: 'symlink', linkname: '/../../../../usr/lib/os-release' },
      ],
    ]);
    assert.equal(inv.os?.versionId, '12');
  });

  it('survives a symlink loop without hanging', async () => {
    const inv = await scan([
      [
        { name: 'etc/os-release', type: 'symlink', linkname: 'loop' },
        { name: 'etc/loop', type: 'symlink', linkname: 'os-release' },
      ],
    ]);
    assert.equal(inv.os, undefined);
  });

  it('reads hard links to wanted files', async () => {
    const inv = await scan([
      [
        npm('x', '1.0.0'),
        {
          name: 'app/node_modules/y/package.json',
          type: 'link',
          linkname: 'app/node_modules/x/package.json',
        },
      ],
    ]);
    assert.deepEqual(
      inv.packages.map((p) => p.path),
      ['app/node_modules/x/package.json', 'app/node_modules/y/package.json'],
    );
  });

  it('skips ../ entries with a warning and cleans absolute ones', async () => {
    const inv = await scan([
      [npm('evil', '6.6.6', '../../../tmp/node_modules'), npm('abs', '1.0.0', '/abs/node_modules')],
    ]);
    assert.deepEqual(names(inv), ['abs@1.0.0']);
    assert.ok(
      inv.warnings.some((w) => w.includes('outside the image root')),
      inv.warnings.join('\n'),
    );
  });

  it('tolerates a layer without the end-of-archive blocks', async () => {
    const tar = await makeTar([npm('a', '1.0.0')], { trailer: false });
    const inv = await scan([{ tar }]);
    assert.deepEqual(names(inv), ['a@1.0.0']);
  });

  it('reads uncompressed and zstd layers (by magic bytes, not only by media type)', async () => {
    const tar = await makeTar([npm('plain', '1.0.0')]);
    const tar2 = await makeTar([npm('zst', '2.0.0')]);
    const tarFile = join(work, 'layer.tar');
    writeFileSync(tarFile, tar2);
    execFileSync('zstd', ['-q', '-f', tarFile, '-o', `${tarFile}.zst`]);
    const inv = await scan([
      { tar, compression: 'none' },
      { tar: tar2, compression: 'zstd', blob: readFileSync(`${tarFile}.zst`) },
    ]);
    assert.deepEqual(names(inv), ['plain@1.0.0', 'zst@2.0.0']);
  });
});

describe('hostile and broken layers', () => {
  it('stops a gzip bomb at the uncompressed size limit', async () => {
    const tar = await makeTar([{ name: 'zeros', content: Buffer.alloc(64 * 1024 * 1024) }]);
    await assert.rejects(
      scan([{ tar }], { limits: { maxLayerBytes: 16 * 1024 * 1024 } }),
      (e: unknown) => e instanceof InputError && e.code === 'LIMIT',
    );
  });

  it('skips a wanted file over the per-file limit with a warning', async () => {
    const big = JSON.stringify({ name: 'big', version: '1.0.0', pad: 'x'.repeat(2 * 1024 * 1024) });
    const inv = await scan(
      [[{ name: 'node_modules/big/package.json', content: big }, npm('small', '1.0.0')]],
      { limits: { maxFileBytes: 1024 * 1024 } },
    );
    assert.deepEqual(names(inv), ['small@1.0.0']);
    assert.ok(inv.warnings.some((w) => w.includes('per-file limit')));
  });

  it('refuses a layer with too many entries', async () => {
    const entries: TarEntry[] = Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, content: '' }));
    await assert.rejects(
      scan([entries], { limits: { maxEntries: 10 } }),
      (e: unknown) => e instanceof InputError && e.code === 'LIMIT',
    );
  });

  it('fails on a tar cut inside an entry', async () => {
    const tar = await makeTar([{ name: 'node_modules/a/package.json', content: 'x'.repeat(5000) }]);
    await assert.rejects(
      scan([{ tar: tar.subarray(0, 2048), compression: 'none' }]),
      (e: unknown) => e instanceof InputError,
    );
  });

  it('fails when a blob does not match its digest', async () => {
    const dir = join(work, 'tampered');
    const tar = await makeTar([npm('a', '1.0.0')]);
    writeOciLayout(dir, [{ tar, compression: 'none' }], 't');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const manifest = JSON.parse(
      readFileSync(join(dir, 'blobs/sha256', (index.manifests[0]?.digest ?? '').slice(7)), 'utf8'),
    ) as {
      layers: { digest: string }[];
    };
    const layerFile = join(dir, 'blobs/sha256', (manifest.layers[0]?.digest ?? '').slice(7));
    const bytes = readFileSync(layerFile);
    bytes[600] = (bytes[600] ?? 0) ^ 0xff;
    writeFileSync(layerFile, bytes);
    await assert.rejects(
      inventoryImage(`oci:${dir}:t`, { cachePath: false }),
      (e: unknown) => e instanceof InputError && /digest/.test(e.message),
    );
  });

  it('fails when a blob is shorter than declared', async () => {
    const dir = join(work, 'short');
    writeOciLayout(dir, [{ tar: await makeTar([npm('a', '1.0.0')]) }], 't');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const manifest = JSON.parse(
      readFileSync(join(dir, 'blobs/sha256', (index.manifests[0]?.digest ?? '').slice(7)), 'utf8'),
    ) as {
      layers: { digest: string }[];
    };
    const layerFile = join(dir, 'blobs/sha256', (manifest.layers[0]?.digest ?? '').slice(7));
    writeFileSync(layerFile, readFileSync(layerFile).subarray(0, 40));
    await assert.rejects(
      inventoryImage(`oci:${dir}:t`, { cachePath: false }),
      (e: unknown) => e instanceof InputError,
    );
  });

  it('names the missing tag and the tags the layout has', async () => {
    const dir = join(work, 'tags');
    writeOciLayout(dir, [{ tar: await makeTar([]) }], 'v1');
    await assert.rejects(
      inventoryImage(`oci:${dir}:v2`, { cachePath: false }),
      /no image tagged "v2".*tags: v1/,
    );
  });
});
