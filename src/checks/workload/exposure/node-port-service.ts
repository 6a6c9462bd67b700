// Spec: Services are not of type NodePort. (LoadBalancer Services also allocate node ports, but those are
// judged by network.public-load-balancer.)
import type { ObjectCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { asArray, getPath, isObject } from '../../../k8s/object.js';

export const nodePortService = defineCheck<ObjectCheck>({
  id: 'network.node-port-service',
  severity: 'low',
  title: 'Service is exposed on every node with NodePort',
  description:
    'A NodePort Service opens the same port on every node, so the pods become reachable from anywhere that can ' +
    'reach a node address, around ingress controls and often around network policies scoped to pods.',
  remediation:
    'Use a ClusterIP Service behind an Ingress or gateway, or an internal LoadBalancer; if NodePort is needed, ' +
    'restrict access to the node ports with NSG or firewall rules.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
    'https://learn.microsoft.com/azure/aks/concepts-network-services',
  ],
  category: 'network',
  scope: 'object',
  kinds: ['Service'],
  evaluate(service) {
    if (getPath(service.raw, ['spec', 'type']) !== 'NodePort') return [];
    const ports = asArray(getPath(service.raw, ['spec', 'ports']))
      .map((p) => (isObject(p) ? p['nodePort'] : undefined))
      .filter((p): p is number => typeof p === 'number');
    const which = ports.length > 0 ? `port ${ports.join(', ')}` : 'an allocated port';
    return [{ message: `Service of type NodePort opens ${which} on every node`, field: 'spec.type' }];
  },
});
