import type { FoundPackage, OsInfo } from './model.js';

export interface FileInfo {
  /** Relative to the root, no leading slash. */
  path: string;
  size: number;
  mode: number;
}

export interface FileContent extends FileInfo {
  content: Buffer;
}

/** An OS identification with how much to trust it: os-release beats alpine-release beats debian_version. */
export interface OsCandidate {
  os: OsInfo;
  priority: number;
}

export interface AnalyzerOutput {
  packages?: FoundPackage[];
  os?: OsCandidate;
  warnings?: string[];
}

/**
 * One analyzer reads one kind of file and knows nothing of layers or other files, so its results can be cached
 * per layer and merged later. `version` goes into the layer-cache key: bump it whenever output can change.
 */
export interface FileAnalyzer {
  id: string;
  version: number;
  description: string;
  /**
   * `installed`: the packages are really on disk (dpkg db, node_modules, dist-info, binaries). `lockfile`: what a
   * project declares (package-lock, poetry.lock, pom.xml). Image scans read installed state only, as Trivy
   * does, so a lockfile does not double-report packages; directory scans read both.
   */
  evidence: 'installed' | 'lockfile';
  /** Cheap test on the header alone: only wanted files are read into memory. */
  wants(file: FileInfo): boolean;
  /** Largest file this analyzer wants read (defaults to the reader's per-file limit). */
  maxBytes?: number;
  analyze(file: FileContent): AnalyzerOutput | Promise<AnalyzerOutput>;
}
