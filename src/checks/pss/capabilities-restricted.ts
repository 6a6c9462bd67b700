/*
 * Capabilities (restricted, v1.22+; Linux only from v1.25; replaces pss.capabilities-baseline at restricted)
 * Containers must drop ALL capabilities, and are only permitted to add back the NET_BIND_SERVICE capability.
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.capabilities.drop
 * Allowed values: any list of capabilities that includes ALL
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.capabilities.add
 * Allowed values: undefined/nil, NET_BIND_SERVICE
 * From v1.25, pods with spec.os.name: windows are exempt.
 */
import { ALLOWED, PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import {
  containersPhrase,
  isSet,
  isWindowsPod,
  objectAt,
  podContainers,
  quoteList,
  show,
  uniqueSorted,
} from './helpers.js';
import { capabilitiesBaseline } from './capabilities-baseline.js';

const requireDropAll: PssEvaluate = (_meta, spec) => {
  const missingDrop: string[] = [];
  const addingForbidden: string[] = [];
  const forbidden: string[] = [];
  const fields: string[] = [];
  for (const c of podContainers(spec)) {
    const capabilities = objectAt(c.securityContext, 'capabilities');
    const base = `${c.path}.securityContext.capabilities`;
    const drop = capabilities?.['drop'];
    if (!(Array.isArray(drop) && drop.includes('ALL'))) {
      missingDrop.push(c.name);
      fields.push(`${base}.drop`);
    }
    const add = capabilities?.['add'];
    let bad = false;
    if (Array.isArray(add)) {
      add.forEach((cap: unknown, i) => {
        if (cap === 'NET_BIND_SERVICE') return;
        bad = true;
        forbidden.push(show(cap));
        fields.push(`${base}.add[${i}]`);
      });
    } else if (isSet(add)) {
      bad = true;
      forbidden.push(show(add));
      fields.push(`${base}.add`);
    }
    if (bad) addingForbidden.push(c.name);
  }
  const details: string[] = [];
  if (missingDrop.length > 0)
    details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length > 0)
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${quoteList(uniqueSorted(forbidden))} in securityContext.capabilities.add`,
    );
  if (details.length === 0) return ALLOWED;
  return { allowed: false, reason: 'unrestricted capabilities', detail: details.join('; '), fields };
};

export const capabilitiesRestricted = definePssCheck({
  id: 'pss.capabilities-restricted',
  level: 'restricted',
  upstreamId: 'capabilities_restricted',
  meta: {
    severity: 'medium',
    title: 'Capabilities not dropped',
    description:
      'The runtime default capability set (CHOWN, DAC_OVERRIDE, SETUID, NET_RAW on some runtimes, ...) is more ' +
      'than most workloads need and widens what an attacker can do inside the container.',
    remediation:
      'Set securityContext.capabilities.drop: ["ALL"] on every container and add back at most NET_BIND_SERVICE.',
    references: [PSS_RESTRICTED_URL],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.22', overrides: [capabilitiesBaseline.id], evaluate: requireDropAll },
    {
      since: 'v1.25',
      overrides: [capabilitiesBaseline.id],
      evaluate: (meta, spec) => (isWindowsPod(spec) ? ALLOWED : requireDropAll(meta, spec)),
    },
  ],
});
