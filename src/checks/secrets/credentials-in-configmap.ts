// Spec: ConfigMaps hold no credentials: no key named like one (password, secret, token, api key, private
// key, connection string, credentials) with a literal value, and no value that looks like one (PEM private
// key, AccountKey=, JWT, URL with user:password@). Messages name the key and the evidence, never the value.
import type { ObjectCheck, Violation } from '../check.js';
import { defineCheck } from '../check.js';
import { isObject } from '../../k8s/object.js';
import { credentialReason, keyField, looksLikeSecretName } from './credential-heuristics.js';

export const credentialsInConfigMap = defineCheck<ObjectCheck>({
  id: 'secrets.credentials-in-configmap',
  severity: 'high',
  title: 'ConfigMap contains credentials',
  description:
    'ConfigMaps are meant for non-confidential data: they are readable by anyone who can read configuration in ' +
    'the namespace, are not encrypted at rest by default, and are routinely printed by tooling and committed.',
  remediation:
    'Move the credential to a Secret sourced from a secret store (Azure Key Vault via the Secrets Store CSI ' +
    'driver, External Secrets) and rotate it; keep only non-sensitive settings in the ConfigMap.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/configmap/',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
  ],
  category: 'secrets',
  scope: 'object',
  kinds: ['ConfigMap'],
  evaluate(configMap) {
    const data = configMap.raw['data'];
    const binaryData = configMap.raw['binaryData'];
    const fromData: Violation[] = isObject(data)
      ? Object.entries(data).flatMap(([key, value]) => {
          const reason = credentialReason(key, typeof value === 'string' ? value : String(value ?? ''));
          return reason === undefined
            ? []
            : [{ message: `ConfigMap key "${key}" ${reason}`, field: keyField('data', key) }];
        })
      : [];
    // binaryData values are base64 blobs; only their names can be judged.
    const fromBinary: Violation[] = isObject(binaryData)
      ? Object.keys(binaryData)
          .filter(looksLikeSecretName)
          .map((key) => ({
            message: `ConfigMap binaryData key "${key}" has a credential-like name`,
            field: keyField('binaryData', key),
          }))
      : [];
    return [...fromData, ...fromBinary];
  },
});
