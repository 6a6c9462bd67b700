import type { FileAnalyzer, FileContent, OsCandidate } from './analyzer.js';
import type { FoundPackage } from './model.js';

/** What the analyzers made of one file. Path-keyed so a later layer's overwrite or whiteout can drop it. */
export interface FileResult {
  path: string;
  analyzer: string;
  packages: FoundPackage[];
  os?: OsCandidate;
}

export interface AnalysisSink {
  results: FileResult[];
  warnings: string[];
}

/** The predicate handed to the layer or directory reader: is any analyzer interested in this file? */
export function wantsAny(
  list: readonly FileAnalyzer[],
): (file: { path: string; size: number; mode: number }) => boolean {
  return (file) => list.some((a) => a.wants(file));
}

/** Run every interested analyzer on one file; an analyzer that throws costs a warning, never the scan. */
export async function analyzeFile(
  list: readonly FileAnalyzer[],
  file: FileContent,
  sink: AnalysisSink,
  defaultMax: number,
): Promise<void> {
  for (const analyzer of list) {
    if (!analyzer.wants(file)) continue;
    if (file.content.length > (analyzer.maxBytes ?? defaultMax)) {
      sink.warnings.push(
        `${file.path}: ${file.content.length} bytes is over the ${analyzer.id} limit, skipped`,
      );
      continue;
    }
    try {
      const output = await analyzer.analyze(file);
      for (const w of output.warnings ?? []) if (sink.warnings.length < 1000) sink.warnings.push(w);
      if ((output.packages && output.packages.length > 0) || output.os) {
        sink.results.push({
          path: file.path,
          analyzer: analyzer.id,
          packages: output.packages ?? [],
          ...(output.os ? { os: output.os } : {}),
        });
      }
    } catch (error) {
      sink.warnings.push(`${file.path}: ${analyzer.id} failed: ${(error as Error).message}`);
    }
  }
}

/** Key part for the layer cache: changes whenever an analyzer is added, removed or bumped. */
export function analyzerKey(list: readonly FileAnalyzer[]): string {
  return list
    .map((a) => `${a.id}@${a.version}`)
    .sort()
    .join(',');
}
