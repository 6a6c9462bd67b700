/**
 * Warm-up before the webhook takes traffic. The first review a fresh process answers pays for compiling every
 * check, the Pod Security registry and the review schema (measured: 7 to 25 ms instead of well under 1 ms), and
 * the next few hundred run in slower tiers of the JIT; the API server's first requests after a rollout would
 * carry that cost. Here synthetic reviews go through the same decision path with the configured checks and
 * effects first. No I/O: the namespace labels are fixed, and there is no resolver or verifier, so image rules
 * fail inside the engine (as a failure mode would) instead of reaching a registry.
 */
import type { AdmissionEngine } from './admit.js';
import { createAdmissionEngine } from './admit.js';
import type { WebhookConfig } from './config.js';
import { createNamespaceSource } from './namespaces.js';
import type { VerificationResult } from './images.js';
import { parseAdmissionReview, toReviewResponse } from './review.js';
import { TtlCache } from './verification-cache.js';

const NAMESPACE = 'kubeward-warm-up';

/** A compliant Pod and a Deployment with a bare container: both verdicts, most checks' both branches. */
function syntheticReviews(): string[] {
  const container = (hardened: boolean) => ({
    name: 'app',
    image: 'registry.invalid/warm-up/app:1.0',
    ports: [{ containerPort: 8080 }],
    ...(hardened
      ? {
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
        }
      : {}),
  });
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'warm-up', namespace: NAMESPACE, labels: { app: 'warm-up' } },
    spec: { serviceAccountName: 'warm-up', containers: [container(true)] },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'warm-up', namespace: NAMESPACE, labels: { app: 'warm-up' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'warm-up' } },
      template: { metadata: { labels: { app: 'warm-up' } }, spec: { containers: [container(false)] } },
    },
  };
  const review = (object: typeof pod | typeof deployment, group: string, resource: string, uid: string) => {
    const kind = { group, version: 'v1', kind: object.kind };
    const gvr = { group, version: 'v1', resource };
    return JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid,
        kind,
        resource: gvr,
        requestKind: kind,
        requestResource: gvr,
        name: object.metadata.name,
        namespace: NAMESPACE,
        operation: 'CREATE',
        userInfo: { username: 'kubeward:warm-up', groups: ['system:authenticated'] },
        object,
        oldObject: null,
        dryRun: true,
      },
    });
  };
  return [
    review(pod, '', 'pods', 'warm-up-pod'),
    review(deployment, 'apps', 'deployments', 'warm-up-deployment'),
  ];
}

/** An engine over the given config that can never leave the process. */
function isolatedEngine(config: WebhookConfig): AdmissionEngine {
  return createAdmissionEngine(config, {
    namespaces: createNamespaceSource({
      labels: {
        [NAMESPACE]: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    }),
    images: {
      verifiers: new Map(),
      verifications: new TtlCache<VerificationResult>(1),
      digests: new TtlCache<string>(1),
    },
  });
}

/** Run `rounds` synthetic reviews through validate and mutate; returns how many decisions were made. */
export async function warmUpAdmission(config: WebhookConfig, rounds = 100): Promise<number> {
  const engine = isolatedEngine(config);
  const bodies = syntheticReviews();
  let decisions = 0;
  for (let round = 0; round < rounds; round++) {
    for (const body of bodies) {
      const parsed = parseAdmissionReview(body);
      if (!parsed.ok) throw new Error(`warm-up review does not parse: ${parsed.message}`);
      for (const decide of [engine.validate, engine.mutate]) {
        const decision = await decide(parsed.request);
        JSON.stringify(toReviewResponse(parsed.request.uid, decision.verdict));
        decisions += 1;
      }
    }
  }
  return decisions;
}
