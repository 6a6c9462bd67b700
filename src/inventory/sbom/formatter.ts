import type { Inventory } from '../model.js';

export interface SbomContext {
  /** ISO time from the injected clock, so golden files are stable. */
  generatedAt: string;
  toolVersion: string;
}

/** One SBOM output format. Pure: an Inventory in, text out. Listed in sbom/index.ts. */
export interface SbomFormatter {
  id: string;
  description: string;
  /** File extension for `--output` defaults, without the dot. */
  extension: string;
  format(inventory: Inventory, context: SbomContext): string;
}
