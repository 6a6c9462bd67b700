/** Creating Notation signatures: payload, envelope, and the checks Notation makes before it signs. */
import { type KeyObject, type X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { chainProblem } from '../certs.js';
import { algorithmForKey } from './algorithms.js';
import { signCose } from './cose.js';
import { MEDIA_TYPE_COSE, MEDIA_TYPE_JWS, type TargetDescriptor } from './envelope.js';
import { signJws } from './jws.js';

export type SignatureFormat = 'jws' | 'cose';

export interface NotationSignOptions {
  target: TargetDescriptor;
  key: KeyObject;
  /** Leaf first, up to the root. */
  chain: X509Certificate[];
  format: SignatureFormat;
  clock: Clock;
  /** Milliseconds from the signing time. */
  expiresInMs?: number;
  signingAgent?: string;
}

export interface NotationSignature {
  envelope: Buffer;
  mediaType: string;
}

export const SIGNING_AGENT = 'kubeward/0.1.0';

export function payloadFor(target: TargetDescriptor): Buffer {
  const { mediaType, digest, size, annotations } = target;
  return Buffer.from(
    JSON.stringify({ targetArtifact: { mediaType, digest, size, ...(annotations ? { annotations } : {}) } }),
  );
}

export function loadPrivateKey(pem: Buffer, what: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new ConfigError(`${what}: not a readable private key (${(error as Error).message})`, {
      cause: error,
    });
  }
}

export function createNotationSignature(opts: NotationSignOptions): NotationSignature {
  const leaf = opts.chain[0];
  if (!leaf) throw new UsageError('the certificate chain is empty');
  const leafKey = leaf.publicKey.export({ type: 'spki', format: 'der' });
  if (opts.key.type !== 'private') throw new ConfigError('the signing key must be a private key');
  const derived = createPublicFromPrivate(opts.key);
  if (!derived.equals(leafKey))
    throw new ConfigError('the private key does not belong to the leaf certificate');
  const algorithm = algorithmForKey(leaf);
  if (!algorithm) throw new ConfigError('the key must be RSA 2048/3072/4096 or EC P-256/P-384/P-521');
  const signingTime = new Date(Math.floor(opts.clock.now().getTime() / 1000) * 1000);
  const problem = chainProblem(opts.chain, signingTime);
  if (problem) throw new ConfigError(`cannot sign: ${problem}`);
  const request = {
    payload: payloadFor(opts.target),
    algorithm,
    key: opts.key,
    chain: opts.chain,
    signingTime,
    ...(opts.expiresInMs !== undefined ? { expiry: new Date(signingTime.getTime() + opts.expiresInMs) } : {}),
    signingAgent: opts.signingAgent ?? SIGNING_AGENT,
  };
  return opts.format === 'cose'
    ? { envelope: signCose(request), mediaType: MEDIA_TYPE_COSE }
    : { envelope: signJws(request), mediaType: MEDIA_TYPE_JWS };
}

/** createPublicKey derives the public half of a private KeyObject. */
function createPublicFromPrivate(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** `90s`, `30m`, `24h`, `7d` into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`duration "${text}" must be a number with s, m, h or d (e.g. 24h)`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's'];
  const value = Number(m[1]) * unit;
  if (value <= 0) throw new UsageError(`duration "${text}" must be positive`);
  return value;
}
