// Finding: an inbound allow from any source (or the whole Internet) to every port. It defeats the NSG's
// purpose; the AKS default rules never need it.
import { sourceIsInternet } from '../coverage.js';
import type { NsgViolation } from './types.js';
import { defineNsgCheck } from './types.js';

export const overlyBroadAllow = defineNsgCheck({
  id: 'nsg.overly-broad-allow',
  severity: 'high',
  title: 'NSG allows any source to any port',
  description:
    'An inbound rule that allows any source address to every destination port exposes every service on the ' +
    'protected subnet or NIC, including ones added later.',
  remediation:
    'Allow only the ports the service needs (e.g. 443) and, where possible, only known source ranges or service tags.',
  references: ['https://learn.microsoft.com/azure/security/fundamentals/network-best-practices'],
  category: 'network',
  evaluate(nsg) {
    const out: NsgViolation[] = [];
    for (const rule of nsg.rules) {
      if (rule.isDefault || rule.direction !== 'Inbound' || rule.access !== 'Allow') continue;
      const allPorts = rule.destinationPorts.some((r) => r.first === 0 && r.last === 65535);
      if (allPorts && sourceIsInternet(rule))
        out.push({
          rule,
          message: `rule ${rule.name} (priority ${rule.priority}) allows any source to any port (${rule.protocol === '*' ? 'any protocol' : rule.protocol})`,
        });
    }
    return out;
  },
});
