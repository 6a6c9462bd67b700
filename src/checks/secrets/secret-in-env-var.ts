// Spec: Secrets reach containers as mounted files, not environment variables: no env[].valueFrom.secretKeyRef
// and no envFrom[].secretRef.
import type { PodCheck, Violation } from '../check.js';
import { defineCheck } from '../check.js';
import type { ContainerView } from '../../k8s/pod-spec.js';
import { asArray, getPath, isObject } from '../../k8s/object.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { containerViolation, describeContainer } from '../workload/containers.js';

function nameOrUnnamed(value: unknown): string {
  return typeof value === 'string' && value !== '' ? `"${value}"` : '(unnamed)';
}

function secretEnvViolations(view: ContainerView): Violation[] {
  const single = asArray(view.container['env']).flatMap((env, index) => {
    const ref = getPath(env, ['valueFrom', 'secretKeyRef']);
    if (!isObject(env) || !isObject(ref)) return [];
    const message =
      `${describeContainer(view)} reads key ${nameOrUnnamed(ref['key'])} of Secret ${nameOrUnnamed(ref['name'])} ` +
      `into env ${String(env['name'] ?? '')}`;
    return [containerViolation(view, `env[${index}].valueFrom.secretKeyRef`, message)];
  });
  const whole = asArray(view.container['envFrom']).flatMap((source, index) => {
    const ref = getPath(source, ['secretRef']);
    if (!isObject(ref)) return [];
    const message = `${describeContainer(view)} imports every key of Secret ${nameOrUnnamed(ref['name'])} as environment variables`;
    return [containerViolation(view, `envFrom[${index}].secretRef`, message)];
  });
  return [...single, ...whole];
}

export const secretInEnvVar = defineCheck<PodCheck>({
  id: 'secrets.secret-in-env-var',
  severity: 'low',
  title: 'Secret consumed through environment variables',
  description:
    'Environment variables leak: they are inherited by every child process, readable through /proc, dumped ' +
    'in crash reports and debug endpoints, and frozen at start, so a rotated Secret needs a restart.',
  remediation:
    'Mount the Secret as a volume (or use the Secrets Store CSI driver with Azure Key Vault) and have the ' +
    'application read the file; mounted Secrets are also updated in place after rotation.',
  references: [
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
    'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
  ],
  category: 'secrets',
  scope: 'pod',
  evaluate(pod) {
    return containersOf(pod).flatMap(secretEnvViolations);
  },
});
