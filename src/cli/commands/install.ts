import { type Command, Option } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { writeOutput } from '../output.js';
import type { WebhookConfigInput } from '../../admission/config.js';
import { loadWebhookConfigFile, parseWebhookConfig } from '../../admission/config.js';
import { UsageError } from '../../core/errors.js';
import { generateServingCerts, serviceDnsNames } from '../../install/certs.js';
import { renderInstall, toYamlDocuments } from '../../install/render.js';
import { renderRegistryScanInstall } from '../../install/registry-scan-job.js';
import { renderServeInstall } from '../../install/serve.js';
import { TOOL_VERSION } from '../../scan/version.js';

interface InstallFlags {
  print?: boolean;
  namespace: string;
  config?: string;
  image: string;
  replicas: string;
  generateCerts?: boolean;
  output?: string;
  component: (typeof COMPONENTS)[number];
  store: string;
  storeSecret: string;
  storageSize: string;
  interval: string;
  watchNamespace: string[];
  registry?: string;
  shards?: string;
  parallelism?: string;
  schedule?: string;
  pullSecret?: string;
  clusterName?: string;
}

/** What `install` can render; each component's renderer lives in its own file under src/install. */
const COMPONENTS = ['webhook', 'serve', 'registry-scan'] as const;
const collect = (value: string, previous: string[]): string[] => [...previous, value];

function storeSecretOf(text: string): { name: string; key: string } {
  const [name = '', key = 'url'] = text.split(':');
  if (!NAMESPACE.test(name) || !/^[-._a-zA-Z0-9]+$/.test(key))
    throw new UsageError(`--store-secret: expected NAME[:KEY], got "${text}"`);
  return { name, key };
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UsageError(`${flag}: expected 1..1000, got "${text}"`);
  return n;
}

