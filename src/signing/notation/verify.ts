/**
 * Notation signature verification as a pure pipeline over parsed inputs: trust policy lookup, then integrity
 * (always enforced), authenticity (chain to a trusted root and trusted identity), expiry, authentic timestamp and
 * revocation, each with the action its level and overrides give. Every outcome is returned as data; only
 * `assertAccepted` turns a rejection into an error.
 */
import type { X509Certificate } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { chainProblem, sha256Thumbprint, subjectOf } from '../certs.js';
import { PolicyError, VerificationError } from '../errors.js';
import { algorithmForKey, verifyBytes } from './algorithms.js';
import { parseCose } from './cose.js';
import {
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type ParsedEnvelope,
  type TargetDescriptor,
  parsePayload,
} from './envelope.js';
import { parseJws } from './jws.js';
import {
  type Action,
  type Check,
  type Level,
  type TrustPolicy,
  type TrustPolicyDocument,
  identityMatches,
  policyFor,
  subjectAttributes,
} from './trust-policy.js';
import type { TrustStore } from './trust-store.js';
import { type TrustedTimestamp, chainValidThroughout, verifyTimestampToken } from '../timestamp/verify.js';
import { type RevocationChecker, type RevocationOutcome, revocationChecker } from '../revocation/check.js';

export type ValidationStatus = 'passed' | 'failed' | 'skipped' | 'unavailable';

export interface ValidationResult {
  check: Check;
  action: Action;
  status: ValidationStatus;
  /** One line: what was checked, or why it failed. */
  detail: string;
}

export interface SignerSummary {
  subject: string;
  issuer: string;
  thumbprint: string;
  algorithm: string;
  signingScheme: string;
  signingTime: string;
  expiry?: string;
  signingAgent?: string;
}

export interface NotationOutcome {
  accepted: boolean;
  artifact: string;
  envelopeMediaType: string;
  policy?: string;
  level?: Level;
  signer?: SignerSummary;
  target?: TargetDescriptor;
  results: ValidationResult[];
  /** The first enforced failure, when rejected. */
  reason?: string;
  /** Which kind of failure rejected it: a bad signature or an untrusted one. */
  failure?: 'verification' | 'policy';
  /** Per-certificate revocation status, when revocation was evaluated. */
  revocation?: RevocationOutcome;
}

export interface NotationVerifyInput {
  envelope: Buffer;
  envelopeMediaType: string;
  /** `registry/repository` of the artifact, for trust policy scopes. */
  repository: string;
  /** The digest the artifact really has (resolved from the registry or given by the user). */
  digest: string;
  policy: TrustPolicyDocument;
  trustStore: TrustStore;
  clock: Clock;
  /** How revocation is checked (default: online OCSP then CRL, with the spec's time thresholds). */
  revocation?: RevocationChecker;
}

const defaultRevocation = revocationChecker();

export function parseEnvelope(data: Buffer, mediaType: string): ParsedEnvelope {
  if (mediaType === MEDIA_TYPE_JWS) return parseJws(data);
  if (mediaType === MEDIA_TYPE_COSE) return parseCose(data);
  throw new VerificationError(`unsupported signature envelope media type "${mediaType}"`);
}

function integrity(env: ParsedEnvelope, digest: string): { detail: string; target: TargetDescriptor } {
  const info = env.signerInfo;
  const leaf = info.certificateChain[0] as X509Certificate;
  const keyAlg = algorithmForKey(leaf);
  if (keyAlg !== info.algorithm)
    throw new VerificationError(
      `algorithm ${info.algorithm} does not match the signing key (needs ${keyAlg ?? 'an allowed key'})`,
    );
  if (!verifyBytes(info.algorithm, leaf.publicKey, env.signingInput, env.signature))
    throw new VerificationError(
      'the signature does not verify with the signing certificate: the envelope was altered',
    );
  const target = parsePayload(env.payload);
  if (target.digest !== digest)
    throw new VerificationError(`the signature is for ${target.digest}, not for the artifact ${digest}`);
  const problem = chainProblem(info.certificateChain, info.signingTime);
  if (problem) throw new VerificationError(problem);
  return {
    detail: `${info.algorithm} signature over ${target.digest} verifies; certificate chain is well-formed`,
    target,
  };
}

