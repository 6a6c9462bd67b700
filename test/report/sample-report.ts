// One realistic report shared by the formatter tests: several severities, namespaces and files, a cluster-scoped
// object, a live object without a source location, input problems, and hostile text (markup, quotes, control
// characters) that every format must neutralise.
import type { RuleMeta } from '../../src/core/finding.js';
import { makeFinding, sortFindings } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';

export const SAMPLE_GENERATED_AT = '2024-05-01T12:00:00.000Z';

/** SARIF's baseDir for the golden file; one finding lives under it as an absolute path. */
export const SAMPLE_BASE_DIR = '/work/repo';

/** Markup an attacker could place in a manifest (an image reference, an annotation). */
export const HOSTILE_TITLE = `Image "evil.example/app:latest" <script>alert('pwned')</script> not from an allowed registry`;
export const HOSTILE_NAME = `web"><img src=x onerror=alert(1)>`;

const rules: RuleMeta[] = [
  {
    id: 'workload.privileged',
    severity: 'critical',
    title: 'Privileged container',
    description:
      'A privileged container has all capabilities and access to host devices; escaping to the node is trivial.',
    remediation: 'Remove securityContext.privileged or set it to false.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
    category: 'workloads',
  },
  {
    id: 'workload.host-path',
    severity: 'high',
    title: 'hostPath volume',
    description: 'hostPath volumes expose the node filesystem to the pod.',
    remediation: 'Use a PersistentVolumeClaim, ConfigMap or emptyDir instead of hostPath.',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    category: 'workloads',
  },
  {
    id: 'rbac.wildcard-verbs',
    severity: 'high',
    title: 'Wildcard verbs in a role',
    description: 'A rule granting "*" verbs allows every current and future action on the resources.',
    remediation: 'List the verbs the subject needs explicitly.',
    references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/'],
    category: 'rbac',
  },
  {
    id: 'image.allowed-registry',
    severity: 'high',
    title: 'Image not from an allowed registry',
    description: 'Images from unreviewed registries bypass supply-chain controls.',
    remediation: 'Mirror the image into an allowed registry and reference it by digest.',
    references: ['javascript:alert(1)', 'https://example.com/docs/registries'],
    category: 'supply-chain',
  },
  {
    id: 'workload.run-as-root',
    severity: 'medium',
    title: 'Container may run as root',
    description: 'Without runAsNonRoot the container may run as UID 0.',
    remediation: 'Set securityContext.runAsNonRoot: true and a non-zero runAsUser.',
    references: [],
    category: 'workloads',
  },
  {
    id: 'netpol.default-deny',
    severity: 'medium',
    title: 'Namespace without default-deny NetworkPolicy',
    description:
      'Pods in a namespace without a default-deny policy accept traffic from anywhere in the cluster.',
    remediation: 'Add a NetworkPolicy selecting all pods with empty ingress and egress rules.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
    category: 'network',
  },
  {
    id: 'workload.latest-tag',
    severity: 'low',
    title: 'Image uses the latest tag',
    description: 'Mutable tags make deployments unreproducible and bypass image review.',
    remediation: 'Pin the image by digest or an immutable version tag.',
    references: [],
    category: 'supply-chain',
  },
  {
    id: 'workload.no-probes',
    severity: 'info',
    title: 'Container without readiness probe',
    description: 'Without a readiness probe traffic reaches containers before they are ready.',
    remediation: 'Add a readinessProbe.',
    references: [],
    category: 'reliability',
  },
  {
    id: 'workload.host-network',
    severity: 'high',
    title: 'Pod uses the host network',
    description: 'hostNetwork gives the pod the node network namespace.',
    remediation: 'Remove spec.hostNetwork.',
    references: [],
    category: 'workloads',
  },
];

function rule(id: string): RuleMeta {
  const found = rules.find((r) => r.id === id);
  if (!found) throw new Error(`sample: no rule ${id}`);
  return found;
}

function base(id: string): Pick<RuleMeta, 'severity' | 'title' | 'category'> & { ruleId: string } {
  const r = rule(id);
  return { ruleId: r.id, severity: r.severity, title: r.title, category: r.category };
}

