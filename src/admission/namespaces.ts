// Namespace labels for admission: the AdmissionReview does not carry them. Static labels from the config win;
// otherwise a lookup (the API server, wired in by server/) is asked and its answer cached for a short TTL.
import { RemoteError } from '../core/errors.js';
import { TtlCache } from './verification-cache.js';

/** Labels of a namespace, or undefined when it does not exist. Rejects when it cannot answer. */
export type NamespaceLookup = (name: string) => Promise<Record<string, string> | undefined>;

export interface NamespaceSource {
  labels(name: string): Promise<Readonly<Record<string, string>>>;
  readonly stats: { hits: number; misses: number };
}

export interface NamespaceSourceOptions {
  labels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  lookup?: NamespaceLookup;
  ttlMs?: number;
  now?: () => number;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';

export function createNamespaceSource(options: NamespaceSourceOptions): NamespaceSource {
  const fixed = options.labels ?? {};
  const cache = new TtlCache<Record<string, string>>(10_000, options.now);
  const ttl = options.ttlMs ?? 30_000;
  const lookup = options.lookup;
  return {
    stats: cache.stats,
    async labels(name) {
      const own = fixed[name];
      // The API server sets this label on every namespace (1.21+); selectors written against it must work here.
      if (own) return { [NAME_LABEL]: name, ...own };
      if (!lookup) return { [NAME_LABEL]: name };
      const { value } = await cache.getOrLoad(
        name,
        async () => {
          const found = await lookup(name);
          if (!found) throw new RemoteError(`namespace "${name}" not found`);
          return { [NAME_LABEL]: name, ...found };
        },
        () => ttl,
      );
      return value;
    },
  };
}
