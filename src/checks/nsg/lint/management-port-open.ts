// Finding: SSH (22), RDP (3389), the Kubernetes API (6443) or the kubelet (10250) reachable from the whole
// Internet. Found by evaluating the NSG for an arbitrary Internet host to each port (to any destination
// an allow rule names), so a higher-priority deny that really covers the traffic suppresses the finding.
import { evaluateNsg } from '../evaluate.js';
import { sourceIsInternet } from '../coverage.js';
import { representativeAddress } from '../representative.js';
import type { NsgViolation } from './types.js';
import { defineNsgCheck } from './types.js';

export const MANAGEMENT_PORTS: readonly { port: number; what: string }[] = [
  { port: 22, what: 'SSH' },
  { port: 3389, what: 'RDP' },
  { port: 6443, what: 'the Kubernetes API server' },
  { port: 10250, what: 'the kubelet API' },
];

export const managementPortOpen = defineNsgCheck({
  id: 'nsg.management-port-open-from-internet',
  severity: 'high',
  title: 'Management port open to the Internet',
  description:
    'SSH, RDP, the API server and the kubelet are the first things scanners try. An NSG rule that lets the whole ' +
    'Internet reach them turns every weak credential or unpatched daemon into a way in.',
  remediation:
    'Restrict the source to known admin ranges or a bastion, use Azure Bastion or just-in-time access, and for AKS ' +
    'use authorized IP ranges or a private cluster for the API server.',
  references: [
    'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
    'https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges',
  ],
  category: 'network',
  evaluate(nsg, ctx) {
    const out: NsgViolation[] = [];
    for (const rule of nsg.rules) {
      if (rule.direction !== 'Inbound' || rule.access !== 'Allow' || !sourceIsInternet(rule)) continue;
      if (rule.protocol !== '*' && rule.protocol !== 'TCP') continue;
      const open: string[] = [];
      for (const { port, what } of MANAGEMENT_PORTS) {
        if (!rule.destinationPorts.some((r) => port >= r.first && port <= r.last)) continue;
        const destinations = rule.destinations.map((d) => representativeAddress(d, ctx));
        // Only report when this rule is the one that decides for some destination it names.
        const decides = destinations.some((destination) => {
          const decision = evaluateNsg(
            nsg,
            {
              direction: 'Inbound',
              protocol: 'TCP',
              source: { label: 'Internet' },
              destination,
              destinationPort: port,
            },
            ctx,
          );
          return decision.rule === rule;
        });
        if (decides) open.push(`${what} (${port})`);
      }
      // One finding per rule, listing every management port it opens.
      if (open.length > 0)
        out.push({
          rule,
          message: `rule ${rule.name} (priority ${rule.priority}) lets the Internet reach ${open.join(', ')}`,
        });
    }
    return out;
  },
});
