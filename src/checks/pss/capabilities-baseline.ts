/*
 * Capabilities (baseline, v1.0+)
 * Adding additional capabilities beyond those listed below must be disallowed.
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.capabilities.add
 * Allowed values: undefined/nil, AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
 *   NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import {
  containersPhrase,
  isSet,
  objectAt,
  podContainers,
  quoteList,
  show,
  uniqueSorted,
} from './helpers.js';

const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export const capabilitiesBaseline = definePssCheck({
  id: 'pss.capabilities-baseline',
  level: 'baseline',
  upstreamId: 'capabilities_baseline',
  meta: {
    severity: 'high',
    title: 'Container adds non-default capabilities',
    description:
      'Capabilities beyond the container runtime default set (SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, ...) ' +
      'grant kernel powers that enable container escape, network spoofing or tampering with other processes.',
    remediation:
      'Remove every capability from securityContext.capabilities.add that is not in the default set ' +
      '(AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, ' +
      'SETPCAP, SETUID, SYS_CHROOT).',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (_meta, spec) => {
        const badContainers: string[] = [];
        const badValues: string[] = [];
        const fields: string[] = [];
        for (const c of podContainers(spec)) {
          const add = objectAt(c.securityContext, 'capabilities')?.['add'];
          const base = `${c.path}.securityContext.capabilities.add`;
          let bad = false;
          if (Array.isArray(add)) {
            add.forEach((cap: unknown, i) => {
              if (typeof cap === 'string' && DEFAULT_CAPABILITIES.has(cap)) return;
              bad = true;
              badValues.push(show(cap));
              fields.push(`${base}[${i}]`);
            });
          } else if (isSet(add)) {
            bad = true; // not a list: the API server would reject it, so it cannot be vetted
            badValues.push(show(add));
            fields.push(base);
          }
          if (bad) badContainers.push(c.name);
        }
        if (badContainers.length === 0) return ALLOWED;
        return {
          allowed: false,
          reason: 'non-default capabilities',
          detail: `${containersPhrase(badContainers)} must not include ${quoteList(uniqueSorted(badValues))} in securityContext.capabilities.add`,
          fields,
        };
      },
    },
  ],
});
