// Spec: an Ingress terminates TLS for every host it routes: it has spec.tls, and each rule host is listed
// in (or covered by a wildcard in) some tls entry. A rule without a host is covered only by a tls entry
// without hosts, which serves the controller's default certificate.
import type { ObjectCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { isHostCovered, ruleHostsOf, tlsEntriesOf } from './ingress-tls.js';

export const ingressWithoutTls = defineCheck<ObjectCheck>({
  id: 'network.ingress-without-tls',
  severity: 'medium',
  title: 'Ingress serves hosts without TLS',
  description:
    'Traffic to hosts without TLS travels in clear text between clients and the ingress controller, exposing ' +
    'credentials, session cookies and data to anyone on the path, and allowing tampering.',
  remediation:
    'Add a spec.tls entry listing every host with a certificate Secret (for example issued by cert-manager or ' +
    'the AKS application routing add-on with Key Vault), and redirect HTTP to HTTPS.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
    'https://learn.microsoft.com/azure/aks/app-routing-dns-ssl',
  ],
  category: 'network',
  scope: 'object',
  kinds: ['Ingress'],
  evaluate(ingress) {
    const rules = ruleHostsOf(ingress);
    const tls = tlsEntriesOf(ingress);
    if (tls.length === 0) {
      const hosts = rules.map((r) => r.host ?? '*');
      const which = hosts.length > 0 ? `hosts ${[...new Set(hosts)].join(', ')}` : 'its default backend';
      return [{ message: `Ingress has no spec.tls and serves ${which} over plain HTTP`, field: 'spec.tls' }];
    }
    return rules
      .filter((rule) => !isHostCovered(rule.host, tls))
      .map((rule) => ({
        message:
          rule.host === undefined
            ? `rule ${rule.index} has no host and no tls entry without hosts covers it`
            : `host ${rule.host} is not covered by any spec.tls entry`,
        field: rule.host === undefined ? `spec.rules[${rule.index}]` : `spec.rules[${rule.index}].host`,
      }));
  },
});
