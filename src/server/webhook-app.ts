// Wiring: webhook.yaml -> namespace source, digest resolver, verifiers, caches, engine, HTTPS server.
import { readFile } from 'node:fs/promises';
import { createAdmissionEngine } from '../admission/admit.js';
import type { WebhookConfig } from '../admission/config.js';
import type {
  DigestResolver,
  ImageServices,
  SignatureVerifier,
  VerificationResult,
} from '../admission/images.js';
import { createNamespaceSource } from '../admission/namespaces.js';
import { TtlCache } from '../admission/verification-cache.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { Counter, createWebhookMetrics } from './metrics.js';
import { createNamespaceApiLookup } from './namespace-api.js';
import { createRegistryResolver } from './registry-resolver.js';
import type { WebhookServer } from './webhook-server.js';
import { startWebhookServer } from './webhook-server.js';

export interface WebhookAppOptions {
  config: WebhookConfig;
  /** Overrides of config.server.listen and config.server.tls. */
  listen?: string;
  tls?: { certFile: string; keyFile: string } | { cert: Buffer | string; key: Buffer | string };
  /** Signature verifiers by name, as verify rules refer to them (none ship yet: Notation and cosign to come). */
  verifiers?: readonly SignatureVerifier[];
  /** Replaces the registry resolver (tests, benches). */
  resolver?: DigestResolver;
  env?: NodeJS.ProcessEnv;
  log?: (record: Record<string, unknown>) => void;
  now?: () => number;
}

export interface WebhookApp {
  server: WebhookServer;
  close(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535)
    throw new ConfigError(`listen address "${listen}": expected HOST:PORT`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

export async function startWebhookApp(options: WebhookAppOptions): Promise<WebhookApp> {
  const { config } = options;
  const verifiers = new Map((options.verifiers ?? []).map((v) => [v.name, v]));
  for (const [index, rule] of config.images.verify.entries())
    if (!verifiers.has(rule.verifier))
      throw new ConfigError(
        `images.verify[${index}].verifier: "${rule.verifier}" is not available (known: ${[...verifiers.keys()].join(', ') || 'none yet'})`,
      );

  const closers: (() => Promise<void>)[] = [];
  const api = config.namespaces.api;
  const lookup = api.enabled
    ? await createNamespaceApiLookup({
        ...(api.server ? { server: api.server } : {}),
        tokenFile: api.tokenFile,
        caFile: api.caFile,
        timeoutMs: api.timeoutMs,
        ...(options.env ? { env: options.env } : {}),
      })
    : undefined;
  if (lookup) closers.push(() => lookup.close());
  const namespaces = createNamespaceSource({
    labels: config.namespaces.labels,
    ...(lookup ? { lookup } : {}),
    ttlMs: api.cacheTtlSeconds * 1000,
    ...(options.now ? { now: options.now } : {}),
  });

  let resolver = options.resolver;
  if (!resolver) {
    let ca: Buffer | undefined;
    if (config.images.registries.caFile) {
      try {
        ca = await readFile(config.images.registries.caFile);
      } catch (error) {
        throw new ConfigError(`images.registries.caFile: ${errorMessage(error)}`);
      }
    }
    const created = createRegistryResolver({
      plainHttp: config.images.registries.plainHttp,
      ...(ca ? { ca } : {}),
    });
    closers.push(() => created.close());
    resolver = created;
  }
  const max = config.images.verification.cacheMaxEntries;
  const images: ImageServices = {
    resolver,
    verifiers,
    verifications: new TtlCache<VerificationResult>(max, options.now),
    digests: new TtlCache<string>(max, options.now),
  };
  const engine = createAdmissionEngine(config, { namespaces, images });

  const nsCache = new Counter(
    'kubeward_namespace_cache_lookups_total',
    'Namespace label lookups by result (hit, miss).',
  );
  const metrics = createWebhookMetrics(() => {
    const snapshot = new Counter(nsCache.name, nsCache.help);
    snapshot.inc({ result: 'hit' }, namespaces.stats.hits);
    snapshot.inc({ result: 'miss' }, namespaces.stats.misses);
    return [snapshot];
  });

  const { host, port } = parseListen(options.listen ?? config.server.listen);
  const tlsOption = options.tls ?? config.server.tls;
  if (!tlsOption)
    throw new ConfigError(
      'no TLS certificate: set server.tls in the config or pass --tls-cert and --tls-key',
    );
  const tls =
    'cert' in tlsOption
      ? { cert: Buffer.from(tlsOption.cert), key: Buffer.from(tlsOption.key) }
      : {
          certFile: tlsOption.certFile,
          keyFile: tlsOption.keyFile,
          intervalMs: (config.server.tls?.reloadIntervalSeconds ?? 10) * 1000,
        };
  const server = await startWebhookServer({
    engine,
    tls,
    host,
    port,
    maxBodyBytes: config.server.maxBodyBytes,
    requestTimeoutMs: config.server.requestTimeoutSeconds * 1000,
    shutdownGraceMs: config.server.shutdownGraceSeconds * 1000,
    metrics,
    ...(options.log ? { log: options.log } : {}),
  });
  return {
    server,
    async close() {
      await server.close();
      await Promise.all(closers.map((c) => c()));
    },
  };
}
