/*
 * AppArmor (baseline, v1.0+)
 * On supported hosts, the RuntimeDefault AppArmor profile is applied by default. The baseline policy should
 * prevent overriding or disabling the default AppArmor profile, or restrict overrides to an allowed set of
 * profiles.
 * Restricted fields: spec.securityContext.appArmorProfile.type,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.appArmorProfile.type
 * Allowed values: undefined/nil, RuntimeDefault, Localhost
 * Restricted fields: metadata.annotations['container.apparmor.security.beta.kubernetes.io/*']
 * Allowed values: undefined/nil (or empty), runtime/default, localhost/*
 *
 * Upstream checks the appArmorProfile field (API added in v1.30) inside its single v1.0 revision, so the field is
 * checked at every policy version; this mirrors that.
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import {
  containersPhrase,
  isSet,
  keyPath,
  objectAt,
  plural,
  podContainers,
  podSecurityContext,
  show,
  uniqueSorted,
} from './helpers.js';
import type { JsonObject } from '../../k8s/object.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** The bad profile type set in this securityContext, or undefined when it is absent or allowed. */
function badProfileType(securityContext: JsonObject | undefined): string | undefined {
  const profile = securityContext?.['appArmorProfile'];
  if (!isSet(profile)) return undefined;
  const type = objectAt(securityContext, 'appArmorProfile')?.['type'];
  if (type === 'RuntimeDefault' || type === 'Localhost') return undefined;
  return show(type ?? '');
}

export const apparmor = definePssCheck({
  id: 'pss.apparmor',
  level: 'baseline',
  upstreamId: 'appArmorProfile',
  meta: {
    severity: 'medium',
    title: 'AppArmor profile disabled or overridden',
    description:
      'An Unconfined (or unknown) AppArmor profile removes the mandatory access control that limits what a ' +
      'compromised container can do on the node.',
    remediation:
      'Use appArmorProfile.type RuntimeDefault or Localhost (or leave it unset), and remove ' +
      'container.apparmor.security.beta.kubernetes.io annotations other than runtime/default or localhost/*.',
    references: [PSS_BASELINE_URL, 'https://kubernetes.io/docs/tutorials/security/apparmor/'],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (meta, spec) => {
        const setters: string[] = [];
        const values: string[] = [];
        const fields: string[] = [];

        const podType = badProfileType(podSecurityContext(spec));
        if (podType !== undefined) {
          setters.push('pod');
          values.push(podType);
          fields.push('securityContext.appArmorProfile.type');
        }
        const badContainers: string[] = [];
        for (const c of podContainers(spec)) {
          const type = badProfileType(c.securityContext);
          if (type === undefined) continue;
          badContainers.push(c.name);
          values.push(type);
          fields.push(`${c.path}.securityContext.appArmorProfile.type`);
        }
        if (badContainers.length > 0) setters.push(containersPhrase(badContainers));

        const annotations: string[] = [];
        for (const key of Object.keys(meta.annotations).sort()) {
          const value = meta.annotations[key];
          if (!key.startsWith(ANNOTATION_PREFIX) || value === undefined || allowedAnnotationValue(value))
            continue;
          annotations.push(`${show(key)}=${JSON.stringify(show(value))}`);
          fields.push(keyPath('metadata.annotations', key));
        }
        if (annotations.length > 0) setters.push(plural(annotations.length, 'annotation', 'annotations'));

        if (setters.length === 0) return ALLOWED;
        const shown = [...uniqueSorted(values).map((value) => JSON.stringify(value)), ...annotations];
        return {
          allowed: false,
          reason: plural(shown.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'),
          detail: `${setters.join(' and ')} must not set AppArmor profile type to ${shown.join(', ')}`,
          fields,
        };
      },
    },
  ],
});
