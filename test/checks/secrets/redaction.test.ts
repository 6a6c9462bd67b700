// Secret values must never reach a message: findings are printed, logged, uploaded as SARIF and shown on the
// dashboard. Every secrets check is run over manifests holding known values and its messages searched.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckContext, ObjectCheck, PodCheck } from '../../../src/checks/check.js';
import { REDACTED } from '../../../src/checks/secrets/credential-heuristics.js';
import { credentialsInConfigMap } from '../../../src/checks/secrets/credentials-in-configmap.js';
import { plaintextEnvSecret } from '../../../src/checks/secrets/plaintext-env-secret.js';
import { secretInEnvVar } from '../../../src/checks/secrets/secret-in-env-var.js';
import { secretInManifest } from '../../../src/checks/secrets/secret-in-manifest.js';
import { extractPod } from '../../../src/k8s/pod-spec.js';
import { objectsFromYaml } from '../../helpers/k8s.js';

const SECRET_VALUES = [
  'Tr0ub4dor&3-value',
  'VHIwdWI0ZG9yJjMtdmFsdWU=',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  'pa55w0rd-in-url',
  'abcDEF0123456789abcdefABCDEF==',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
];

const MANIFEST = `
apiVersion: v1
kind: Secret
metadata: { name: app, namespace: shop }
data:
  password: VHIwdWI0ZG9yJjMtdmFsdWU=
stringData:
  stripe-key: sk_live_4eC39HqLyjWDarjtT1zdp7dc
---
apiVersion: v1
kind: ConfigMap
metadata: { name: app, namespace: shop }
data:
  DB_PASSWORD: Tr0ub4dor&3-value
  jdbc.url: postgres://shop:pa55w0rd-in-url@db/shop
  storage: DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abcDEF0123456789abcdefABCDEF==
  key.pem: |
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
    -----END PRIVATE KEY-----
---
apiVersion: v1
kind: Pod
metadata: { name: app, namespace: shop }
spec:
  containers:
    - name: app
      image: myregistry.azurecr.io/app:1.0.0
      env:
        - { name: STRIPE_API_KEY, value: sk_live_4eC39HqLyjWDarjtT1zdp7dc }
        - { name: DATABASE_URL, value: "postgres://shop:pa55w0rd-in-url@db/shop" }
        - name: DB_PASSWORD
          valueFrom: { secretKeyRef: { name: app, key: password } }
`;

const ctx: CheckContext = {
  settings: { allowedRegistries: [], untrustedNamespaces: [], sandboxRuntimeClasses: [] },
};
const objects = objectsFromYaml(MANIFEST);

function messagesOf(check: PodCheck | ObjectCheck): string[] {
  const violations =
    check.scope === 'pod'
      ? objects.flatMap((o) => {
          const pod = extractPod(o);
          return pod ? check.evaluate(pod, ctx) : [];
        })
      : objects.filter((o) => check.kinds.includes(o.kind)).flatMap((o) => check.evaluate(o, ctx));
  return violations.map((v) => v.message);
}

describe('secret checks redact values', () => {
  for (const check of [secretInManifest, credentialsInConfigMap, plaintextEnvSecret, secretInEnvVar]) {
    it(`${check.id} reports without repeating any value`, () => {
      const messages = messagesOf(check);
      assert.ok(messages.length > 0, 'the manifest should trigger the check');
      for (const message of messages)
        for (const value of SECRET_VALUES) assert.ok(!message.includes(value), `"${message}" leaks a value`);
    });
  }

  it('names keys and shows only the fixed mask', () => {
    assert.deepEqual(messagesOf(secretInManifest), [
      'Secret commits values in data for keys: password',
      'Secret commits values in stringData for keys: stripe-key',
    ]);
    const env = messagesOf(plaintextEnvSecret);
    assert.equal(env.length, 2);
    for (const message of env) assert.ok(message.endsWith(`(${REDACTED})`), message);
  });
});
