import { errorMessage } from '../core/errors.js';
import { decompressLayer } from '../image/layers/decompress.js';
import { Overlay } from '../image/layers/overlay.js';
import { DEFAULT_LAYER_LIMITS, type LayerLimits, readLayer } from '../image/layers/read-layer.js';
import { type OpenSourceOptions, openImageSource } from '../image/open-source.js';
import type { ImageSource, LayerRef, ResolvedImage } from '../image/source.js';
import type { FileAnalyzer } from './analyzer.js';
import { analyzersFor } from './analyzers/index.js';
import { analyzeFile, analyzerKey, type AnalysisSink, wantsAny } from './file-results.js';
import { LayerCache, type LayerAnalysis, defaultCachePath } from './layer-cache.js';
import type { ImageSubject, Inventory } from './model.js';
import { detectOs } from './os.js';
import { finalizePackages } from './packages.js';

export interface ImageInventoryOptions extends OpenSourceOptions {
  /** SQLite file for the layer cache; `false` turns the cache off. Default: see defaultCachePath. */
  cachePath?: string | false;
  /** Used instead of opening cachePath (tests, long-running servers). */
  cache?: LayerCache;
  limits?: Partial<LayerLimits>;
  /** Restrict to these analyzer ids. */
  analyzers?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Called once per layer, for progress output. */
  onLayer?: (event: { layer: LayerRef; cached: boolean; total: number }) => void;
}

/** Inventory of an image given as `oci:DIR[:tag]`, `docker-archive:FILE`, `oci-archive:FILE` or a registry reference. */
export async function inventoryImage(ref: string, options: ImageInventoryOptions = {}): Promise<Inventory> {
  const source = await openImageSource(ref, options);
  let cache = options.cache;
  let ownCache = false;
  const warnings: string[] = [];
  if (!cache && options.cachePath !== false) {
    const path = options.cachePath ?? defaultCachePath(options.env ?? process.env);
    try {
      cache = LayerCache.open(path);
      ownCache = true;
    } catch (error) {
      // A broken cache must not stop a scan: it only costs time.
      warnings.push(`layer cache ${path} unusable, continuing without it: ${errorMessage(error)}`);
    }
  }
  try {
    const inventory = await inventoryFromSource(source, { ...options, ...(cache ? { cache } : {}) });
    return { ...inventory, warnings: [...warnings, ...inventory.warnings] };
  } finally {
    if (ownCache) cache?.close();
    await source.close();
  }
}

export async function inventoryFromSource(
  source: ImageSource,
  options: ImageInventoryOptions = {},
): Promise<Inventory> {
  const image = await source.resolve();
  const list = analyzersFor('image', options.analyzers);
  const limits = { ...DEFAULT_LAYER_LIMITS, ...options.limits };
  const key = `${analyzerKey(list)}|file<=${limits.maxFileBytes}`;
  const analyses: LayerAnalysis[] = [];
  for (const layer of image.layers) {
    const cached = options.cache?.get(layer.descriptor.digest, key);
    options.onLayer?.({ layer, cached: Boolean(cached), total: image.layers.length });
    if (cached) {
      analyses.push(cached);
      continue;
    }
    const analysis = await analyzeLayer(source, layer, list, limits, image.name);
    analyses.push(analysis);
    options.cache?.put(layer.descriptor.digest, key, analysis);
  }
  return assemble(image, analyses, list);
}

async function analyzeLayer(
  source: ImageSource,
  layer: LayerRef,
  list: readonly FileAnalyzer[],
  limits: LayerLimits,
  imageName: string,
): Promise<LayerAnalysis> {
  const what = `${imageName}: layer ${layer.index + 1} (${layer.descriptor.digest.slice(0, 19)})`;
  const raw = await source.openLayer(layer);
  const tar = await decompressLayer(raw, limits.maxLayerBytes, what);
  const sink: AnalysisSink = { results: [], warnings: [] };
  const changes = await readLayer(tar, {
    wants: wantsAny(list),
    onFile: (file) => analyzeFile(list, file, sink, limits.maxFileBytes),
    limits,
    what,
  });
  return { changes, results: sink.results, warnings: sink.warnings.map((w) => `${what}: ${w}`) };
}

function assemble(image: ResolvedImage, analyses: LayerAnalysis[], list: readonly FileAnalyzer[]): Inventory {
  const overlay = new Overlay(analyses.map((a) => a.changes));
  const visible = analyses.flatMap((analysis, index) =>
    analysis.results
      .filter((result) => overlay.isVisible(index, result.path))
      .map((result) => {
        const layer = image.layers[index];
        return {
          result,
          layer: {
            index,
            digest: layer?.descriptor.digest ?? '',
            ...(layer?.diffId ? { diffId: layer.diffId } : {}),
          },
        };
      }),
  );
  const os = detectOs(
    visible.map((v) => v.result),
    overlay,
  );
  const subject: ImageSubject = {
    kind: 'image',
    name: image.name,
    manifestDigest: image.manifestDigest,
    configDigest: image.configDigest,
    ...(image.repository ? { repository: image.repository } : {}),
    tags: image.tags,
    ...(image.platform ? { platform: image.platform } : {}),
    layers: image.layers.map((l) => ({
      index: l.index,
      digest: l.descriptor.digest,
      ...(l.diffId ? { diffId: l.diffId } : {}),
      size: l.descriptor.size,
      mediaType: l.descriptor.mediaType,
    })),
  };
  return {
    subject,
    ...(os ? { os } : {}),
    packages: finalizePackages(visible, os),
    warnings: analyses.flatMap((a) => [...a.changes.warnings, ...a.warnings]),
    analyzers: list.map((a) => ({ id: a.id, version: a.version })),
  };
}
