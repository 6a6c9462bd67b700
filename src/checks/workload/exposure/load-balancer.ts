import type { K8sObject } from '../../../k8s/object.js';
import { asArray, getPath } from '../../../k8s/object.js';

/** Annotations (and values, compared case-insensitively) that make a cloud provider create a private LB. */
const INTERNAL_ANNOTATIONS: readonly { key: string; values: readonly string[] }[] = [
  { key: 'service.beta.kubernetes.io/azure-load-balancer-internal', values: ['true'] },
  // The legacy in-tree AWS provider also accepted 0.0.0.0/0 as "internal".
  { key: 'service.beta.kubernetes.io/aws-load-balancer-internal', values: ['true', '0.0.0.0/0'] },
  { key: 'service.beta.kubernetes.io/aws-load-balancer-scheme', values: ['internal'] },
  { key: 'networking.gke.io/load-balancer-type', values: ['internal'] },
  { key: 'cloud.google.com/load-balancer-type', values: ['internal'] },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-internal', values: ['true'] },
];

/** Annotations that carry comma-separated source ranges, as alternatives to spec.loadBalancerSourceRanges. */
const SOURCE_RANGE_ANNOTATIONS = [
  'service.beta.kubernetes.io/load-balancer-source-ranges',
  'service.beta.kubernetes.io/azure-allowed-ip-ranges',
];

const OPEN_TO_ALL = new Set(['0.0.0.0/0', '::/0']);

export function internalAnnotationOf(service: K8sObject): string | undefined {
  const annotations = service.metadata.annotations;
  return INTERNAL_ANNOTATIONS.find(({ key, values }) => {
    const value = annotations[key];
    return value !== undefined && values.includes(value.trim().toLowerCase());
  })?.key;
}

/** Every source range the Service declares, from the spec field and the annotations. */
export function sourceRangesOf(service: K8sObject): string[] {
  const fromSpec = asArray(getPath(service.raw, ['spec', 'loadBalancerSourceRanges'])).filter(
    (r): r is string => typeof r === 'string',
  );
  const fromAnnotations = SOURCE_RANGE_ANNOTATIONS.flatMap(
    (key) => service.metadata.annotations[key]?.split(',') ?? [],
  );
  return [...fromSpec, ...fromAnnotations].map((r) => r.trim()).filter((r) => r !== '');
}

export function isOpenToAll(range: string): boolean {
  return OPEN_TO_ALL.has(range);
}
