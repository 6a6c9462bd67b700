// Test helper: hand-made layers and OCI layouts, for cases real tools will not produce (hostile paths, bombs,
// opaque whiteouts, link loops) and for small images that keep registry tests fast.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';

export type TarEntry =
  | { name: string; type?: 'file'; content: string | Buffer; mode?: number }
  | { name: string; type: 'directory'; mode?: number }
  | { name: string; type: 'symlink' | 'link'; linkname: string };

export async function makeTar(entries: TarEntry[], options: { trailer?: boolean } = {}): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', mode: e.mode ?? 0o755 });
    else if (e.type === 'symlink' || e.type === 'link')
      pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else if ('content' in e)
      pack.entry(
        { name: e.name, type: 'file', mode: e.mode ?? 0o644 },
        typeof e.content === 'string' ? Buffer.from(e.content) : e.content,
      );
  }
  pack.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  // Without the two zero blocks at the end, as umoci insert and some builders write.
  return options.trailer === false ? tar.subarray(0, tar.length - 1024) : tar;
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface LayerSpec {
  tar: Buffer;
  compression?: 'gzip' | 'none' | 'zstd';
  /** Pre-compressed blob (zstd made by the caller). */
  blob?: Buffer;
}

/** Write an OCI layout with one image tagged `tag`; returns the manifest digest. */
export function writeOciLayout(
  dir: string,
  layers: LayerSpec[],
  tag = 'latest',
  config: Record<string, unknown> = {},
): string {
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const put = (data: Buffer): string => {
    const digest = sha(data);
    writeFileSync(join(dir, 'blobs/sha256', digest.slice(7)), data);
    return digest;
  };
  const layerDescriptors = layers.map((l) => {
    const blob = l.blob ?? (l.compression === 'none' ? l.tar : gzipSync(l.tar));
    const suffix = l.compression === 'none' ? '' : l.compression === 'zstd' ? '+zstd' : '+gzip';
    return {
      mediaType: `application/vnd.oci.image.layer.v1.tar${suffix}`,
      digest: put(blob),
      size: blob.length,
    };
  });
  const configBody = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l.tar)) },
      config: {},
      ...config,
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: put(configBody),
        size: configBody.length,
      },
      layers: layerDescriptors,
    }),
  );
  const manifestDigest = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return manifestDigest;
}

export const OS_RELEASE_DEBIAN =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

export function dpkgStatus(
  packages: { name: string; version: string; source?: string; status?: string }[],
): string {
  return packages
    .map((p) =>
      [
        `Package: ${p.name}`,
        `Status: ${p.status ?? 'install ok installed'}`,
        'Architecture: amd64',
        ...(p.source ? [`Source: ${p.source}`] : []),
        `Version: ${p.version}`,
        '',
      ].join('\n'),
    )
    .join('\n');
}
