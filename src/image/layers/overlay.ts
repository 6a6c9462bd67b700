import { prefixesOf, resolveInRoot } from './paths.js';
import type { LayerChanges } from './read-layer.js';

export type OverlayChanges = Pick<LayerChanges, 'paths' | 'whiteouts' | 'opaqueDirs' | 'symlinks'>;

/**
 * The union view of a stack of layers, as overlayfs builds it: an entry in layer i is visible unless a later
 * layer adds the same path, whites it out (or one of its parents), replaces a parent with a non-directory, or
 * marks a parent directory opaque. Works from the layers' recorded changes alone, so cached layers take part.
 */
export class Overlay {
  /** path -> highest layer that adds a non-directory there or whites it out. */
  private readonly covered = new Map<string, number>();
  /** directory -> highest layer that marks it opaque. */
  private readonly opaque = new Map<string, number>();
  /** path -> highest layer that adds a non-directory there, and whether that entry is a symlink. */
  private readonly topEntry = new Map<string, { layer: number; target: string | undefined }>();

  constructor(layers: readonly OverlayChanges[]) {
    layers.forEach((layer, index) => {
      for (const path of layer.paths) {
        this.covered.set(path, index);
        this.topEntry.set(path, { layer: index, target: layer.symlinks[path] });
      }
      for (const path of layer.whiteouts) this.covered.set(path, index);
      for (const dir of layer.opaqueDirs) this.opaque.set(dir, index);
    });
  }

  /** Is the entry that `layer` put at `path` still there in the final image? */
  isVisible(layer: number, path: string): boolean {
    const prefixes = prefixesOf(path);
    for (const [i, prefix] of prefixes.entries()) {
      if ((this.covered.get(prefix) ?? -1) > layer) return false;
      if (i < prefixes.length - 1 && (this.opaque.get(prefix) ?? -1) > layer) return false;
    }
    // The root directory itself can be opaque ("" entry): everything below it from lower layers is gone.
    return (this.opaque.get('') ?? -1) <= layer;
  }

  /** Target of the visible symlink at `path`, if the final image has one there. */
  readlink(path: string): string | undefined {
    const entry = this.topEntry.get(path);
    if (!entry || entry.target === undefined) return undefined;
    return this.isVisible(entry.layer, path) ? entry.target : undefined;
  }

  /** `path` with every symlink in it resolved inside the image root; undefined on a link loop. */
  resolve(path: string): string | undefined {
    return resolveInRoot(path, (p) => this.readlink(p));
  }
}
