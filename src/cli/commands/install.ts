import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { writeOutput } from '../output.js';
import type { WebhookConfigInput } from '../../admission/config.js';
import { loadWebhookConfigFile, parseWebhookConfig } from '../../admission/config.js';
import { UsageError } from '../../core/errors.js';
import { generateServingCerts, serviceDnsNames } from '../../install/certs.js';
import { renderInstall, toYamlDocuments } from '../../install/render.js';
import { TOOL_VERSION } from '../../scan/version.js';

interface InstallFlags {
  print?: boolean;
  namespace: string;
  config?: string;
  image: string;
  replicas: string;
  generateCerts?: boolean;
  output?: string;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('install')
    .description('render the manifests that run the kubeward admission webhook in a cluster')
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
    .action(async (flags: InstallFlags) => {
      if (!flags.print)
        throw new UsageError('kubeward install only renders: pass --print and pipe into kubectl apply -f -');
      if (!NAMESPACE.test(flags.namespace) || flags.namespace.length > 63)
        throw new UsageError(`--namespace: "${flags.namespace}" is not a valid namespace name`);
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