async function authenticity(
  env: ParsedEnvelope,
  policy: NonNullable<ReturnType<typeof policyFor>>,
  store: TrustStore,
): Promise<string> {
  const info = env.signerInfo;
  const wanted = info.signingScheme === 'notary.x509' ? 'ca' : 'signingAuthority';
  const stores = policy.trustStores.filter((s) => s.type === wanted);
  if (stores.length === 0)
    throw new PolicyError(
      `the policy lists no trust store of type "${wanted}" for signing scheme ${info.signingScheme}`,
    );
  let anchor: X509Certificate | undefined;
  for (const s of stores) {
    for (const trusted of await store.certificates(s.type, s.name)) {
      if (info.certificateChain.some((c) => c.raw.equals(trusted.raw))) {
        anchor = trusted;
        break;
      }
    }
    if (anchor) break;
  }
  if (!anchor)
    throw new PolicyError(
      `the certificate chain does not lead to a certificate in ${stores.map((s) => `${s.type}:${s.name}`).join(', ')}`,
    );
  const leaf = info.certificateChain[0] as X509Certificate;
  if (policy.trustedIdentities !== '*') {
    const subject = subjectAttributes(leaf.subject);
    if (!policy.trustedIdentities.some((id) => identityMatches(id, subject)))
      throw new PolicyError(`signing identity "${subjectOf(leaf)}" is not among the trusted identities`);
  }
  return `chain leads to trusted "${subjectOf(anchor)}"; identity "${subjectOf(leaf)}" is trusted`;
}

function validAt(chain: readonly X509Certificate[], at: Date): string | undefined {
  for (const cert of chain) {
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    if (at < from) return `certificate "${subjectOf(cert)}" is not valid until ${from.toISOString()}`;
    if (at > to) return `certificate "${subjectOf(cert)}" expired at ${to.toISOString()}`;
  }
  return undefined;
}

/**
 * "Validate Trusted Timestamp": without a trusted timestamp the chain must be valid now; with one, the chain
 * must have been valid throughout the stamped time range, which is then the authentic signing time (so a
 * signature made before its certificate expired still verifies). The TSA chain is revocation-checked too.
 */
async function authenticTimestamp(
  env: ParsedEnvelope,
  policy: TrustPolicy,
  store: TrustStore,
  context: { now: Date; revocation: RevocationChecker; checkRevocation: boolean },
): Promise<{ detail: string; timestamp?: TrustedTimestamp }> {
  const info = env.signerInfo;
  if (info.signingScheme === 'notary.x509.signingAuthority')
    return {
      detail: `authentic signing time ${info.signingTime.toISOString()} lies within the chain's validity`,
    };
  const nowProblem = validAt(info.certificateChain, context.now);
  const token = info.timestampSignature;
  if (!token) {
    if (nowProblem)
      throw new PolicyError(`${nowProblem}, and the signature has no timestamp countersignature`);
    return { detail: 'no timestamp countersignature; the certificate chain is valid now' };
  }
  if (policy.verifyTimestamp === 'afterCertExpiry' && !nowProblem)
    return {
      detail: 'the certificate chain is valid now; timestamp not verified (verifyTimestamp: afterCertExpiry)',
    };
  const tsaStores = policy.trustStores.filter((s) => s.type === 'tsa');
  if (tsaStores.length === 0) {
    if (nowProblem)
      throw new PolicyError(`${nowProblem}, and the policy lists no tsa trust store to verify the timestamp`);
    return {
      detail:
        'timestamp not verified (the policy lists no tsa trust store); the certificate chain is valid now',
    };
  }
  const roots: X509Certificate[] = [];
  for (const s of tsaStores) roots.push(...(await store.certificates(s.type, s.name)));
  let ts: TrustedTimestamp;
  try {
    ts = verifyTimestampToken(token, env.signature, roots);
  } catch (error) {
    throw new PolicyError(`timestamp: ${errorMessage(error)}`);
  }
  const problem = chainValidThroughout(info.certificateChain, ts);
  if (problem) throw new PolicyError(problem);
  if (context.checkRevocation) {
    const tsaRevocation = await context.revocation(ts.chain, { now: context.now });
    if (tsaRevocation.result !== 'ok') throw new PolicyError(`timestamp authority: ${tsaRevocation.detail}`);
  }
  const accuracy = ts.token.accuracyMs > 0 ? ` ±${ts.token.accuracyMs} ms` : '';
  return {
    detail: `trusted timestamp ${ts.genTime.toISOString()}${accuracy} by "${subjectOf(ts.token.signer)}"; the certificate chain was valid then`,
    timestamp: ts,
  };
}

const ORDER: Check[] = ['integrity', 'authenticity', 'expiry', 'authenticTimestamp', 'revocation'];

