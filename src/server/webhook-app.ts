// Wiring: webhook.yaml -> namespace source, digest resolver, verifiers, caches, engine, HTTPS server.
import { readFile, stat } from 'node:fs/promises';
import { createAdmissionEngine } from '../admission/admit.js';
import type { VerifierConfig, WebhookConfig } from '../admission/config.js';
import type {
  DigestResolver,
  ImageServices,
  SignatureVerifier,
  VerificationResult,
} from '../admission/images.js';
import { createNamespaceSource } from '../admission/namespaces.js';
import { TtlCache } from '../admission/verification-cache.js';
import { warmUpAdmission } from '../admission/warm-up.js';
import { type Clock, systemClock } from '../core/clock.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { parseReference } from '../image/index.js';
import {
  type IdentityRule,
  type RegistryAccess,
  cosignVerifier,
  loadPublicKey,
  loadTrustPolicy,
  notationVerifier,
  openTrustStore,
  parseCertificates,
} from '../signing/index.js';
import type { DecisionLog } from './decision-log.js';
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
  /** Signature verifiers by name, besides those built from images.verifiers (tests, benches). */
  verifiers?: readonly SignatureVerifier[];
  /** Time against which Notation checks certificate validity (default: the system clock). */
  clock?: Clock;
  /** Replaces the registry resolver (tests, benches). */
  resolver?: DigestResolver;
  env?: NodeJS.ProcessEnv;
  log?: (record: Record<string, unknown>) => void;
  /** Bounded, non-blocking decision log (the CLI's); takes precedence over log, exported in /metrics. */
  decisionLog?: DecisionLog;
  /** How long close() waits for the decision log to be written out (default 5 s). */
  decisionLogFlushMs?: number;
  now?: () => number;
  /** Synthetic reviews run before listening, so the first real ones are not the JIT's (default 100; 0 skips). */
  warmUpRounds?: number;
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

/** First line of an error's message, so a ConfigError stays one line. */
function firstLine(error: unknown): string {
  return errorMessage(error).split('\n')[0] ?? '';
}

