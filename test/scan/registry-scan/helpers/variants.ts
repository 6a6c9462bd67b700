// Test and bench helper: many cheap real images from one base. Each variant is the base image (its layers
// unchanged, so every variant shares them) plus one small distinct layer with an npm package, written to an
// OCI layout and pushed with skopeo, which mounts the shared base blobs instead of uploading them again.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from '../../../image/helpers/oci-builder.js';
import { type RunningRegistry, pushWithSkopeo } from '../../../image/helpers/registry.js';

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface VariantSpec {
  /** Tag in the layout. */
  name: string;
  /** npm packages the variant layer installs (name -> version), as node_modules/NAME/package.json. */
  npm: Record<string, string>;
  /** Makes the layer distinct even when the packages are the same. */
  marker: string;
}

/** Writes an OCI layout at `out` with one image per spec, each `base` + one layer; returns the layout path. */
export async function buildVariants(
  baseLayout: string,
  baseTag: string,
  out: string,
  specs: readonly VariantSpec[],
): Promise<string> {
  const blob = (layout: string, digest: string): string => join(layout, 'blobs', 'sha256', digest.slice(7));
  const index = JSON.parse(readFileSync(join(baseLayout, 'index.json'), 'utf8')) as {
    manifests: Descriptor[];
  };
  const baseDesc = index.manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === baseTag,
  );
  if (!baseDesc) throw new Error(`${baseLayout}: no image tagged ${baseTag}`);
  const manifest = JSON.parse(readFileSync(blob(baseLayout, baseDesc.digest), 'utf8')) as {
    config: Descriptor;
    layers: Descriptor[];
  } & Record<string, unknown>;
  const config = JSON.parse(readFileSync(blob(baseLayout, manifest.config.digest), 'utf8')) as Record<
    string,
    unknown
  > & { rootfs: { type: string; diff_ids: string[] } };
  mkdirSync(join(out, 'blobs', 'sha256'), { recursive: true });
  for (const layer of manifest.layers) {
    const target = blob(out, layer.digest);
    if (existsSync(target)) continue;
    try {
      linkSync(blob(baseLayout, layer.digest), target);
    } catch {
      copyFileSync(blob(baseLayout, layer.digest), target);
    }
  }
  const put = (data: Buffer): { digest: string; size: number } => {
    const digest = sha(data);
    writeFileSync(blob(out, digest), data);
    return { digest, size: data.length };
  };
  const manifests: Descriptor[] = [];
  for (const spec of specs) {
    const tar = await makeTar([
      { name: 'etc/kubeward-variant', content: `${spec.marker}\n` },
      ...Object.entries(spec.npm).map(([name, version]) => ({
        name: `srv/app/node_modules/${name}/package.json`,
        content: JSON.stringify({ name, version }),
      })),
    ]);
    const layer = put(gzipSync(tar));
    const { history: _history, ...rest } = config;
    const newConfig = put(
      Buffer.from(
        JSON.stringify({
          ...rest,
          rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, sha(tar)] },
        }),
      ),
    );
    const body = Buffer.from(
      JSON.stringify({
        ...manifest,
        config: { ...manifest.config, ...newConfig },
        layers: [...manifest.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    );
    const m = put(body);
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...m,
      annotations: { 'org.opencontainers.image.ref.name': spec.name },
    });
  }
  writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(out, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
  return out;
}

/** skopeo copy of `layout:name` to `registry/repoTag`. */
export async function pushFromLayout(
  layout: string,
  name: string,
  registry: RunningRegistry,
  repoTag: string,
): Promise<void> {
  await pushWithSkopeo(`oci:${layout}:${name}`, registry, repoTag);
}
