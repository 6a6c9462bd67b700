import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebhookConfig } from '../../src/admission/config.js';
import { warmUpAdmission } from '../../src/admission/warm-up.js';

test('warm-up runs validate and mutate on synthetic reviews with every kind of policy, without I/O', async () => {
  // Every feature that could reach out (namespace API, registries, verifiers) is configured, pointing nowhere;
  // the warm-up must still finish without waiting and leave no timer behind.
  const config = parseWebhookConfig({
    namespaces: { api: { enabled: true, server: 'https://127.0.0.1:1', timeoutMs: 1000 } },
    podSecurity: { defaults: { enforce: 'baseline' } },
    checks: {
      assignments: [
        { checks: ['workload.*', 'secrets.*', 'network.*'], effect: 'warn' },
        {
          checks: ['workload.image-tag-latest'],
          effect: 'deny',
          namespaceSelector: { matchLabels: { a: 'b' } },
        },
      ],
    },
    images: {
      resolveDigests: true,
      allowedRegistries: ['registry.example.com'],
      unknownOrigin: 'deny',
      verify: [{ images: ['registry.invalid'], verifier: 'cosign-prod' }],
      verification: { failureMode: 'closed', budgetMs: 1000 },
    },
  });
  const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const started = performance.now();
  assert.equal(await warmUpAdmission(config, 3), 12, '2 reviews x (validate + mutate) x 3 rounds');
  // One wait on the namespace API or a registry budget alone would take 1000 ms.
  assert.ok(performance.now() - started < 900, 'never waited on the API server or a registry');
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, timers);
});
