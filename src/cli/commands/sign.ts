import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseReference } from '../../image/index.js';
import { parseCertificates } from '../../signing/certs.js';
import {
  loadPrivateKey,
  parseDuration,
  signImage,
  type SignatureFormat,
} from '../../signing/notation/index.js';
import type { CliContext } from '../context.js';
import { writeOutput } from '../output.js';
import { readFlagFile } from '../read-flag-file.js';

interface SignFlags {
  key: string;
  cert: string;
  signatureFormat: SignatureFormat;
  expiry?: string;
  insecure?: boolean;
  caFile?: string;
  timestampUrl?: string;
  timestampRootCert?: string;
  format: 'text' | 'json';
}

/**
 * `--timestamp-url` is checked before anything is read or pushed: only plain http (RFC 3161 over HTTP, as
 * notation), and no userinfo, which fetch refuses anyway and which must not be echoed into logs.
 */
export function parseTimestampUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('--timestamp-url: not a URL (expected http://HOST[:PORT]/PATH)');
  }
  if (url.username !== '' || url.password !== '')
    throw new UsageError('--timestamp-url: credentials in the URL are not supported (they would be logged)');
  if (url.protocol !== 'http:')
    throw new UsageError(
      `--timestamp-url: only http:// timestamp authorities are supported, not ${url.protocol}`,
    );
  return url.href;
}

/** `kubeward sign REF --key KEY.pem --cert CHAIN.pem`: a Notary Project signature pushed next to the image. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('sign')
    .description('sign an image with a Notary Project (Notation) signature and push it to the registry')
    .argument('<ref>', 'image reference (tag or digest)')
    .requiredOption('--key <file>', 'PEM private key (RSA 2048/3072/4096 or EC P-256/384/521)')
    .requiredOption('--cert <file>', 'PEM certificate chain, leaf first, ending with the root')
    .addOption(
      new Option('--signature-format <format>', 'envelope format').choices(['jws', 'cose']).default('jws'),
    )
    .option('--expiry <duration>', 'signature lifetime, e.g. 24h, 30d')
    .option('--timestamp-url <url>', 'RFC 3161 timestamp authority (http) to countersign the signature')
    .option('--timestamp-root-cert <file>', 'root certificate (PEM) the TSA token must chain to')
    .option('--insecure', 'talk plain HTTP to the registry')
    .option('--ca-file <file>', 'extra CA certificates (PEM) for the registry')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (refText: string, flags: SignFlags) => {
      const ref = parseReference(refText);
      if ((flags.timestampUrl === undefined) !== (flags.timestampRootCert === undefined))
        throw new UsageError('--timestamp-url and --timestamp-root-cert go together');
      const timestampUrl =
        flags.timestampUrl !== undefined ? parseTimestampUrl(flags.timestampUrl) : undefined;
      const key = loadPrivateKey(await readFlagFile('--key', flags.key, ctx), flags.key);
      const chain = parseCertificates(await readFlagFile('--cert', flags.cert, ctx), flags.cert);
      const expiresInMs = flags.expiry ? parseDuration(flags.expiry) : undefined;
      const timestamp =
        timestampUrl && flags.timestampRootCert
          ? {
              url: timestampUrl,
              roots: parseCertificates(
                await readFlagFile('--timestamp-root-cert', flags.timestampRootCert, ctx),
                flags.timestampRootCert,
              ),
            }
          : undefined;
      const result = await signImage(ref, {
        key,
        chain,
        format: flags.signatureFormat,
        clock: ctx.clock,
        ...(expiresInMs !== undefined ? { expiresInMs } : {}),
        ...(timestamp ? { timestamp } : {}),
        access: {
          ...(flags.insecure ? { insecure: true } : {}),
          ...(flags.caFile ? { caFile: resolve(ctx.cwd, flags.caFile) } : {}),
        },
      });
      const repo = `${ref.registry}/${ref.repository}`;
      const out =
        flags.format === 'json'
          ? JSON.stringify(
              {
                subject: `${repo}@${result.target.digest}`,
                signature: `${repo}@${result.digest}`,
                envelopeMediaType: result.envelopeMediaType,
                via: result.via,
              },
              null,
              2,
            )
          : `Signed ${repo}@${result.target.digest}\nSignature ${result.digest} (${result.envelopeMediaType}) stored via ${result.via}`;
      await writeOutput(out, undefined, ctx);
    });
}
