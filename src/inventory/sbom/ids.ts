import { createHash } from 'node:crypto';
import type { Inventory, Package } from '../model.js';

/** A UUID (v4 layout) derived from content, so the same scan at the same time gives the same document. */
export function stableUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What identifies the scanned thing across runs: the manifest digest for images, the path for directories. */
export function subjectKey(inventory: Inventory): string {
  return inventory.subject.kind === 'image' ? inventory.subject.manifestDigest : inventory.subject.path;
}

/** Short, stable per-package id: the same package at two paths (or in two layers) gets two ids. */
export function packageKey(pkg: Package): string {
  return createHash('sha256')
    .update([pkg.purl, pkg.path, pkg.layer?.digest ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}
