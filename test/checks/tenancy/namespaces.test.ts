import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkEachNamespace, untrustedPods } from '../../../src/checks/tenancy/namespaces.js';
import { buildManifestSet } from '../../../src/k8s/manifest-set.js';
import { objectsFromYaml } from '../../helpers/k8s.js';

const set = buildManifestSet(
  objectsFromYaml(`
kind: Namespace
metadata: { name: tenant-a }
---
kind: ConfigMap
metadata: { name: first, namespace: payments }
---
kind: Pod
metadata: { name: p, namespace: payments }
spec: { containers: [{ name: c }] }
---
kind: Pod
metadata: { name: q, namespace: tenant-a }
spec: { containers: [{ name: c }] }
---
kind: Pod
metadata: { name: dns, namespace: kube-system }
spec: { containers: [{ name: c }] }
`),
);

describe('checkEachNamespace', () => {
  it('skips system namespaces and names the Namespace object, else the first object', () => {
    const violations = checkEachNamespace(set, (namespace) => `missing in ${namespace}`);
    assert.deepEqual(
      violations.map((v) => [v.message, `${v.object.kind}/${v.object.metadata.name}`]),
      [
        ['missing in payments', 'ConfigMap/first'],
        ['missing in tenant-a', 'Namespace/tenant-a'],
      ],
    );
  });
});

describe('untrustedPods', () => {
  const settings = { allowedRegistries: [], sandboxRuntimeClasses: [] };
  it('selects pods by namespace glob and never system namespaces', () => {
    const names = (globs: string[]) =>
      untrustedPods(set, { ...settings, untrustedNamespaces: globs }).map((p) => p.object.metadata.name);
    assert.deepEqual(names(['tenant-*']), ['q']);
    assert.deepEqual(names(['*']), ['p', 'q']);
    assert.deepEqual(names([]), []);
  });
});
