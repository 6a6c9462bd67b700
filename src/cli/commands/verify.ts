import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, UsageError, errorMessage } from '../../core/errors.js';
import { parseReference } from '../../image/index.js';
import {
  type IdentityRule,
  loadPublicKey,
  verifyCosignImage,
  verifyGpgSignatures,
} from '../../signing/cosign/index.js';
import {
  MEDIA_TYPE_COSE,
  MEDIA_TYPE_JWS,
  type NotationOutcome,
  loadTrustPolicy,
  openTrustStore,
  parseDuration,
  verifyImage,
  verifyNotation,
} from '../../signing/notation/index.js';
import { type RevocationChecker, loadCrlFiles, revocationChecker } from '../../signing/revocation/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output.js';
import { readFlagFile } from '../read-flag-file.js';

interface VerifyFlags {
  envelope?: string;
  mediaType?: string;
  artifact?: string;
  trustPolicy?: string;
  trustStore?: string;
  key?: string;
  gpgKey?: string[];
  lookaside?: string;
  signedIdentity?: string;
  insecure?: boolean;
  caFile?: string;
  crl?: string[];
  crlCache?: string;
  offline?: boolean;
  revocationTimeout?: string;
  format: 'text' | 'json';
}

/**
 * `--crl-cache` names a directory. A CRL file given there by mistake would be skipped silently (the cache is
 * best effort), leaving an air-gapped run with every certificate `unknown`: refuse it up front instead.
 */
async function checkCrlCache(dir: string, ctx: CliContext): Promise<void> {
  const info = await stat(resolve(ctx.cwd, dir)).catch(() => undefined);
  if (info && !info.isDirectory())
    throw new UsageError(`--crl-cache ${dir}: not a directory (give CRL files with --crl)`);
}

function outcomeText(o: NotationOutcome): string[] {
  const lines = [
    `${o.accepted ? 'ACCEPTED' : 'REJECTED'} ${o.artifact}${o.policy ? ` (policy "${o.policy}", level ${o.level})` : ''}`,
  ];
  if (o.signer)
    lines.push(`  signer: ${o.signer.subject} (${o.signer.algorithm}, signed ${o.signer.signingTime})`);
  for (const r of o.results)
    lines.push(`  ${r.check.padEnd(18)} ${r.status.padEnd(11)} [${r.action}] ${r.detail}`);
  for (const c of o.revocation?.certificates ?? [])
    if (c.status !== 'notRevocable' || o.revocation?.result !== 'ok')
      lines.push(`    ${c.status.padEnd(12)} ${c.subject}: ${c.detail}`);
  if (!o.accepted && o.reason) lines.push(`  reason: ${o.reason}`);
  return lines;
}

