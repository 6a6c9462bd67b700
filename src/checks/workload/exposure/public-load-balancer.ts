// Spec: a Service of type LoadBalancer is internal (a cloud internal-LB annotation) or restricted by
// source ranges (spec.loadBalancerSourceRanges or the source-ranges annotation). Ranges that include
// 0.0.0.0/0 or ::/0 restrict nothing.
import type { ObjectCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { getPath } from '../../../k8s/object.js';
import { internalAnnotationOf, isOpenToAll, sourceRangesOf } from './load-balancer.js';

export const publicLoadBalancer = defineCheck<ObjectCheck>({
  id: 'network.public-load-balancer',
  severity: 'medium',
  title: 'LoadBalancer Service is reachable from the internet',
  description:
    'A LoadBalancer Service without an internal annotation gets a public IP. Without source ranges, anyone on ' +
    'the internet can reach the pods behind it, bypassing any web application firewall or ingress controls.',
  remediation:
    'Make the load balancer internal (service.beta.kubernetes.io/azure-load-balancer-internal: "true" on AKS, ' +
    'or the AWS/GCP equivalent), restrict spec.loadBalancerSourceRanges to the client networks, or publish ' +
    'the application through an Ingress or gateway with TLS and a WAF.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer',
    'https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/',
    'https://learn.microsoft.com/azure/aks/internal-lb',
    'https://learn.microsoft.com/azure/aks/load-balancer-standard#restrict-inbound-traffic-to-specific-ip-ranges',
  ],
  category: 'network',
  scope: 'object',
  kinds: ['Service'],
  evaluate(service) {
    if (getPath(service.raw, ['spec', 'type']) !== 'LoadBalancer') return [];
    if (internalAnnotationOf(service) !== undefined) return [];
    const ranges = sourceRangesOf(service);
    const open = ranges.filter(isOpenToAll);
    if (open.length > 0)
      return [
        {
          message: `LoadBalancer Service allows ${open.join(', ')} in its source ranges and has no internal annotation`,
          field: 'spec.loadBalancerSourceRanges',
        },
      ];
    if (ranges.length > 0) return [];
    return [
      {
        message: 'LoadBalancer Service is public: no internal annotation and no loadBalancerSourceRanges',
        field: 'spec.type',
      },
    ];
  },
});
