/*
 * SELinux (baseline, v1.0+; container_engine_t allowed from v1.31)
 * Setting the SELinux type is restricted, and setting a custom SELinux user or role option is forbidden.
 * Restricted fields: spec.securityContext.seLinuxOptions.type,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.seLinuxOptions.type
 * Allowed values: undefined/"", container_t, container_init_t, container_kvm_t, container_engine_t (v1.31+)
 * Restricted fields: seLinuxOptions.user and seLinuxOptions.role at pod and container level
 * Allowed values: undefined/""
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import {
  containersPhrase,
  isSet,
  objectAt,
  plural,
  podContainers,
  podSecurityContext,
  quoteList,
  show,
  uniqueSorted,
} from './helpers.js';
import type { JsonObject } from '../../k8s/object.js';

const TYPES_V1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_V1_31 = [...TYPES_V1_0, 'container_engine_t'];

function seLinuxOptionsWith(allowedTypes: readonly string[]): PssEvaluate {
  const allowed = new Set(allowedTypes);
  return (_meta, spec) => {
    const badTypes: string[] = [];
    const fields: string[] = [];
    let setUser = false;
    let setRole = false;

    // Records what is wrong in one seLinuxOptions; true when it is acceptable.
    const vet = (securityContext: JsonObject | undefined, base: string): boolean => {
      const raw = securityContext?.['seLinuxOptions'];
      if (!isSet(raw)) return true;
      const options = objectAt(securityContext, 'seLinuxOptions');
      if (!options) {
        badTypes.push(show(raw)); // not an object: cannot be vetted
        fields.push(base);
        return false;
      }
      let ok = true;
      const type = options['type'];
      if (isSet(type) && !(typeof type === 'string' && allowed.has(type))) {
        ok = false;
        badTypes.push(show(type));
        fields.push(`${base}.type`);
      }
      for (const key of ['user', 'role'] as const) {
        const value = options[key];
        if (!isSet(value) || value === '') continue;
        ok = false;
        if (key === 'user') setUser = true;
        else setRole = true;
        fields.push(`${base}.${key}`);
      }
      return ok;
    };

    const setters: string[] = [];
    if (!vet(podSecurityContext(spec), 'securityContext.seLinuxOptions')) setters.push('pod');
    const badContainers = podContainers(spec)
      .filter((c) => !vet(c.securityContext, `${c.path}.securityContext.seLinuxOptions`))
      .map((c) => c.name);
    if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
    if (setters.length === 0) return ALLOWED;

    const problems: string[] = [];
    const types = uniqueSorted(badTypes);
    if (types.length > 0) problems.push(`${plural(types.length, 'type', 'types')} ${quoteList(types)}`);
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return {
      allowed: false,
      reason: 'seLinuxOptions',
      detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
      fields,
    };
  };
}

export const selinuxOptions = definePssCheck({
  id: 'pss.selinux-options',
  level: 'baseline',
  upstreamId: 'seLinuxOptions',
  meta: {
    severity: 'medium',
    title: 'Custom SELinux options',
    description:
      'A custom SELinux type, user or role can label a container into a privileged domain (spc_t, unconfined_t) ' +
      'that SELinux does not confine.',
    remediation:
      'Remove seLinuxOptions.user and seLinuxOptions.role, and use only the container_t, container_init_t, ' +
      'container_kvm_t or container_engine_t types (or leave the type unset).',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.0', evaluate: seLinuxOptionsWith(TYPES_V1_0) },
    { since: 'v1.31', evaluate: seLinuxOptionsWith(TYPES_V1_31) },
  ],
});
