import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';
import { tomlArrayTables } from './toml-tables.js';

/** Cargo.lock: every `[[package]]`; Rust binaries are built from exactly these, so images keep it as evidence too. */
export const cargoLockAnalyzer: FileAnalyzer = {
  id: 'cargo-lock',
  version: 1,
  description: 'Cargo.lock',
  evidence: 'installed',
  wants: (file) => baseName(file.path) === 'Cargo.lock',
  analyze(file) {
    const packages: FoundPackage[] = [];
    for (const table of tomlArrayTables(decodeUtf8(file.content), 'package')) {
      const name = table.get('name');
      const version = table.get('version');
      if (name && version) packages.push({ kind: 'cargo', name, version });
    }
    return { packages };
  },
};
