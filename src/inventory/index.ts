/** Public API of inventory/: analyzers, image and directory inventories, SBOM formats. */
import { systemClock, type Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import type { Inventory } from './model.js';
import { type DirectoryInventoryOptions, inventoryDirectory } from './scan-directory.js';
import { type ImageInventoryOptions, inventoryImage } from './scan-image.js';
import { type SbomFormatter, sbomFormatters } from './sbom/index.js';

export type * from './model.js';
export type { FileAnalyzer, AnalyzerOutput, FileInfo, FileContent } from './analyzer.js';
export { analyzers, analyzersFor } from './analyzers/index.js';
export { inventoryImage, inventoryFromSource, type ImageInventoryOptions } from './scan-image.js';
export { inventoryDirectory, type DirectoryInventoryOptions } from './scan-directory.js';
export { LayerCache, defaultCachePath } from './layer-cache.js';
export { sbomFormatters, type SbomFormatter, type SbomContext } from './sbom/index.js';
export { purlOf, ecosystemOf, fullVersion } from './purl.js';

export interface SbomOptions {
  /** One of sbomFormatters.keys(): cyclonedx, spdx, json, table. Default json. */
  format?: string;
  clock?: Clock;
  toolVersion?: string;
}

export interface SbomResult {
  inventory: Inventory;
  text: string;
}

/** Inventory an image and render it: `sbomFromImage('oci:./layout:1.0', { format: 'cyclonedx' })`. */
export async function sbomFromImage(
  ref: string,
  options: SbomOptions & ImageInventoryOptions = {},
): Promise<SbomResult> {
  const formatter = pickFormatter(options.format);
  const inventory = await inventoryImage(ref, options);
  return { inventory, text: formatter.format(inventory, contextOf(options)) };
}

/** Inventory a directory (source checkout or unpacked root) and render it. */
export async function sbomFromDirectory(
  dir: string,
  options: SbomOptions & DirectoryInventoryOptions = {},
): Promise<SbomResult> {
  const formatter = pickFormatter(options.format);
  const inventory = await inventoryDirectory(dir, options);
  return { inventory, text: formatter.format(inventory, contextOf(options)) };
}

function pickFormatter(id = 'json'): SbomFormatter {
  const formatter = sbomFormatters.get(id);
  if (!formatter)
    throw new UsageError(`unknown SBOM format "${id}" (choose from ${sbomFormatters.keys().join(', ')})`);
  return formatter;
}

function contextOf(options: SbomOptions): { generatedAt: string; toolVersion: string } {
  return {
    generatedAt: (options.clock ?? systemClock).now().toISOString(),
    toolVersion: options.toolVersion ?? '0.0.0',
  };
}