const findings = [
  makeFinding({
    ...base('workload.privileged'),
    detail: 'container "api" sets securityContext.privileged: true',
    target: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'payments',
      name: 'api',
      container: 'api',
      field: 'spec.template.spec.containers[0].securityContext.privileged',
    },
    location: { file: 'manifests/payments.yaml', line: 3, column: 1 },
  }),
  makeFinding({
    ...base('workload.run-as-root'),
    detail: 'container "api" does not set runAsNonRoot',
    target: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'payments',
      name: 'api',
      container: 'api',
    },
    location: { file: 'manifests/payments.yaml', line: 3, column: 1 },
  }),
  makeFinding({
    ...base('workload.host-path'),
    detail: 'volume "rootfs" mounts hostPath "/" read-write',
    target: {
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      namespace: 'kube-system',
      name: 'node-agent',
      field: 'spec.template.spec.volumes[0].hostPath',
    },
    location: { file: 'manifests/system.yaml', line: 1, column: 1 },
    properties: { hostPath: '/', readOnly: false },
  }),
  makeFinding({
    ...base('rbac.wildcard-verbs'),
    detail: 'rule 0 grants verbs ["*"] on secrets & configmaps',
    target: {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      name: 'ops-admin',
      field: 'rules[0].verbs',
    },
    location: { file: `${SAMPLE_BASE_DIR}/manifests/rbac.yaml`, line: 14, column: 1 },
  }),
  makeFinding({
    ...base('image.allowed-registry'),
    title: HOSTILE_TITLE,
    detail: `image 'evil.example/app:latest' is not under any of: registry.internal/*, "quoted" & <b>bold</b>\u001b[2J`,
    target: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'web',
      name: HOSTILE_NAME,
      container: 'app',
    },
    location: { file: 'manifests/web app/frontend.yaml', line: 22, column: 3 },
    remediation: 'Use registry.internal/app@sha256:<digest> instead.',
    references: ['https://example.com/docs/registries', 'javascript:alert(2)'],
  }),
  makeFinding({
    ...base('netpol.default-deny'),
    detail: 'namespace "tenant-a" has 4 pods and no NetworkPolicy selecting all of them',
    target: { kind: 'Namespace', apiVersion: 'v1', name: 'tenant-a' },
  }),
  makeFinding({
    ...base('workload.latest-tag'),
    detail: 'container "nginx" uses image nginx:latest',
    target: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'web',
      name: 'frontend',
      container: 'nginx',
    },
    location: { file: 'manifests/web app/frontend.yaml', line: 1, column: 1 },
  }),
  makeFinding({
    ...base('workload.no-probes'),
    detail: 'container "nginx" has no readinessProbe',
    target: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      namespace: 'web',
      name: 'frontend',
      container: 'nginx',
    },
    location: { file: 'manifests/web app/frontend.yaml', line: 1, column: 1 },
  }),
];

export function sampleReport(): Report {
  return {
    tool: { name: 'kubeward', version: '0.1.0' },
    generatedAt: SAMPLE_GENERATED_AT,
    inputs: ['manifests/', `${SAMPLE_BASE_DIR}/manifests/rbac.yaml`, 'cluster:prod-eu'],
    findings: sortFindings(findings),
    rules: [...rules],
    problems: [
      { file: 'manifests/broken.yaml', line: 7, column: 5, message: 'bad indentation of a mapping entry' },
      {
        file: 'manifests/notes.yaml',
        message: 'document 2 is not a Kubernetes object (no apiVersion or kind)',
      },
    ],
    stats: { objects: 14, files: 5 },
  };
}

/** A report with nothing found and nothing wrong, for the empty-output cases. */
export function emptyReport(): Report {
  return {
    tool: { name: 'kubeward', version: '0.1.0' },
    generatedAt: SAMPLE_GENERATED_AT,
    inputs: ['manifests/'],
    findings: [],
    rules: [rule('workload.privileged')],
    problems: [],
    stats: { objects: 3, files: 1 },
  };
}
