/**
 * One explicit list per extension point (checks, formatters, analyzers, comparators). The registry rejects
 * duplicates at start so that two files cannot silently claim the same id.
 */
export interface Registry<T> {
  readonly kind: string;
  readonly items: readonly T[];
  get(key: string): T | undefined;
  keys(): string[];
}

export function createRegistry<T>(
  kind: string,
  items: readonly T[],
  keyOf: (item: T) => string,
): Registry<T> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (!key) throw new Error(`${kind} registry: an item has an empty key`);
    if (byKey.has(key)) throw new Error(`${kind} registry: duplicate key "${key}"`);
    byKey.set(key, item);
  }
  return {
    kind,
    items,
    get: (key) => byKey.get(key),
    keys: () => [...byKey.keys()],
  };
}
