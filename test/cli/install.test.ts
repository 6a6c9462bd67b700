import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { getPath } from '../../src/k8s/object.js';
import { scanManifests } from '../../src/scan/scan-manifests.js';
import { cli } from './run-cli.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'webhook', 'webhook.yaml');

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

test("install --print renders the whole set and it passes kubeward's own restricted Pod Security scan", async () => {
  const run = await cli(['install', '--print', '--namespace', 'guard', '--config', EXAMPLE]);
  assert.equal(run.code, 0, run.stderr);
  const objects = docs(run.stdout);
  assert.deepEqual(
    objects.map((o) => o.kind),
    [
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'ValidatingWebhookConfiguration',
      'MutatingWebhookConfiguration',
    ],
  );
  const dir = await mkdtemp(join(tmpdir(), 'kw-install-'));
  const file = join(dir, 'install.yaml');
  await writeFile(file, run.stdout);
  const report = await scanManifests([file], { rules: ['pss.*'], pssLevel: 'restricted' });
  assert.equal(report.problems.length, 0);
  assert.deepEqual(
    report.findings.map((f) => `${f.ruleId} ${f.detail}`),
    [],
  );
  assert.equal(report.stats.objects, objects.length);
});

test('install: least-privilege RBAC, spread replicas, PDB, webhook configurations from the config', async () => {
  const objects = docs(
    (await cli(['install', '--print', '--namespace', 'guard', '--config', EXAMPLE, '--replicas', '3']))
      .stdout,
  );
  const get = (kind: string, ...path: (string | number)[]) =>
    getPath(
      objects.find((o) => o.kind === kind),
      path,
    );
  assert.deepEqual(get('ClusterRole', 'rules'), [
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
  ]);
  assert.equal(get('Deployment', 'spec', 'replicas'), 3);
  assert.ok(get('Deployment', 'spec', 'template', 'spec', 'affinity', 'podAntiAffinity'));
  assert.equal(get('PodDisruptionBudget', 'spec', 'minAvailable'), 1);
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    const hook = (path: string[]) => get(kind, 'webhooks', 0, ...path);
    assert.equal(hook(['sideEffects']), 'None');
    assert.deepEqual(hook(['admissionReviewVersions']), ['v1']);
    assert.equal(hook(['timeoutSeconds']), 10);
    assert.equal(hook(['failurePolicy']), 'Fail');
    assert.deepEqual(hook(['namespaceSelector', 'matchExpressions']), [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'guard'] },
    ]);
    assert.deepEqual(hook(['clientConfig', 'service']), {
      name: 'kubeward-webhook',
      namespace: 'guard',
      path: kind.startsWith('Validating') ? '/validate' : '/mutate',
      port: 443,
    });
    assert.ok(resourcesOf(hook(['rules'])).includes('pods/ephemeralcontainers'));
  }
  assert.ok(
    resourcesOf(get('ValidatingWebhookConfiguration', 'webhooks', 0, 'rules')).includes('configmaps'),
    'secrets.* assigned: ConfigMaps are sent too',
  );
  const embedded = docs(String(get('ConfigMap', 'data', 'webhook.yaml')))[0];
  assert.equal(getPath(embedded, ['server', 'listen']), '0.0.0.0:8443');
  assert.equal(getPath(embedded, ['server', 'tls', 'certFile']), '/etc/kubeward/tls/tls.crt');
});

function resourcesOf(rules: unknown): string[] {
  return (Array.isArray(rules) ? rules : []).flatMap((r: unknown) => {
    const resources = getPath(r, ['resources']);
    return Array.isArray(resources) ? resources.map(String) : [];
  });
}

test('install --generate-certs adds a TLS Secret and a caBundle that signs a certificate for the Service name', async () => {
  const objects = docs((await cli(['install', '--print', '--generate-certs', '-n', 'guard'])).stdout);
  const secret = objects.find((o) => o.kind === 'Secret') as unknown as {
    data: Record<string, string>;
    type: string;
  };
  assert.equal(secret.type, 'kubernetes.io/tls');
  const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'] ?? '', 'base64'));
  const hook = (
    objects.find((o) => o.kind === 'ValidatingWebhookConfiguration') as unknown as {
      webhooks: { clientConfig: { caBundle: string } }[];
    }
  ).webhooks[0];
  const ca = new X509Certificate(Buffer.from(hook?.clientConfig.caBundle ?? '', 'base64'));
  assert.ok(cert.verify(ca.publicKey));
  assert.equal(cert.checkHost('kubeward-webhook.guard.svc'), 'kubeward-webhook.guard.svc');
  assert.ok(
    !objects.some((o) => o.kind === 'MutatingWebhookConfiguration'),
    'no mutation without resolveDigests',
  );
});

test('install refuses without --print, with one replica or a bad namespace', async () => {
  assert.equal((await cli(['install'])).code, 2);
  assert.equal((await cli(['install', '--print', '--replicas', '1'])).code, 2);
  assert.equal((await cli(['install', '--print', '-n', 'Bad_NS'])).code, 2);
});
