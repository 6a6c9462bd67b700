/*
 * Seccomp (baseline)
 * v1.0–v1.18: the alpha annotations
 *   metadata.annotations['seccomp.security.alpha.kubernetes.io/pod'] and
 *   metadata.annotations['container.seccomp.security.alpha.kubernetes.io/<container name>']
 *   must be undefined, runtime/default, docker/default or localhost/*.
 * v1.19+: Seccomp profile must not be explicitly set to Unconfined.
 *   Restricted fields: spec.securityContext.seccompProfile.type,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.seccompProfile.type
 *   Allowed values: undefined/nil, RuntimeDefault, Localhost
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import type { PssCheckResult, PssEvaluate } from './types.js';
import {
  containersPhrase,
  isSet,
  keyPath,
  objectAt,
  plural,
  podContainers,
  podSecurityContext,
  quoteList,
  show,
  uniqueSorted,
} from './helpers.js';
import type { JsonObject } from '../../k8s/object.js';

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function allowedAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

const annotationsV1Dot0: PssEvaluate = (meta, spec) => {
  const keys = [
    SECCOMP_POD_ANNOTATION,
    ...podContainers(spec).map((c) => SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name),
  ];
  const forbidden = new Map<string, string>();
  for (const key of keys) {
    if (!Object.hasOwn(meta.annotations, key)) continue;
    const value = meta.annotations[key] ?? '';
    if (!allowedAnnotationValue(value)) forbidden.set(key, value);
  }
  if (forbidden.size === 0) return ALLOWED;
  const keysSorted = [...forbidden.keys()].sort();
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `forbidden ${plural(keysSorted.length, 'annotation', 'annotations')} ${keysSorted
      .map((key) => `${show(key)}=${JSON.stringify(show(forbidden.get(key)))}`)
      .join(', ')}`,
    fields: keysSorted.map((key) => keyPath('metadata.annotations', key)),
  };
};

/** RuntimeDefault and Localhost are the only profile types the policies accept. */
export function validSeccompType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** The profile type a securityContext sets, shown; undefined when seccompProfile is absent. */
export function seccompTypeOf(
  securityContext: JsonObject | undefined,
): { valid: boolean; shown: string } | undefined {
  const raw = securityContext?.['seccompProfile'];
  if (!isSet(raw)) return undefined;
  const profile = objectAt(securityContext, 'seccompProfile');
  if (!profile) return { valid: false, shown: show(raw) }; // not an object: cannot be vetted
  const type = profile['type'];
  return { valid: validSeccompType(type), shown: show(type ?? '') };
}

/** Pod and containers that explicitly set a bad type, as one result; used by baseline and restricted. */
export function explicitSeccompViolations(spec: JsonObject): PssCheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const fields: string[] = [];
  const pod = seccompTypeOf(podSecurityContext(spec));
  if (pod && !pod.valid) {
    setters.push('pod');
    values.push(pod.shown);
    fields.push('securityContext.seccompProfile.type');
  }
  const badContainers: string[] = [];
  for (const c of podContainers(spec)) {
    const own = seccompTypeOf(c.securityContext);
    if (!own || own.valid) continue;
    badContainers.push(c.name);
    values.push(own.shown);
    fields.push(`${c.path}.securityContext.seccompProfile.type`);
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  if (setters.length === 0) return ALLOWED;
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${quoteList(uniqueSorted(values))}`,
    fields,
  };
}

export const seccompProfileBaseline = definePssCheck({
  id: 'pss.seccomp-profile-baseline',
  level: 'baseline',
  upstreamId: 'seccompProfile_baseline',
  meta: {
    severity: 'medium',
    title: 'Seccomp explicitly unconfined',
    description:
      'An Unconfined seccomp profile lets the container call every system call, including the rarely needed ' +
      'ones behind most kernel container-escape exploits.',
    remediation:
      'Set seccompProfile.type to RuntimeDefault or Localhost (or leave it unset), and remove seccomp ' +
      'annotations whose value is unconfined.',
    references: [PSS_BASELINE_URL, 'https://kubernetes.io/docs/tutorials/security/seccomp/'],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.0', evaluate: annotationsV1Dot0 },
    { since: 'v1.19', evaluate: (_meta, spec) => explicitSeccompViolations(spec) },
  ],
});
