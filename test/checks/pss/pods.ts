// Test helper: minimal valid pods for each level (like upstream's conformance fixtures) and mutations of them.
import type { JsonObject } from '../../../src/k8s/object.js';
import { isObject } from '../../../src/k8s/object.js';

export type FixtureLevel = 'baseline' | 'restricted';

/** A pod spec that passes baseline at every policy version. */
export function baselineSpec(): JsonObject {
  return {
    containers: [{ name: 'container1', image: 'registry.k8s.io/pause' }],
    initContainers: [{ name: 'initcontainer1', image: 'registry.k8s.io/pause' }],
  };
}

const restrictedContainerContext = (): JsonObject => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
});

/** A pod spec that passes restricted at every policy version. */
export function restrictedSpec(): JsonObject {
  return {
    containers: [
      { name: 'container1', image: 'registry.k8s.io/pause', securityContext: restrictedContainerContext() },
    ],
    initContainers: [
      {
        name: 'initcontainer1',
        image: 'registry.k8s.io/pause',
        securityContext: restrictedContainerContext(),
      },
    ],
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  };
}

export function baseSpec(level: FixtureLevel): JsonObject {
  return level === 'baseline' ? baselineSpec() : restrictedSpec();
}

/** A deep copy of `spec` changed by `change` (which may mutate its argument freely). */
export function tweak(spec: JsonObject, change: (spec: JsonObject) => void): JsonObject {
  const copy = structuredClone(spec);
  change(copy);
  return copy;
}

/** The securityContext of a container list entry, created when missing. */
export function sc(spec: JsonObject, kind: ContainerKind = 'containers', index = 0): JsonObject {
  const found = container(spec, kind, index);
  if (!isObject(found['securityContext'])) found['securityContext'] = {};
  return found['securityContext'] as JsonObject;
}

/** The pod-level securityContext, created when missing. */
export function podSc(spec: JsonObject): JsonObject {
  if (!isObject(spec['securityContext'])) spec['securityContext'] = {};
  return spec['securityContext'] as JsonObject;
}

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

/** A container of the test pod; `ephemeralContainers[0]` is created on demand. */
export function container(spec: JsonObject, kind: ContainerKind = 'containers', index = 0): JsonObject {
  if (kind === 'ephemeralContainers' && !Array.isArray(spec[kind]))
    spec[kind] = [{ name: 'debugger', image: 'registry.k8s.io/pause' }];
  const list = spec[kind];
  const found: unknown = Array.isArray(list) ? list[index] : undefined;
  if (!isObject(found)) throw new Error(`test pod has no ${kind}[${index}]`);
  return found;
}