/** Read a PEM CA bundle and check that it holds certificates; errors name the config key. */
async function readCaBundle(path: string, key: string): Promise<Buffer> {
  try {
    const pem = await readFile(path);
    parseCertificates(pem, path);
    return pem;
  } catch (error) {
    throw new ConfigError(`${key}: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * The verifiers images.verifiers declares, with every file read and checked now: a missing trust policy, an
 * empty trust store or a bad key stops the start with a one-line error naming the key, instead of failing (and
 * by the failure mode perhaps admitting) at the first review.
 */
export async function buildVerifiers(
  config: WebhookConfig,
  options: { clock?: Clock } = {},
): Promise<SignatureVerifier[]> {
  const registries = config.images.registries;
  if (registries.caFile) await readCaBundle(registries.caFile, 'images.registries.caFile');
  const built: SignatureVerifier[] = [];
  for (const [index, entry] of config.images.verifiers.entries()) {
    const at = `images.verifiers[${index}]`;
    const fail = (key: string, error: unknown): ConfigError =>
      new ConfigError(`${at}.${key}: ${firstLine(error)}`, { cause: error });
    const caFile = entry.caFile ?? registries.caFile;
    if (entry.caFile) await readCaBundle(entry.caFile, `${at}.caFile`);
    const insecure = new Set([...registries.plainHttp, ...entry.insecureRegistries]);
    // A verification past the budget is abandoned (its promise rejects); the timeout ends its requests too.
    const timeoutMs = config.images.verification.budgetMs;
    const access = (registry: string): RegistryAccess => ({
      ...(insecure.has(registry) ? { insecure: true } : {}),
      ...(caFile ? { caFile } : {}),
      timeoutMs,
    });
    built.push(
      entry.type === 'notation'
        ? await notationFromConfig(entry, fail, access, options.clock ?? systemClock)
        : await cosignFromConfig(entry, fail, access),
    );
  }
  return built;
}

type Fail = (key: string, error: unknown) => ConfigError;

async function notationFromConfig(
  entry: Extract<VerifierConfig, { type: 'notation' }>,
  fail: Fail,
  access: (registry: string) => RegistryAccess,
  clock: Clock,
): Promise<SignatureVerifier> {
  let policy: Awaited<ReturnType<typeof loadTrustPolicy>>;
  try {
    policy = await loadTrustPolicy(entry.trustPolicy);
  } catch (error) {
    throw fail('trustPolicy', error);
  }
  try {
    if (!(await stat(entry.trustStore)).isDirectory())
      throw new Error(`${entry.trustStore} is not a directory`);
  } catch (error) {
    throw fail('trustStore', error);
  }
  const trustStore = openTrustStore(entry.trustStore);
  // Load every store the policy names now; the store caches them, so reviews never read the disk.
  for (const trust of policy.policies)
    for (const store of trust.trustStores) {
      try {
        await trustStore.certificates(store.type, store.name);
      } catch (error) {
        throw fail('trustStore', error);
      }
    }
  return notationVerifier({ name: entry.name, policy, trustStore, clock, access });
}

async function cosignFromConfig(
  entry: Extract<VerifierConfig, { type: 'cosign' }>,
  fail: Fail,
  access: (registry: string) => RegistryAccess,
): Promise<SignatureVerifier> {
  let key: ReturnType<typeof loadPublicKey>;
  try {
    const pem = await readFile(entry.key);
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem.toString('latin1')))
      throw new Error(`${entry.key} holds a private key; give the public key`);
    key = loadPublicKey(pem, entry.key);
  } catch (error) {
    throw fail('key', error);
  }
  let identity: IdentityRule | undefined;
  if (entry.signedIdentity !== undefined) {
    try {
      if (/@|:[^/]*$/.test(entry.signedIdentity.replace(/^[^/]*\//, '')))
        throw new Error(`"${entry.signedIdentity}": expected a repository without tag or digest`);
      const ref = parseReference(entry.signedIdentity);
      identity = { kind: 'exactRepository', repository: `${ref.registry}/${ref.repository}` };
    } catch (error) {
      throw fail('signedIdentity', error);
    }
  }
  return cosignVerifier({ name: entry.name, key, ...(identity ? { identity } : {}), access });
}

export async function startWebhookApp(options: WebhookAppOptions): Promise<WebhookApp> {
  const { config } = options;
  const verifiers = new Map((options.verifiers ?? []).map((v) => [v.name, v]));
  const clock = options.clock ?? systemClock;
  for (const [index, verifier] of (await buildVerifiers(config, { clock })).entries()) {
    if (verifiers.has(verifier.name))
      throw new ConfigError(`images.verifiers[${index}].name: "${verifier.name}" is already taken`);
    verifiers.set(verifier.name, verifier);
  }
  for (const [index, rule] of config.images.verify.entries())
    if (!verifiers.has(rule.verifier))
      throw new ConfigError(
        `images.verify[${index}].verifier: "${rule.verifier}" is not available (known: ${[...verifiers.keys()].join(', ') || 'none; declare it in images.verifiers'})`,
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
    if (config.images.registries.caFile)
      ca = await readCaBundle(config.images.registries.caFile, 'images.registries.caFile');
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
  await warmUpAdmission(config, options.warmUpRounds ?? 100);

  const nsCache = new Counter(
    'kubeward_namespace_cache_lookups_total',
    'Namespace label lookups by result (hit, miss).',
  );
  const metrics = createWebhookMetrics(() => {
    const snapshot = new Counter(nsCache.name, nsCache.help);
    snapshot.inc({ result: 'hit' }, namespaces.stats.hits);
    snapshot.inc({ result: 'miss' }, namespaces.stats.misses);
    return [snapshot, ...(options.decisionLog?.metrics() ?? [])];
  });

  const { decisionLog } = options;
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
    ...(decisionLog
      ? { log: (record: Record<string, unknown>) => decisionLog.write(record) }
      : options.log
        ? { log: options.log }
        : {}),
  });
  return {
    server,
    async close() {
      await server.close();
      // Bounded: a stalled reader must not hold the shutdown past the pod's termination grace period.
      await decisionLog?.close(options.decisionLogFlushMs ?? 5000);
      await Promise.all(closers.map((c) => c()));
    },
  };
}
