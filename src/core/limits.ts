/** Safety limits for hostile input. Defaults are generous for real manifests and refuse bombs early. */
export interface InputLimits {
  /** Largest single input file, in bytes. */
  maxFileBytes: number;
  /** Largest number of YAML alias expansions per document (billion-laughs guard). */
  maxAliasCount: number;
  /** Deepest nesting of maps and sequences in one document. */
  maxDepth: number;
  /** Most documents in one file. */
  maxDocuments: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxAliasCount: 100,
  maxDepth: 256,
  maxDocuments: 200_000,
};
