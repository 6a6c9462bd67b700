// Spec: EncryptionConfiguration (apiserver.config.k8s.io/v1) as the API server reads it: per resource group,
// the FIRST provider encrypts new writes; `identity` first means plain text. CIS 1.2.29 (v1.7 numbering).
// Strength: kms v2 > kms v1 (deprecated) > aesgcm/secretbox (local key in a file) > aescbc (padding oracle,
// local key) > identity.
import type { JsonObject } from '../../k8s/object.js';
import { asArray, isObject } from '../../k8s/object.js';
import type { ConfigRule } from './config-rule.js';
import { defineConfigRule } from './config-rule.js';

export interface EncryptionInput {
  config: JsonObject;
}

const DOCS = 'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/';
const KMS = 'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/';

interface ResourceEntry {
  index: number;
  resources: string[];
  providers: { name: string; raw: JsonObject }[];
}

export function resourceEntries(config: JsonObject): ResourceEntry[] {
  return asArray(config['resources']).flatMap((raw, index) => {
    if (!isObject(raw)) return [];
    const resources = asArray(raw['resources']).filter((r): r is string => typeof r === 'string');
    const providers = asArray(raw['providers']).flatMap((p) => {
      if (!isObject(p)) return [];
      const name = Object.keys(p)[0];
      return name === undefined ? [] : [{ name, raw: p }];
    });
    return [{ index, resources, providers }];
  });
}

/** The entry whose first provider applies to secrets: exact names win over wildcards, in file order. */
function secretsEntry(config: JsonObject): ResourceEntry | undefined {
  const entries = resourceEntries(config);
  return (
    entries.find((e) => e.resources.includes('secrets')) ??
    entries.find((e) => e.resources.includes('*.')) ??
    entries.find((e) => e.resources.includes('*.*'))
  );
}

const base = (rule: Omit<ConfigRule<EncryptionInput>, 'cis' | 'cisVersion' | 'category' | 'references'>) =>
  defineConfigRule<EncryptionInput>({
    ...rule,
    cis: '1.2.29',
    cisVersion: '1.7',
    category: 'control-plane',
    references: [DOCS, KMS],
  });

export const secretsNotCovered = base({
  id: 'encryption.secrets-not-covered',
  severity: 'high',
  title: 'EncryptionConfiguration does not cover Secrets',
  description: 'Resources not listed are stored in plain text in etcd.',
  remediation: 'Add an entry with resources: [secrets] (or *.) and an encrypting provider first.',
  evaluate: (input) =>
    secretsEntry(input.config) ? [] : [{ field: 'resources', message: 'no resources entry covers secrets' }],
});

export const identityFirst = base({
  id: 'encryption.identity-first',
  severity: 'high',
  title: 'Secrets are written unencrypted (identity provider first)',
  description:
    'The first provider encrypts new writes; identity first means Secrets are written in plain text.',
  remediation:
    'Put the kms (v2) provider first and keep identity last, only to read old data during migration.',
  evaluate(input) {
    const entry = secretsEntry(input.config);
    const first = entry?.providers[0];
    if (!entry || first === undefined) return [];
    return first.name === 'identity'
      ? [
          {
            field: `resources[${entry.index}].providers[0]`,
            message: 'identity is the first provider for secrets',
          },
        ]
      : [];
  },
});

/** The first provider for secrets when it is not identity (identity has its own rule). */
function firstProvider(input: EncryptionInput): { field: string; name: string; raw: JsonObject } | undefined {
  const entry = secretsEntry(input.config);
  const first = entry?.providers[0];
  if (!entry || first === undefined || first.name === 'identity') return undefined;
  return { field: `resources[${entry.index}].providers[0].${first.name}`, name: first.name, raw: first.raw };
}

export const aescbcProvider = base({
  id: 'encryption.aescbc-provider',
  severity: 'medium',
  title: 'Secrets are encrypted with aescbc',
  description:
    'aescbc is vulnerable to padding oracle attacks and keeps its key in a file on the control plane node, next ' +
    'to the data it protects.',
  remediation: 'Use a kms provider with apiVersion: v2 backed by an external key management service.',
  evaluate(input) {
    const first = firstProvider(input);
    return first?.name === 'aescbc'
      ? [
          {
            field: first.field,
            message: 'aescbc (local key, padding oracle) is the first provider for secrets',
          },
        ]
      : [];
  },
});

export const localKeyProvider = base({
  id: 'encryption.local-key-provider',
  severity: 'low',
  title: 'Secrets are encrypted with a local key instead of KMS',
  description:
    'aesgcm and secretbox are sound ciphers, but the key sits in a file on the control plane node and is ' +
    'not rotated by an external key manager (aesgcm also needs rotation every 200k writes).',
  remediation: 'Use a kms provider with apiVersion: v2 backed by an external key management service.',
  evaluate(input) {
    const first = firstProvider(input);
    return first && (first.name === 'aesgcm' || first.name === 'secretbox')
      ? [{ field: first.field, message: `${first.name} (local key) is the first provider for secrets` }]
      : [];
  },
});

export const kmsV1Provider = base({
  id: 'encryption.kms-v1',
  severity: 'low',
  title: 'KMS provider uses the deprecated v1 API',
  description:
    'KMS v1 is deprecated (disabled by default since 1.29); v2 is faster and supports key rotation.',
  remediation: 'Set apiVersion: v2 on the kms provider (and run a KMS v2 plugin).',
  evaluate(input) {
    const first = firstProvider(input);
    if (first?.name !== 'kms') return [];
    const settings = first.raw['kms'];
    const version = isObject(settings) ? settings['apiVersion'] : undefined;
    return version === 'v2'
      ? []
      : [
          {
            field: `${first.field}.apiVersion`,
            message: 'kms provider uses v1 (deprecated); use apiVersion v2',
          },
        ];
  },
});

export const ENCRYPTION_RULES: readonly ConfigRule<EncryptionInput>[] = [
  secretsNotCovered,
  identityFirst,
  aescbcProvider,
  localKeyProvider,
  kmsV1Provider,
];
