import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missingResources } from '../../../src/checks/workload/resources.js';
import { isObject } from '../../../src/k8s/object.js';
import { extractPod } from '../../../src/k8s/pod-spec.js';
import { objectsFromYaml } from '../../helpers/k8s.js';

function firstContainerOf(yaml: string) {
  const [object] = objectsFromYaml(yaml);
  const pod = object && extractPod(object);
  const containers = pod?.spec['containers'];
  const container: unknown = Array.isArray(containers) ? containers[0] : undefined;
  assert.ok(pod && isObject(container));
  return { pod, container };
}

describe('missingResources', () => {
  it('counts a limit as the request the API server will default', () => {
    const { pod, container } = firstContainerOf(`
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: c
      resources: { limits: { cpu: 1, memory: 1Gi } }
`);
    assert.deepEqual(missingResources(pod, container, 'requests'), []);
  });

  it('does not count a request as a limit', () => {
    const { pod, container } = firstContainerOf(`
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: c
      resources: { requests: { cpu: 100m, memory: "" } }
`);
    assert.deepEqual(missingResources(pod, container, 'limits'), ['cpu', 'memory']);
    assert.deepEqual(missingResources(pod, container, 'requests'), ['memory']);
  });

  it('accepts pod-level resources for every container', () => {
    const { pod, container } = firstContainerOf(`
kind: Pod
metadata: { name: p }
spec:
  resources: { limits: { memory: 1Gi } }
  containers:
    - name: c
      resources: { limits: { cpu: 500m } }
`);
    assert.deepEqual(missingResources(pod, container, 'limits'), []);
  });
});