/** serve and registry-scan: the continuous scanner and the sharded registry scan (see docs/deploy.md). */
function renderScannerComponent(flags: InstallFlags): Record<string, unknown>[] {
  const postgres = /^postgres(ql)?(:|$)/i.test(flags.store);
  if (!postgres && flags.store !== 'sqlite')
    throw new UsageError(
      `--store: "sqlite" or "postgres" (the URL itself goes into the Secret), got "${flags.store}"`,
    );
  const storeSecret = storeSecretOf(flags.storeSecret);
  if (flags.component === 'serve') {
    for (const ns of flags.watchNamespace)
      if (!NAMESPACE.test(ns))
        throw new UsageError(`--watch-namespace: "${ns}" is not a valid namespace name`);
    if (!/^\d+(s|m|h|d)$/.test(flags.interval))
      throw new UsageError(`--interval: expected e.g. 30m or 1h, got "${flags.interval}"`);
    if (!/^\d+(Mi|Gi|Ti)$/.test(flags.storageSize))
      throw new UsageError(`--storage-size: expected e.g. 10Gi, got "${flags.storageSize}"`);
    return renderServeInstall({
      namespace: flags.namespace,
      image: flags.image,
      store: postgres
        ? { kind: 'postgres', secretName: storeSecret.name, secretKey: storeSecret.key }
        : { kind: 'sqlite', storageSize: flags.storageSize },
      replicas: Number(flags.replicas),
      interval: flags.interval,
      watchNamespaces: flags.watchNamespace,
      ...(flags.clusterName !== undefined ? { clusterName: flags.clusterName } : {}),
    });
  }
  if (flags.clusterName !== undefined)
    throw new UsageError('--cluster-name: only for --component serve (it names the cluster serve reports)');
  if (!postgres)
    throw new UsageError('--component registry-scan: the shards share a store: pass --store postgres');
  if (!flags.registry)
    throw new UsageError('--component registry-scan: --registry HOST[:PORT][/prefix] is required');
  if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/i.test(flags.registry))
    throw new UsageError(`--registry: expected HOST[:PORT][/prefix], got "${flags.registry}"`);
  if (flags.schedule !== undefined && flags.schedule.trim().split(/\s+/).length !== 5)
    throw new UsageError(`--schedule: expected a five-field cron expression, got "${flags.schedule}"`);
  if (flags.pullSecret !== undefined && !NAMESPACE.test(flags.pullSecret))
    throw new UsageError(`--pull-secret: "${flags.pullSecret}" is not a valid Secret name`);
  const parallelism = positive(flags.parallelism, '--parallelism');
  return renderRegistryScanInstall({
    namespace: flags.namespace,
    image: flags.image,
    registry: flags.registry,
    shards: positive(flags.shards ?? '4', '--shards') ?? 4,
    ...(parallelism ? { parallelism } : {}),
    ...(flags.schedule ? { schedule: flags.schedule.trim() } : {}),
    ...(flags.pullSecret ? { pullSecret: flags.pullSecret } : {}),
    storeSecret,
  });
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('install')
    .description(
      'render the manifests that run kubeward in a cluster: the admission webhook, serve, or sharded registry scans',
    )
    .option('--print', 'print the manifests (pipe them to kubectl apply -f -)')
    .option('-n, --namespace <ns>', 'namespace for the webhook', 'kubeward-system')
    .option('-c, --config <file>', 'webhook configuration to embed (see examples/webhook/webhook.yaml)')
    .option('--image <image>', 'kubeward container image', `ghcr.io/kubeward/kubeward:v${TOOL_VERSION}`)
    .option('--replicas <n>', 'replicas (at least 2)', '2')
    .option(
      '--generate-certs',
      'generate a CA and serving certificate (Secret plus caBundle); otherwise bring your own Secret',
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .addOption(new Option('--component <name>', 'what to render').choices(COMPONENTS).default('webhook'))
    .option(
      '--store <kind>',
      'serve and registry-scan: sqlite (a volume) or postgres (URL from --store-secret)',
      'sqlite',
    )
    .option('--store-secret <name[:key]>', 'Secret holding the postgres:// URL', 'kubeward-store:url')
    .option('--storage-size <size>', 'serve with sqlite: size of the volume', '10Gi')
    .option('--interval <duration>', 'serve: scheduled pass interval', '1h')
    .option('--watch-namespace <ns>', 'serve: only this namespace (repeatable; default all)', collect, [])
    .option(
      '--cluster-name <name>',
      "serve: this cluster's name in a store that a fleet shares (default: default)",
    )
    .option('--registry <host>', 'registry-scan: HOST[:PORT][/prefix] to scan')
    .option('--shards <n>', 'registry-scan: pods the registry is split over (Indexed Job completions)', '4')
    .option('--parallelism <n>', 'registry-scan: pods at once (default: all shards)')
    .option('--schedule <cron>', 'registry-scan: a CronJob on this schedule instead of a one-off Job')
    .option('--pull-secret <name>', 'registry-scan: Secret with .dockerconfigjson registry credentials')
    .action(async (flags: InstallFlags) => {
      if (!flags.print)
        throw new UsageError('kubeward install only renders: pass --print and pipe into kubectl apply -f -');
      if (!NAMESPACE.test(flags.namespace) || flags.namespace.length > 63)
        throw new UsageError(`--namespace: "${flags.namespace}" is not a valid namespace name`);
      if (flags.component !== 'webhook') {
        const replicas = Number(flags.replicas);
        if (!Number.isInteger(replicas) || replicas < 2)
          throw new UsageError('--replicas: at least 2 (used by serve with a PostgreSQL store)');
        await writeOutput(toYamlDocuments(renderScannerComponent(flags)), flags.output, ctx);
        if (flags.store.includes('://')) {
          // Never echoed: the URL may carry the password.
          const { name, key } = storeSecretOf(flags.storeSecret);
          ctx.stderr(
            `kubeward install: the store URL is not written into the manifests; the pods read it from a Secret: kubectl -n ${flags.namespace} create secret generic ${name} --from-literal=${key}='postgres://...'\n`,
          );
        }
        return;
      }
      const replicas = Number(flags.replicas);
      if (!Number.isInteger(replicas) || replicas < 2)
        throw new UsageError('--replicas: at least 2, so a voluntary disruption never stops admission');
      let input: WebhookConfigInput = {};
      let config = parseWebhookConfig({});
      if (flags.config) ({ config, input } = await loadWebhookConfigFile(resolve(ctx.cwd, flags.config)));
      const name = 'kubeward-webhook';
      const certs = flags.generateCerts
        ? await generateServingCerts(serviceDnsNames(name, flags.namespace))
        : undefined;
      const objects = renderInstall({
        namespace: flags.namespace,
        image: flags.image,
        replicas,
        config,
        configInput: input,
        name,
        ...(certs ? { certs } : {}),
      });
      await writeOutput(toYamlDocuments(objects), flags.output, ctx);
    });
}
