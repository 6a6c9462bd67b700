// webhook.yaml: one zod schema is the single source of validation and of the WebhookConfig type. Unknown keys
// are errors, so a typo never silently switches a control off.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { labelSelectorSchema } from './label-selector.js';

const level = z.enum(['privileged', 'baseline', 'restricted']);
const version = z.string().regex(/^(latest|v1\.(0|[1-9][0-9]*))$/, 'expected "latest" or v1.N');
export const EFFECTS = ['deny', 'warn', 'audit', 'disabled'] as const;
export type Effect = (typeof EFFECTS)[number];
const effect = z.enum(EFFECTS);

/** runtimeClassName values of common sandboxes, as kubeward.yaml defaults them. */
const SANDBOX_RUNTIME_CLASSES = [
  'kata',
  'kata-qemu',
  'kata-clh',
  'kata-mshv-vm-isolation',
  'kata-vm-isolation',
  'gvisor',
  'runsc',
];

const serverSchema = z.strictObject({
  listen: z.string().default('0.0.0.0:8443'),
  tls: z
    .strictObject({
      certFile: z.string().min(1),
      keyFile: z.string().min(1),
      /** Periodic stat, beside fs.watch, because watches miss atomic symlink swaps on some filesystems. */
      reloadIntervalSeconds: z.number().positive().default(10),
    })
    .optional(),
  /** The API server sends at most ~3 MiB objects; twice that covers object plus oldObject. */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(7 * 1024 * 1024),
  requestTimeoutSeconds: z.number().positive().default(30),
  shutdownGraceSeconds: z.number().nonnegative().default(20),
});

const assignmentSchema = z.strictObject({
  /** Check ids or globs over them (`workload.*`). */
  checks: z.array(z.string().min(1)).min(1),
  effect,
  /** Namespaces whose labels match; absent means every namespace. */
  namespaceSelector: labelSelectorSchema.optional(),
  /** Namespace name globs; absent means every namespace. Both must match when both are given. */
  namespaces: z.array(z.string().min(1)).optional(),
});

const verifyRuleSchema = z.strictObject({
  /** Registry or registry/path prefixes (globs per segment), as allowedRegistries entries. */
  images: z.array(z.string().min(1)).min(1),
  /** Name of a signature verifier known to the server. */
  verifier: z.string().min(1),
  namespaceSelector: labelSelectorSchema.optional(),
});

/** Registry access of one verifier, over images.registries (which the digest resolver uses too). */
const verifierAccess = {
  /** Registries (host:port) spoken to over plain HTTP, besides images.registries.plainHttp. */
  insecureRegistries: z.array(z.string().min(1)).default([]),
  /** CA bundle (PEM) for registries with a private CA; replaces images.registries.caFile for this verifier. */
  caFile: z.string().min(1).optional(),
};

const verifierName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, 'expected lower-case letters, digits, ".", "_" or "-"');

const verifierSchema = z.discriminatedUnion('type', [
  z.strictObject({
    name: verifierName,
    type: z.literal('notation'),
    /** Notation trust policy (trustpolicy.json). */
    trustPolicy: z.string().min(1),
    /** Notation trust store directory: DIR/x509/{ca,signingAuthority,tsa}/NAME/*.pem. */
    trustStore: z.string().min(1),
    ...verifierAccess,
  }),
  z.strictObject({
    name: verifierName,
    type: z.literal('cosign'),
    /** Public key (PEM) the signatures must verify with. */
    key: z.string().min(1),
    /** Repository (registry/path) the signatures must name, when images were copied from where they were signed. */
    signedIdentity: z.string().min(1).optional(),
    ...verifierAccess,
  }),
]);

