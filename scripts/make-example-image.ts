// Builds the example image of the offline demo (examples/image/layout, an OCI image layout tagged `app`) from
// the files under examples/image/rootfs. The output is byte-for-byte reproducible (sorted entries, fixed owners,
// modes and times, gzip without a timestamp), so test/examples/make-example-image.test.ts can rebuild it and
// compare it with the committed copy: the example cannot drift from its sources.
//
//   node --import tsx scripts/make-example-image.ts [--rootfs DIR] [--out DIR]
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_ROOTFS = join(ROOT, 'examples/image/rootfs');
export const DEFAULT_LAYOUT = join(ROOT, 'examples/image/layout');
export const EXAMPLE_TAG = 'app';

/** 2026-01-01T00:00:00Z: every time in the image, so a rebuild gives the same bytes. */
const FIXED_TIME = new Date('2026-01-01T00:00:00Z');
/** The example is a few dozen small text files; anything bigger means a wrong --rootfs. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ENTRIES = 1000;

const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

interface RootfsEntry {
  /** Path inside the image, `/`-separated, no leading `/`. */
  path: string;
  content?: Buffer;
}

export interface ExampleImage {
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  diffId: string;
  files: string[];
}

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Directories and regular files under `rootfs`, sorted by path; anything else is refused. */
function readRootfs(rootfs: string): RootfsEntry[] {
  const entries: RootfsEntry[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = relative(rootfs, full).split('\\').join('/');
      const info = lstatSync(full);
      if (entries.length >= MAX_ENTRIES) throw new Error(`${rootfs}: more than ${MAX_ENTRIES} entries`);
      if (info.isDirectory()) {
        entries.push({ path });
        walk(full);
      } else if (info.isFile()) {
        if (info.size > MAX_FILE_BYTES) throw new Error(`${full}: larger than ${MAX_FILE_BYTES} bytes`);
        entries.push({ path, content: readFileSync(full) });
      } else {
        throw new Error(`${full}: only regular files and directories go into the example image`);
      }
    }
  };
  if (!existsSync(rootfs) || !lstatSync(rootfs).isDirectory()) throw new Error(`${rootfs}: not a directory`);
  walk(rootfs);
  return entries;
}

/** One uncompressed layer tar: owner root, modes 0755/0644, the fixed time, entries in path order. */
async function layerTar(entries: RootfsEntry[]): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolveDone, reject) => {
    pack.on('end', () => resolveDone());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const common = {
      name: entry.path,
      mtime: FIXED_TIME,
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
    };
    if (entry.content === undefined) pack.entry({ ...common, type: 'directory', mode: 0o755 });
    else pack.entry({ ...common, type: 'file', mode: 0o644 }, entry.content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Pretty JSON with a final newline: what the repository's formatter leaves alone. */
const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/** Writes the layout to `out` (replacing an earlier layout there) and returns its digests. */
export async function makeExampleImage(
  rootfs: string = DEFAULT_ROOTFS,
  out: string = DEFAULT_LAYOUT,
): Promise<ExampleImage> {
  const entries = readRootfs(rootfs);
  const tar = await layerTar(entries);
  // Level 9 and no file name or time in the gzip header: the same tar always gives the same blob.
  const layer = gzipSync(tar, { level: 9 });
  const diffId = sha256(tar);
  const config = json({
    created: FIXED_TIME.toISOString(),
    architecture: 'amd64',
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_ENV=production'],
      WorkingDir: '/app',
      Cmd: ['node', 'server.js'],
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: FIXED_TIME.toISOString(), created_by: 'scripts/make-example-image.ts' }],
  });
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, digest: sha256(config), size: config.length },
    layers: [{ mediaType: MEDIA.layer, digest: sha256(layer), size: layer.length }],
  });
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [
      {
        mediaType: MEDIA.manifest,
        digest: sha256(manifest),
        size: manifest.length,
        platform: { architecture: 'amd64', os: 'linux' },
        annotations: { 'org.opencontainers.image.ref.name': EXAMPLE_TAG },
      },
    ],
  });

  // Replace only a layout (or an empty/new directory), never some other directory named by mistake.
  if (existsSync(out)) {
    const present = readdirSync(out);
    if (present.length > 0 && !present.includes('oci-layout'))
      throw new Error(`${out}: exists and is not an OCI image layout; not overwriting it`);
    rmSync(join(out, 'blobs'), { recursive: true, force: true });
  }
  const blobs = join(out, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  for (const blob of [layer, config, manifest]) writeFileSync(join(blobs, sha256(blob).slice(7)), blob);
  writeFileSync(join(out, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(out, 'index.json'), index);
  return {
    manifestDigest: sha256(manifest),
    configDigest: sha256(config),
    layerDigest: sha256(layer),
    diffId,
    files: entries.filter((e) => e.content !== undefined).map((e) => e.path),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rootfs: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const out = values.out ? resolve(values.out) : DEFAULT_LAYOUT;
  const image = await makeExampleImage(values.rootfs ? resolve(values.rootfs) : DEFAULT_ROOTFS, out);
  process.stdout.write(
    `${out}: ${EXAMPLE_TAG} ${image.manifestDigest} (${image.files.length} files, layer ${image.layerDigest})\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`make-example-image: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
