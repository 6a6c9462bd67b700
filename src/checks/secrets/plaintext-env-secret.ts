// Spec: no container sets a credential as a literal `env[].value`: neither a variable named like a secret
// (DB_PASSWORD, API_KEY, ...) nor any value that looks like a credential. Values from `valueFrom` pass here
// (see secrets.secret-in-env-var). The message shows only the variable name and a fixed mask.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { asArray, isObject } from '../../k8s/object.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { containerViolation, describeContainer } from '../workload/containers.js';
import { credentialReason, REDACTED } from './credential-heuristics.js';

export const plaintextEnvSecret = defineCheck<PodCheck>({
  id: 'secrets.plaintext-env-secret',
  severity: 'high',
  title: 'Credential set as a plain-text environment variable',
  description:
    'A literal credential in the pod spec is stored in git, in the API server and etcd as part of the ' +
    'workload, and shown to anyone who can read Deployments, which is a far wider audience than Secret readers.',
  remediation:
    'Store the value in a Secret (ideally synced from Azure Key Vault) and mount it as a file, or at least ' +
    'reference it with env[].valueFrom.secretKeyRef; rotate the exposed value.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
  ],
  category: 'secrets',
  scope: 'pod',
  evaluate(pod) {
    return containersOf(pod).flatMap((view) =>
      asArray(view.container['env']).flatMap((env, index) => {
        if (!isObject(env) || typeof env['name'] !== 'string' || typeof env['value'] !== 'string') return [];
        const reason = credentialReason(env['name'], env['value']);
        if (reason === undefined) return [];
        return [
          containerViolation(
            view,
            `env[${index}].value`,
            `${describeContainer(view)} env ${env['name']} ${reason} (${REDACTED})`,
          ),
        ];
      }),
    );
  },
});