export const webhookConfigSchema = z
  .strictObject({
    server: serverSchema.prefault({}),
    webhook: z
      .strictObject({
        timeoutSeconds: z.number().int().min(1).max(30).default(10),
        failurePolicy: z.enum(['Fail', 'Ignore']).default('Fail'),
      })
      .prefault({}),
    namespaces: z
      .strictObject({
        /** Static labels per namespace name; they win over the API lookup. */
        labels: z.record(z.string(), z.record(z.string(), z.string())).default({}),
        api: z
          .strictObject({
            enabled: z.boolean().default(false),
            /** Defaults to the in-cluster service (KUBERNETES_SERVICE_HOST/PORT). */
            server: z.string().url().optional(),
            tokenFile: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
            caFile: z.string().default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'),
            cacheTtlSeconds: z.number().nonnegative().default(30),
            timeoutMs: z.number().int().positive().default(2000),
          })
          .prefault({}),
      })
      .prefault({}),
    podSecurity: z
      .strictObject({
        /** PodSecurityConfiguration defaults: what an unlabelled namespace gets. */
        defaults: z
          .strictObject({
            enforce: level.default('privileged'),
            'enforce-version': version.default('latest'),
            audit: level.default('privileged'),
            'audit-version': version.default('latest'),
            warn: level.default('privileged'),
            'warn-version': version.default('latest'),
          })
          .prefault({}),
        exemptions: z
          .strictObject({
            usernames: z.array(z.string()).default([]),
            namespaces: z.array(z.string()).default([]),
            runtimeClasses: z.array(z.string()).default([]),
          })
          .prefault({}),
      })
      .prefault({}),
    checks: z
      .strictObject({
        settings: z
          .strictObject({
            allowedRegistries: z.array(z.string()).default([]),
            untrustedNamespaces: z.array(z.string()).default([]),
            sandboxRuntimeClasses: z.array(z.string()).default([...SANDBOX_RUNTIME_CLASSES]),
          })
          .prefault({}),
        /** Evaluated in order; for each check the last assignment that matches the namespace wins. */
        assignments: z.array(assignmentSchema).default([]),
      })
      .prefault({}),
    images: z
      .strictObject({
        /** Registry allow-list; enforced through the workload.image-registry-not-allowed check. */
        allowedRegistries: z.array(z.string().min(1)).default([]),
        allowedRegistriesEffect: effect.default('deny'),
        /** /mutate rewrites `repo:tag` to `repo:tag@sha256:…` so the verified image is the one that runs. */
        resolveDigests: z.boolean().default(false),
        /** Signature verifiers that verify rules name. */
        verifiers: z.array(verifierSchema).default([]),
        verify: z.array(verifyRuleSchema).default([]),
        /** Images that no verify rule covers. */
        unknownOrigin: z.enum(['allow', 'warn', 'deny']).default('allow'),
        verification: z
          .strictObject({
            cacheTtlSeconds: z.number().nonnegative().default(300),
            /** Negative results are kept shorter: a signature may be pushed right after a failed deploy. */
            negativeCacheTtlSeconds: z.number().nonnegative().default(30),
            tagCacheTtlSeconds: z.number().nonnegative().default(30),
            budgetMs: z.number().int().positive().default(3000),
            failureMode: z.enum(['closed', 'open']).default('closed'),
            cacheMaxEntries: z.number().int().positive().default(10_000),
          })
          .prefault({}),
        registries: z
          .strictObject({
            /** Hosts spoken to over plain HTTP (local test registries only). */
            plainHttp: z.array(z.string()).default([]),
            /** Extra CA bundle (PEM) for registries with a private CA. */
            caFile: z.string().optional(),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    for (const [index, verifier] of config.images.verifiers.entries()) {
      if (names.has(verifier.name))
        ctx.addIssue({
          code: 'custom',
          path: ['images', 'verifiers', index, 'name'],
          message: `"${verifier.name}" is declared twice`,
        });
      names.add(verifier.name);
    }
    // The registry budget must end before the API server gives up on the webhook, or fail-open never happens.
    const limit = config.webhook.timeoutSeconds * 1000 - 500;
    if (config.images.verification.budgetMs > limit)
      ctx.addIssue({
        code: 'custom',
        path: ['images', 'verification', 'budgetMs'],
        message: `must be at most ${limit} (webhook.timeoutSeconds minus 500 ms for the rest of the request)`,
      });
  });

export type WebhookConfig = z.output<typeof webhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;
export type CheckAssignment = z.output<typeof assignmentSchema>;
export type VerifyRule = z.output<typeof verifyRuleSchema>;
export type VerifierConfig = z.output<typeof verifierSchema>;

/** Validate a decoded config value; the error names the key path. */
export function parseWebhookConfig(value: unknown, path = 'webhook.yaml'): WebhookConfig {
  const result = webhookConfigSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ConfigError(`${path}: invalid`);
  const at =
    issue.path.length > 0
      ? issue.path
          .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`))
          .join('')
      : '(top level)';
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`
      : issue.message;
  throw new ConfigError(`${path}: ${at}: ${what}`);
}

export async function loadWebhookConfig(path: string): Promise<WebhookConfig> {
  return (await loadWebhookConfigFile(path)).config;
}

/** The validated config and the value as written (install embeds the latter, so defaults stay implicit). */
export async function loadWebhookConfigFile(
  path: string,
): Promise<{ config: WebhookConfig; input: WebhookConfigInput }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  }
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 50 });
  } catch (error) {
    throw new ConfigError(`${path}: invalid YAML: ${errorMessage(error).split('\n')[0]}`);
  }
  const config = parseWebhookConfig(value, path);
  return { config, input: (value ?? {}) as WebhookConfigInput };
}
