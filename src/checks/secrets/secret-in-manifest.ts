// Spec: no Secret object in the manifests carries values in `data` or `stringData`. Empty Secrets (a
// service-account-token Secret the controller fills in) pass, and so do SOPS-encrypted files, whose values
// are ciphertext. The message lists key names, never values.
import type { ObjectCheck, Violation } from '../check.js';
import { defineCheck } from '../check.js';
import { isObject } from '../../k8s/object.js';

function keysWithValues(block: unknown): string[] {
  if (!isObject(block)) return [];
  return Object.entries(block)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key]) => key)
    .sort();
}

export const secretInManifest = defineCheck<ObjectCheck>({
  id: 'secrets.secret-in-manifest',
  severity: 'high',
  title: 'Secret values are committed in a manifest',
  description:
    'Secret data is only base64-encoded, not encrypted. Once committed it lives in every clone, fork, CI log ' +
    'and backup of the repository and cannot be revoked by deleting the file.',
  remediation:
    'Remove the values from the repository and rotate them. Keep secrets in Azure Key Vault (Secrets Store CSI ' +
    'driver), External Secrets, or commit them only encrypted (Sealed Secrets, SOPS).',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
  ],
  category: 'secrets',
  scope: 'object',
  kinds: ['Secret'],
  evaluate(secret) {
    // SOPS writes its metadata block at the top level of the files it encrypts.
    if (isObject(secret.raw['sops'])) return [];
    return (['data', 'stringData'] as const).flatMap((block): Violation[] => {
      const keys = keysWithValues(secret.raw[block]);
      if (keys.length === 0) return [];
      return [{ message: `Secret commits values in ${block} for keys: ${keys.join(', ')}`, field: block }];
    });
  },
});
