/*
 * Host Probes / Lifecycle Hooks (baseline, v1.34+)
 * The Host field in probes and lifecycle hooks must be disallowed.
 * Restricted fields, for spec.{containers,initContainers,ephemeralContainers}[*]:
 *   {livenessProbe,readinessProbe,startupProbe}.{httpGet,tcpSocket}.host,
 *   lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host
 * Allowed values: undefined/nil, ""
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import {
  containersPhrase,
  isSet,
  objectAt,
  plural,
  podContainers,
  quoteList,
  show,
  uniqueSorted,
} from './helpers.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

export const hostProbesLifecycle = definePssCheck({
  id: 'pss.host-probes-lifecycle',
  level: 'baseline',
  upstreamId: 'hostProbesAndHostLifecycle',
  meta: {
    severity: 'medium',
    title: 'Probe or lifecycle hook targets another host',
    description:
      'A host in an httpGet or tcpSocket probe or hook makes the kubelet send requests from the node to any ' +
      'address, which can be abused to reach node-local or internal services (server-side request forgery).',
    remediation:
      'Remove the host field from httpGet and tcpSocket probes and lifecycle hooks; they then target the pod IP.',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.34',
      evaluate: (_meta, spec) => {
        const badContainers: string[] = [];
        const hosts: string[] = [];
        const fields: string[] = [];
        for (const c of podContainers(spec)) {
          const handlers: [string, unknown][] = [
            ...PROBES.map((probe): [string, unknown] => [`${c.path}.${probe}`, c.container[probe]]),
            ...HOOKS.map((hook): [string, unknown] => [
              `${c.path}.lifecycle.${hook}`,
              objectAt(c.container, 'lifecycle')?.[hook],
            ]),
          ];
          let bad = false;
          for (const [path, handler] of handlers) {
            for (const action of ACTIONS) {
              const host = objectAt(handler, action)?.['host'];
              if (!isSet(host) || host === '') continue;
              bad = true;
              hosts.push(show(host));
              fields.push(`${path}.${action}.host`);
            }
          }
          if (bad) badContainers.push(c.name);
        }
        if (badContainers.length === 0) return ALLOWED;
        const shown = uniqueSorted(hosts);
        return {
          allowed: false,
          reason: 'probe or lifecycle host',
          detail: `${containersPhrase(badContainers)} ${plural(badContainers.length, 'uses', 'use')} ${plural(shown.length, 'probe or lifecycle host', 'probe or lifecycle hosts')} ${quoteList(shown)}`,
          fields,
        };
      },
    },
  ],
});
