import { readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { SEVERITIES } from '../core/severity.js';
import type { CheckSettings } from '../checks/check.js';
import { vulndbSettingsSchema, DEFAULT_VULNDB_SETTINGS } from '../vulndb/sources.js';

/**
 * kubeward.yaml. The zod schema is the single source of validation and of the Config type; unknown keys are
 * errors so that a typo never silently disables a control.
 */
const severity = z.enum(SEVERITIES);
const isoDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${String(value)}` });
    return z.NEVER;
  }
  return date.toISOString().slice(0, 10);
});

/** runtimeClassName values of common sandboxes: Kata Containers (incl. AKS pod sandboxing) and gVisor. */
const SANDBOX_RUNTIME_CLASSES = [
  'kata',
  'kata-qemu',
  'kata-clh',
  'kata-mshv-vm-isolation',
  'kata-vm-isolation',
  'gvisor',
  'runsc',
];

const exceptionSchema = z.strictObject({
  rule: z.string().min(1),
  match: z
    .strictObject({
      kind: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
      file: z.string().optional(),
    })
    .default({}),
  reason: z.string().min(1),
  expires: isoDate.optional(),
});

export const configSchema = z.strictObject({
  rules: z
    .strictObject({
      disabled: z.array(z.string()).default([]),
      severity: z.record(z.string(), severity).default({}),
    })
    .default({ disabled: [], severity: {} }),
  exceptions: z.array(exceptionSchema).default([]),
  settings: z
    .strictObject({
      allowedRegistries: z.array(z.string()).default([]),
      untrustedNamespaces: z.array(z.string()).default([]),
      sandboxRuntimeClasses: z.array(z.string()).default([...SANDBOX_RUNTIME_CLASSES]),
    })
    .default({
      allowedRegistries: [],
      untrustedNamespaces: [],
      sandboxRuntimeClasses: [...SANDBOX_RUNTIME_CLASSES],
    }),
  pss: z
    .strictObject({
      level: z.enum(['privileged', 'baseline', 'restricted']).optional(),
      version: z
        .string()
        .regex(/^(latest|v1\.\d+)$/, 'expected "latest" or v1.N')
        .optional(),
    })
    .default({}),
  failOn: severity.optional(),
  vulndb: vulndbSettingsSchema.default(DEFAULT_VULNDB_SETTINGS),
});

export type Config = z.output<typeof configSchema>;
export type ExceptionRule = z.output<typeof exceptionSchema>;
export type { CheckSettings };

export const DEFAULT_CONFIG: Config = configSchema.parse({});
export const CONFIG_FILE_NAME = 'kubeward.yaml';

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or undefined for the embedded defaults. */
  path?: string;
}

/** Validate a decoded config value; errors name the key path. */
export function parseConfig(value: unknown, path = CONFIG_FILE_NAME): Config {
  const result = configSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '';
  const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`
      : issue.message;
  throw new ConfigError(`${path}: ${at}: ${what}`);
}

/** Load `--config FILE`, else `kubeward.yaml` in the working directory, else the embedded defaults. */
export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig> {
  const path = explicitPath ?? join(cwd, CONFIG_FILE_NAME);
  if (!explicitPath && !(await exists(path))) return { config: DEFAULT_CONFIG };
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
  return { config: parseConfig(value, path), path };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
