// `image origin REF`: is this image of known origin (a trusted Notation signature, or a digest in the build
// ledger)? Mounted under `image` by image.ts.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseReference } from '../../image/index.js';
import { loadTrustPolicy, openTrustStore, resolveDescriptor } from '../../signing/notation/index.js';
import type { TrustPolicyDocument } from '../../signing/notation/trust-policy.js';
import type { TrustStore } from '../../signing/notation/trust-store.js';
import { RegistryWriter, type RegistryAccess } from '../../signing/registry-push.js';
import { type BuildLedger, fileLedger, readLedgerFile, storeLedger } from '../../scan/build-ledger.js';
import { originOf } from '../../scan/provenance.js';
import { defaultStorePath, isPostgresUrl, openStore } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output.js';
import { visibleText } from '../../report/terminal-text.js';

interface OriginFlags {
  trustPolicy?: string;
  trustStore?: string;
  ledger: string[];
  store?: string;
  insecure?: boolean;
  caFile?: string;
  format: 'text' | 'json';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * The ledgers `--ledger FILE...` and `--store LOCATION` name. With neither, the local store (where
 * `image scan --record-build` writes by default); with files only, just the files.
 */
export async function openLedgers(
  flags: { ledger: readonly string[]; store?: string | undefined },
  ctx: CliContext,
): Promise<{ list: BuildLedger[]; close: () => Promise<void> }> {
  const list = flags.ledger.map((file) => fileLedger(resolve(ctx.cwd, file)));
  if (flags.store === undefined && list.length > 0) return { list, close: async () => undefined };
  const location = flags.store ?? defaultStorePath(ctx.env);
  const postgres = isPostgresUrl(location);
  const path = postgres ? location : resolve(ctx.cwd, location);
  const store = await openStore(path);
  // A PostgreSQL URL may carry a password: never echo it.
  list.push(storeLedger(store, postgres ? 'store (PostgreSQL)' : `store ${path}`));
  return { list, close: () => store.close() };
}

/**
 * `--trust-policy FILE --trust-store DIR`: both or neither (a UsageError otherwise). Shared by `image origin`
 * and `serve`, which take these flags with the same meaning.
 */
export async function trustOfFlags(
  flags: { trustPolicy?: string | undefined; trustStore?: string | undefined },
  ctx: CliContext,
): Promise<{ policy: TrustPolicyDocument; trustStore: TrustStore } | undefined> {
  if ((flags.trustPolicy === undefined) !== (flags.trustStore === undefined))
    throw new UsageError('--trust-policy and --trust-store go together');
  if (flags.trustPolicy === undefined || flags.trustStore === undefined) return undefined;
  return {
    policy: await loadTrustPolicy(resolve(ctx.cwd, flags.trustPolicy)),
    trustStore: openTrustStore(resolve(ctx.cwd, flags.trustStore)),
  };
}

export function registerImageOrigin(image: Command, ctx: CliContext): void {
  image
    .command('origin')
    .description(
      'known or unknown origin: a Notation signature the trust policy accepts, or the digest in the build ledger (exit 1 when unknown)',
    )
    .argument('<ref>', 'image reference in a registry (tag or digest)')
    .option('--trust-policy <file>', 'Notation trust policy (trustpolicy.json)')
    .option('--trust-store <dir>', 'Notation trust store directory (x509/{ca,signingAuthority,tsa}/NAME)')
    .option('--ledger <file>', 'build ledger file (JSON lines) published by CI (repeatable)', collect, [])
    .option(
      '--store <location>',
      'store holding the build ledger (SQLite file or postgres:// URL; default: the local store unless --ledger is given)',
    )
    .option('--insecure', 'talk plain HTTP to the registry')
    .option('--ca-file <file>', 'extra CA certificates (PEM) for the registry')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (refText: string, flags: OriginFlags) => {
      const trust = await trustOfFlags(flags, ctx);
      const ref = parseReference(refText);
      const access: RegistryAccess = {
        ...(flags.insecure ? { insecure: true } : {}),
        ...(flags.caFile ? { caFile: resolve(ctx.cwd, flags.caFile) } : {}),
      };
      // A bad ledger file is reported before the registry is asked anything.
      for (const file of flags.ledger) await readLedgerFile(resolve(ctx.cwd, file));
      const repository = `${ref.registry}/${ref.repository}`;
      // The digest the registry serves now: a tag is judged by what it points at, not by its name.
      const writer = await RegistryWriter.create(ref, access);
      let digest: string;
      try {
        digest = (await resolveDescriptor(writer, ref)).digest;
      } finally {
        await writer.close();
      }
      const ledgers = await openLedgers({ ledger: flags.ledger, store: flags.store }, ctx);
      try {
        const result = await originOf(
          { reference: refText, repository, digest },
          { ...(trust ? { trust } : {}), ledgers: ledgers.list, clock: ctx.clock, access },
        );
        const out =
          flags.format === 'json'
            ? JSON.stringify({ reference: refText, repository, digest, ...result }, null, 2)
            : // The detail quotes ledger records and signer names, which a published ledger file can fill with
              // terminal escape sequences.
              `${result.origin.toUpperCase()} ${repository}@${digest}\n  ${visibleText(result.detail)}`;
        await writeOutput(out, undefined, ctx);
        ctx.setExitCode(result.origin === 'unknown' ? EXIT.FAILED : EXIT.OK);
      } finally {
        await ledgers.close();
      }
    });
}
