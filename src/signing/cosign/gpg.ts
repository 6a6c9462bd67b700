/**
 * containers/image "simple signing" with GPG (what `skopeo copy --sign-by` writes and `policy.json` `signedBy`
 * enforces): signatures in lookaside storage at `<base>/<repository>@sha256=<hex>/signature-<n>`, each an OpenPGP
 * signed message whose content is an `atomic container signature` payload. gpg does the cryptography, in a
 * throw-away keyring holding only the given public keys.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { PolicyError, VerificationError } from '../errors.js';
import { type IdentityRule, checkClaims, parseSimpleSigning } from './simple-signing.js';

const run = promisify(execFile);
const MAX_SIGNATURE = 64 * 1024;
const MAX_SIGNATURES = 16;

export interface GpgSignatureResult {
  file: string;
  verified: boolean;
  fingerprint?: string;
  reason?: string;
  failure?: 'verification' | 'policy';
}

export interface GpgVerification {
  reference: string;
  digest: string;
  accepted: boolean;
  signatures: GpgSignatureResult[];
  reason?: string;
}

/** `<lookaside>/<repo path>@sha256=<hex>/`; the repository path excludes the registry host, as c/image writes it. */
export function lookasideDir(base: string, repositoryPath: string, digest: string): string {
  return join(base, `${repositoryPath}@${digest.replace(':', '=')}`);
}

export async function verifyGpgSignatures(input: {
  /** Armored or binary public key file(s). */
  publicKeys: string[];
  lookaside: string;
  /** `registry/repository`. */
  repository: string;
  digest: string;
  identity?: IdentityRule;
  gpgBinary?: string;
}): Promise<GpgVerification> {
  const gpg = input.gpgBinary ?? 'gpg';
  const repoPath = input.repository.slice(input.repository.indexOf('/') + 1);
  const dir = lookasideDir(input.lookaside, repoPath, input.digest);
  const home = await mkdtemp(join(tmpdir(), 'kubeward-gpg-'));
  const base = { reference: `${input.repository}@${input.digest}`, digest: input.digest };
  try {
    for (const key of input.publicKeys) {
      try {
        await run(gpg, ['--homedir', home, '--batch', '--quiet', '--import', key]);
      } catch (error) {
        throw new ConfigError(
          `cannot import GPG public key ${key}: ${errorMessage(error).split('\n')[0] ?? ''}`,
        );
      }
    }
    const signatures: GpgSignatureResult[] = [];
    for (let n = 1; n <= MAX_SIGNATURES; n++) {
      const file = join(dir, `signature-${n}`);
      try {
        const info = await stat(file);
        if (info.size > MAX_SIGNATURE) {
          signatures.push({
            file,
            verified: false,
            reason: 'signature file too large',
            failure: 'verification',
          });
          continue;
        }
      } catch {
        break;
      }
      try {
        const { payload, fingerprint } = await gpgVerify(gpg, home, file);
        const claims = parseSimpleSigning(payload, 'atomic container signature');
        checkClaims(claims, input.repository, input.digest, input.identity ?? { kind: 'matchRepository' });
        signatures.push({ file, verified: true, fingerprint });
      } catch (error) {
        if (!(error instanceof VerificationError) && !(error instanceof PolicyError)) throw error;
        signatures.push({
          file,
          verified: false,
          reason: error.message,
          failure: error instanceof PolicyError ? 'policy' : 'verification',
        });
      }
    }
    const accepted = signatures.some((s) => s.verified);
    return {
      ...base,
      accepted,
      signatures,
      ...(accepted ? {} : { reason: signatures[0]?.reason ?? `no signature in ${dir}` }),
    };
  } finally {
    // gpg may have started an agent for this home; stop it before removing the folder.
    await run('gpgconf', ['--homedir', home, '--kill', 'all']).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

async function gpgVerify(
  gpg: string,
  home: string,
  file: string,
): Promise<{ payload: Buffer; fingerprint: string }> {
  const out = join(home, 'payload');
  const status = join(home, 'status');
  await rm(out, { force: true });
  await writeFile(status, '');
  try {
    await run(gpg, [
      '--homedir',
      home,
      '--batch',
      '--no-auto-key-retrieve',
      '--status-file',
      status,
      '--output',
      out,
      '--decrypt',
      file,
    ]);
  } catch {
    const lines = await readFile(status, 'utf8').catch(() => '');
    const why =
      /\[GNUPG:\] (NO_PUBKEY|BADSIG|ERRSIG|NODATA)[^\n]*/.exec(lines)?.[0] ?? 'gpg could not verify it';
    throw new VerificationError(`invalid GPG signature: ${why.replace('[GNUPG:] ', '')}`);
  }
  const lines = await readFile(status, 'utf8');
  const valid = /\[GNUPG:\] VALIDSIG ([0-9A-F]{40,64})/.exec(lines);
  if (!valid || !lines.includes('[GNUPG:] GOODSIG'))
    throw new VerificationError('gpg reported no good signature');
  return { payload: await readFile(out), fingerprint: valid[1] ?? '' };
}
