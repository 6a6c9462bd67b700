/*
 * Sysctls (baseline)
 * Sysctls can disable security mechanisms or affect all containers on a host, and should be disallowed except
 * for an allowed "safe" subset. A sysctl is considered safe if it is namespaced in the container or the Pod,
 * and it is isolated from other Pods or processes on the same Node.
 * Restricted fields: spec.securityContext.sysctls[*].name
 * Allowed values: undefined/nil, kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,
 *   net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range,
 *   net.ipv4.ip_local_reserved_ports (v1.27+), net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout,
 *   net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes (v1.29+), net.ipv4.tcp_rmem,
 *   net.ipv4.tcp_wmem (v1.32+), net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat (v1.37+)
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import { isSet, podSecurityContext, show } from './helpers.js';
import { isObject } from '../../k8s/object.js';

export const SAFE_SYSCTLS_V1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
export const SAFE_SYSCTLS_V1_27 = [...SAFE_SYSCTLS_V1_0, 'net.ipv4.ip_local_reserved_ports'];
export const SAFE_SYSCTLS_V1_29 = [
  ...SAFE_SYSCTLS_V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
export const SAFE_SYSCTLS_V1_32 = [...SAFE_SYSCTLS_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
export const SAFE_SYSCTLS_V1_37 = [
  ...SAFE_SYSCTLS_V1_32,
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];

function sysctlsWith(safeList: readonly string[]): PssEvaluate {
  const safe = new Set(safeList);
  return (_meta, spec) => {
    const raw = podSecurityContext(spec)?.['sysctls'];
    if (!isSet(raw)) return ALLOWED;
    if (!Array.isArray(raw)) {
      // not a list: the API server would reject it, and it cannot be vetted
      return {
        allowed: false,
        reason: 'forbidden sysctls',
        detail: show(raw),
        fields: ['securityContext.sysctls'],
      };
    }
    const names: string[] = [];
    const fields: string[] = [];
    raw.forEach((sysctl: unknown, i) => {
      const name = isObject(sysctl) ? sysctl['name'] : undefined;
      if (typeof name === 'string' && safe.has(name)) return;
      names.push(typeof name === 'string' ? show(name) : `<name ${show(name)}>`);
      fields.push(`securityContext.sysctls[${i}].name`);
    });
    if (names.length === 0) return ALLOWED;
    return { allowed: false, reason: 'forbidden sysctls', detail: names.join(', '), fields };
  };
}

export const sysctls = definePssCheck({
  id: 'pss.sysctls',
  level: 'baseline',
  upstreamId: 'sysctls',
  meta: {
    severity: 'medium',
    title: 'Unsafe sysctl',
    description:
      'Sysctls outside the safe, namespaced set can disable security mechanisms or change kernel behaviour ' +
      'for every container on the node.',
    remediation:
      'Remove spec.securityContext.sysctls entries that are not in the safe set for your policy version, or ' +
      'configure them on the node instead.',
    references: [PSS_BASELINE_URL, 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.0', evaluate: sysctlsWith(SAFE_SYSCTLS_V1_0) },
    { since: 'v1.27', evaluate: sysctlsWith(SAFE_SYSCTLS_V1_27) },
    { since: 'v1.29', evaluate: sysctlsWith(SAFE_SYSCTLS_V1_29) },
    { since: 'v1.32', evaluate: sysctlsWith(SAFE_SYSCTLS_V1_32) },
    { since: 'v1.37', evaluate: sysctlsWith(SAFE_SYSCTLS_V1_37) },
  ],
});