export async function verifyNotation(input: NotationVerifyInput): Promise<NotationOutcome> {
  const artifact = `${input.repository}@${input.digest}`;
  const base = { artifact, envelopeMediaType: input.envelopeMediaType };
  const policy = policyFor(input.policy, input.repository);
  if (!policy)
    return {
      ...base,
      accepted: false,
      results: [],
      reason: `no trust policy applies to ${input.repository}`,
      failure: 'policy',
    };
  const context = { ...base, policy: policy.name, level: policy.level };
  if (policy.level === 'skip')
    return {
      ...context,
      accepted: true,
      results: ORDER.map((check) => ({
        check,
        action: 'skip',
        status: 'skipped',
        detail: 'verification level is skip',
      })),
    };
  const now = input.clock.now();
  const results: ValidationResult[] = [];
  let env: ParsedEnvelope;
  let target: TargetDescriptor;
  try {
    env = parseEnvelope(input.envelope, input.envelopeMediaType);
    const checked = integrity(env, input.digest);
    target = checked.target;
    results.push({ check: 'integrity', action: 'enforce', status: 'passed', detail: checked.detail });
  } catch (error) {
    const detail = errorMessage(error);
    results.push({ check: 'integrity', action: 'enforce', status: 'failed', detail });
    for (const check of ORDER.slice(1))
      results.push({
        check,
        action: policy.actions[check],
        status: 'skipped',
        detail: 'not evaluated: integrity failed',
      });
    return { ...context, accepted: false, results, reason: `integrity: ${detail}`, failure: 'verification' };
  }
  const info = env.signerInfo;
  const leaf = info.certificateChain[0] as X509Certificate;
  const run = async (check: Check, body: () => Promise<string> | string): Promise<void> => {
    const action = policy.actions[check];
    if (action === 'skip') {
      results.push({ check, action, status: 'skipped', detail: 'skipped by the trust policy' });
      return;
    }
    try {
      results.push({ check, action, status: 'passed', detail: await body() });
    } catch (error) {
      // A broken trust store is a configuration problem, not a verdict on the signature.
      if (error instanceof ConfigError) throw error;
      if (error instanceof Unavailable)
        results.push({ check, action, status: 'unavailable', detail: error.message });
      else results.push({ check, action, status: 'failed', detail: errorMessage(error) });
    }
  };
  await run('authenticity', () => authenticity(env, policy, input.trustStore));
  await run('expiry', () => {
    if (!info.expiry) return 'the signature has no expiry';
    if (now > info.expiry) throw new PolicyError(`the signature expired at ${info.expiry.toISOString()}`);
    return `the signature is valid until ${info.expiry.toISOString()}`;
  });
  let timestamp: TrustedTimestamp | undefined;
  const revocationCheck = input.revocation ?? defaultRevocation;
  await run('authenticTimestamp', async () => {
    const checked = await authenticTimestamp(env, policy, input.trustStore, {
      now,
      revocation: revocationCheck,
      checkRevocation: policy.actions.revocation !== 'skip',
    });
    timestamp = checked.timestamp;
    return checked.detail;
  });
  let revocation: RevocationOutcome | undefined;
  const authenticityFailed = results.some((r) => r.check === 'authenticity' && r.status === 'failed');
  const enforcedFailure = results.some((r) => r.status === 'failed' && r.action === 'enforce');
  if (authenticityFailed || enforcedFailure) {
    // Never fetch the URLs an untrusted chain names, and stop at the first critical failure, as the spec says.
    results.push({
      check: 'revocation',
      action: policy.actions.revocation,
      status: 'skipped',
      detail: authenticityFailed
        ? 'not evaluated: the certificate chain is not trusted'
        : 'not evaluated: an enforced validation failed',
    });
  } else {
    await run('revocation', async () => {
      revocation = await revocationCheck(info.certificateChain, {
        now,
        ...(timestamp ? { timestamp: timestamp.genTime } : {}),
      });
      if (revocation.result === 'revoked') throw new PolicyError(revocation.detail);
      if (revocation.result === 'unknown') throw new Unavailable(revocation.detail);
      return revocation.detail;
    });
  }
  // The spec fails the step both when a certificate is revoked and when its status cannot be determined.
  const rejected = results.find(
    (r) => (r.status === 'failed' || r.status === 'unavailable') && r.action === 'enforce',
  );
  return {
    ...context,
    accepted: !rejected,
    signer: {
      subject: subjectOf(leaf),
      issuer: leaf.issuer.split('\n').join(', '),
      thumbprint: sha256Thumbprint(leaf),
      algorithm: info.algorithm,
      signingScheme: info.signingScheme,
      signingTime: info.signingTime.toISOString(),
      ...(info.expiry ? { expiry: info.expiry.toISOString() } : {}),
      ...(info.signingAgent ? { signingAgent: info.signingAgent } : {}),
    },
    target,
    results,
    ...(revocation ? { revocation } : {}),
    ...(rejected ? { reason: `${rejected.check}: ${rejected.detail}`, failure: 'policy' as const } : {}),
  };
}

class Unavailable extends Error {}

/** Throw VerificationError for a bad signature, PolicyError for an untrusted or expired one. */
export function assertAccepted(outcome: NotationOutcome): void {
  if (outcome.accepted) return;
  const reason = outcome.reason ?? 'rejected';
  if (outcome.failure === 'verification') throw new VerificationError(reason);
  throw new PolicyError(reason);
}
