import type { FileAnalyzer } from '../analyzer.js';
import { decodeUtf8 } from './text.js';

/** Installed gems: `specifications/*.gemspec`, the Ruby files RubyGems writes for each installed gem. */
export const gemspecAnalyzer: FileAnalyzer = {
  id: 'gemspec',
  version: 1,
  description: 'specifications/*.gemspec',
  evidence: 'installed',
  maxBytes: 1024 * 1024,
  wants: (file) => /(?:^|\/)specifications\/[^/]+\.gemspec$/.test(file.path),
  analyze(file) {
    const text = decodeUtf8(file.content);
    const name = /\.name\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
    const version =
      /\.version\s*=\s*["']([^"']+)["']/.exec(text)?.[1] ??
      /\.version\s*=\s*Gem::Version\.new\(\s*["']([^"']+)["']/.exec(text)?.[1];
    if (!name || !version) return {};
    const licenses = [
      ...(/\.licenses?\s*=\s*\[?([^\n\]]*)/.exec(text)?.[1] ?? '').matchAll(/["']([^"']+)["']/g),
    ].map((m) => m[1] ?? '');
    return { packages: [{ kind: 'gem', name, version, ...(licenses.length > 0 ? { licenses } : {}) }] };
  },
};
