// Results of registry work, cached by immutable key (digest) so a warm webhook answers without the network.
// Concurrent lookups of one key share a single promise, so a burst of pods with the same image costs one call.

export interface CacheStats {
  hits: number;
  misses: number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

export class TtlCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inflight = new Map<string, Promise<T>>();
  readonly stats: CacheStats = { hits: 0, misses: 0 };

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    // Map keeps insertion order, so the first key is the oldest: a cheap bound without an LRU list.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /**
   * The cached value, or the result of `load` (shared with concurrent callers). `ttlOf` decides how long a
   * value stays; errors are never cached, so a registry outage ends as soon as the registry is back.
   */
  async getOrLoad(
    key: string,
    load: () => Promise<T>,
    ttlOf: (value: T) => number,
  ): Promise<{ value: T; hit: boolean }> {
    const cached = this.get(key);
    if (cached !== undefined) {
      this.stats.hits += 1;
      return { value: cached, hit: true };
    }
    this.stats.misses += 1;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = load().then((value) => {
        this.set(key, value, ttlOf(value));
        return value;
      });
      const settled = pending.finally(() => this.inflight.delete(key));
      settled.catch(() => undefined);
      this.inflight.set(key, pending);
    }
    return { value: await pending, hit: false };
  }

  get size(): number {
    return this.entries.size;
  }
}
