// Origin of the images `serve` scans (issue #5's provenance, kept per scan so the dashboard can list
// unknown-origin and unsigned images): a trusted Notation signature, else the build ledger, else unknown.
import type { Clock } from '../core/clock.js';
import type { RegistryOptions } from '../image/registry-client.js';
import { parseReference } from '../image/reference.js';
import type { BuildLedger } from '../scan/build-ledger.js';
import { type OriginOptions, originOf } from '../scan/provenance.js';
import type { OriginResolver } from '../scan/registry-scan/index.js';
import type { RegistryAccess } from '../signing/registry-push.js';

export interface ServeOriginOptions {
  /** Notation trust policy and store; without them only the ledgers can vouch for an image. */
  trust?: OriginOptions['trust'];
  /** Build ledgers in the order asked: published ledger files, then the store's own. */
  ledgers: readonly BuildLedger[];
  clock: Clock;
  /** The same registry settings the scans use, so the signature lookup reaches the registry the same way. */
  registry: RegistryOptions;
  /** Registries (`host[:port]`) spoken to over plain HTTP. */
  insecureRegistries?: readonly string[];
}

/** One resolver for every digest `serve` scans; the plain-HTTP choice is made per registry, as for scans. */
export function serveOriginResolver(options: ServeOriginOptions): OriginResolver {
  const insecure = new Set(options.insecureRegistries ?? []);
  const { registry } = options;
  return (image) => {
    const access: RegistryAccess = {
      ...(registry.insecure || insecure.has(parseReference(image.reference).registry)
        ? { insecure: true }
        : {}),
      ...(registry.caFile ? { caFile: registry.caFile } : {}),
      ...(registry.credentials ? { credentials: registry.credentials } : {}),
      ...(registry.dockerConfig === false ? { dockerConfig: false as const } : {}),
      ...(registry.timeoutMs ? { timeoutMs: registry.timeoutMs } : {}),
    };
    return originOf(image, {
      ...(options.trust ? { trust: options.trust } : {}),
      ledgers: options.ledgers,
      clock: options.clock,
      access,
    });
  };
}
