/**
 * gate.yaml: per severity a grace period and whether only fixable vulnerabilities count; scopes that differ
 * per image repository; exceptions with a reason, an approver and an expiry. The zod schema is the single
 * source of validation and of the types; unknown keys are errors so a typo never disables the gate.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { readSmallFile, smallFileReason } from '../core/read-small-file.js';

export const GATE_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;
export type GateSeverity = (typeof GATE_SEVERITIES)[number];

const isoDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    ctx.addIssue({ code: 'custom', message: `expected a date YYYY-MM-DD, got ${String(value)}` });
    return z.NEVER;
  }
  return text;
});

const ruleSchema = z.union([
  z.strictObject({
    /** Days from the start of the clock until the vulnerability must be gone. 0: at once. */
    graceDays: z.number().int().min(0),
    /** Count only vulnerabilities with a fix available (vendor status `fixed`). */
    fixableOnly: z.boolean().default(false),
  }),
  /** Not counted at all. */
  z.literal('ignore'),
]);

const severitiesSchema = z.strictObject(
  Object.fromEntries(GATE_SEVERITIES.map((s) => [s, ruleSchema.optional()])) as Record<
    GateSeverity,
    z.ZodOptional<typeof ruleSchema>
  >,
);

const exceptionSchema = z.strictObject({
  /** Vulnerability id or any alias (CVE-..., GHSA-..., DSA-...). */
  id: z.string().min(1),
  /** Glob over the package name, source package name or purl. */
  package: z.string().min(1).optional(),
  /** Globs over the image repository (or the reference as given). */
  images: z.array(z.string().min(1)).optional(),
  reason: z.string().min(1),
  approver: z.string().min(1),
  /** Last day the exception applies (UTC). */
  expires: isoDate,
});

const scopeSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** Globs over the image repository; the first scope that matches applies. */
  images: z.array(z.string().min(1)).min(1),
  /** Overrides per severity; severities not named here keep the defaults. */
  severities: severitiesSchema,
});

export const gatePolicySchema = z.strictObject({
  apiVersion: z.literal('kubeward.dev/v1').optional(),
  kind: z.literal('VulnerabilityGate').optional(),
  /** Rules for images no scope matches. A severity left out is not counted. */
  defaults: severitiesSchema,
  scopes: z.array(scopeSchema).default([]),
  exceptions: z.array(exceptionSchema).default([]),
});

export type GatePolicy = z.output<typeof gatePolicySchema>;
export type GateRule = z.output<typeof ruleSchema>;
export type GateException = z.output<typeof exceptionSchema>;
export type GateScope = z.output<typeof scopeSchema>;

export function parseGatePolicy(value: unknown, where: string): GatePolicy {
  const result = gatePolicySchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') || '(top)';
    throw new ConfigError(`${where}: ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export async function loadGatePolicy(path: string): Promise<GatePolicy> {
  let text: string;
  try {
    text = (await readSmallFile(path, 4 * 1024 * 1024)).toString('utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read the gate policy: ${smallFileReason(error)}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new ConfigError(`${path}: invalid YAML: ${errorMessage(error)}`, { cause: error });
  }
  return parseGatePolicy(value, path);
}