/** The revocation settings the flags ask for; bad CRL files are input errors naming the file. */
async function revocationFrom(flags: VerifyFlags, ctx: CliContext): Promise<RevocationChecker> {
  const budgetMs = flags.revocationTimeout ? parseDuration(flags.revocationTimeout) : undefined;
  if (flags.crlCache) await checkCrlCache(flags.crlCache, ctx);
  let crls;
  try {
    crls = await loadCrlFiles((flags.crl ?? []).map((f) => resolve(ctx.cwd, f)));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read CRL: ${errorMessage(error)}`, { cause: error });
  }
  return revocationChecker({
    online: !flags.offline,
    crls,
    ...(flags.crlCache ? { cacheDir: resolve(ctx.cwd, flags.crlCache) } : {}),
    ...(budgetMs !== undefined ? { budgetMs } : {}),
  });
}

/** `kubeward verify`: Notation signatures (registry or envelope on disk), cosign keys, GPG simple signing. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description(
      'verify image signatures: Notation trust policy (default), cosign key (--key), GPG (--gpg-key)',
    )
    .argument('[ref]', 'image reference; omit with --envelope')
    .option('--envelope <file>', 'verify a Notation signature envelope on disk')
    .addOption(
      new Option('--media-type <type>', 'envelope media type (with --envelope)').choices([
        MEDIA_TYPE_JWS,
        MEDIA_TYPE_COSE,
      ]),
    )
    .option('--artifact <ref@digest>', 'the artifact the envelope must sign (with --envelope)')
    .option('--trust-policy <file>', 'Notation trust policy (trustpolicy.json)')
    .option('--trust-store <dir>', 'Notation trust store directory (x509/{ca,signingAuthority,tsa}/NAME)')
    .option('--key <file>', 'cosign public key: verify cosign signatures (sha256-<hex>.sig)')
    .option('--gpg-key <file...>', 'GPG public key(s): verify simple-signing signatures in --lookaside')
    .option('--lookaside <dir>', 'lookaside signature storage directory (GPG)')
    .option(
      '--signed-identity <repo>',
      'cosign/GPG: accept signatures whose docker-reference names this repository',
    )
    .option('--insecure', 'talk plain HTTP to the registry')
    .option('--ca-file <file>', 'extra CA certificates (PEM) for the registry')
    .option(
      '--crl <file...>',
      'Notation revocation: CRLs to use (DER or PEM), e.g. for air-gapped verification',
    )
    .option(
      '--crl-cache <dir>',
      'Notation revocation: directory of CRLs, also where downloaded CRLs are kept',
    )
    .option('--offline', 'Notation revocation: never contact OCSP responders or CRL distribution points')
    .option(
      '--revocation-timeout <duration>',
      'Notation revocation: total time budget for OCSP and CRL requests (default 10s)',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (refText: string | undefined, flags: VerifyFlags) => {
      const access = {
        ...(flags.insecure ? { insecure: true } : {}),
        ...(flags.caFile ? { caFile: resolve(ctx.cwd, flags.caFile) } : {}),
      };
      const identity: IdentityRule | undefined = flags.signedIdentity
        ? {
            kind: 'exactRepository',
            repository: (({ registry, repository }) => `${registry}/${repository}`)(
              parseReference(flags.signedIdentity),
            ),
          }
        : undefined;
      let accepted: boolean;
      let json: unknown;
      let text: string[];
      if (flags.key || flags.gpgKey) {
        if (!refText) throw new UsageError('an image reference is required');
        const ref = parseReference(refText);
        if (flags.key) {
          const key = loadPublicKey(await readFlagFile('--key', flags.key, ctx), flags.key);
          const result = await verifyCosignImage(ref, { key, ...(identity ? { identity } : {}), access });
          accepted = result.accepted;
          json = { kind: 'cosign', ...result };
          text = [
            `${accepted ? 'ACCEPTED' : 'REJECTED'} ${result.reference} (cosign)`,
            ...result.signatures.map(
              (s) => `  ${s.layerDigest} ${s.verified ? 'verified' : `failed: ${s.reason ?? ''}`}`,
            ),
          ];
          if (!accepted && result.reason) text.push(`  reason: ${result.reason}`);
        } else {
          if (!flags.lookaside) throw new UsageError('--gpg-key needs --lookaside DIR');
          if (!ref.digest)
            throw new UsageError('GPG verification needs REF@sha256:... (the lookaside path is by digest)');
          const result = await verifyGpgSignatures({
            publicKeys: (flags.gpgKey ?? []).map((k) => resolve(ctx.cwd, k)),
            lookaside: resolve(ctx.cwd, flags.lookaside),
            repository: `${ref.registry}/${ref.repository}`,
            digest: ref.digest,
            ...(identity ? { identity } : {}),
          });
          accepted = result.accepted;
          json = { kind: 'gpg', ...result };
          text = [
            `${accepted ? 'ACCEPTED' : 'REJECTED'} ${result.reference} (GPG simple signing)`,
            ...result.signatures.map(
              (s) =>
                `  ${s.file} ${s.verified ? `verified (${s.fingerprint ?? ''})` : `failed: ${s.reason ?? ''}`}`,
            ),
          ];
          if (!accepted && result.reason) text.push(`  reason: ${result.reason}`);
        }
      } else {
        if (!flags.trustPolicy || !flags.trustStore)
          throw new UsageError('--trust-policy and --trust-store are required');
        const policy = await loadTrustPolicy(resolve(ctx.cwd, flags.trustPolicy));
        const trustStore = openTrustStore(resolve(ctx.cwd, flags.trustStore));
        const revocation = await revocationFrom(flags, ctx);
        if (flags.envelope) {
          if (!flags.mediaType || !flags.artifact)
            throw new UsageError('--envelope needs --media-type and --artifact REF@sha256:HEX');
          const artifact = parseReference(flags.artifact);
          if (!artifact.digest) throw new UsageError('--artifact must name a digest (REF@sha256:HEX)');
          const outcome = await verifyNotation({
            envelope: await readFlagFile('--envelope', flags.envelope, ctx),
            envelopeMediaType: flags.mediaType,
            repository: `${artifact.registry}/${artifact.repository}`,
            digest: artifact.digest,
            policy,
            trustStore,
            clock: ctx.clock,
            revocation,
          });
          accepted = outcome.accepted;
          json = { kind: 'notation', ...outcome };
          text = outcomeText(outcome);
        } else {
          if (!refText) throw new UsageError('an image reference or --envelope is required');
          const result = await verifyImage(parseReference(refText), {
            policy,
            trustStore,
            clock: ctx.clock,
            access,
            revocation,
          });
          accepted = result.accepted;
          json = { kind: 'notation', ...result };
          text = [
            `${accepted ? 'ACCEPTED' : 'REJECTED'} ${result.reference}`,
            ...result.signatures.flatMap(outcomeText),
          ];
          if (!accepted && result.reason) text.push(`reason: ${result.reason}`);
        }
      }
      await writeOutput(
        flags.format === 'json' ? JSON.stringify(json, null, 2) : text.join('\n'),
        undefined,
        ctx,
      );
      ctx.setExitCode(accepted ? EXIT.OK : EXIT.FAILED);
    });
}
