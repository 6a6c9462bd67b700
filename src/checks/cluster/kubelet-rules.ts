// Spec: kubelet settings of the CIS Kubernetes Benchmark section 4.2 (ids in v1.7 numbering), read from a
// KubeletConfiguration (kubelet.config.k8s.io/v1beta1) file or from `/configz` ({kubeletconfig: {...}}).
// Unset fields take the v1beta1 defaults, which are what the kubelet runs with when the file omits them.
import type { JsonObject } from '../../k8s/object.js';
import type { ConfigRule, ConfigViolation } from './config-rule.js';
import { defineConfigRule, isFalse, isTrue, prop } from './config-rule.js';

export interface KubeletInput {
  config: JsonObject;
  /** Path prefix of the config in the file: '' for a KubeletConfiguration, 'kubeletconfig' for /configz. */
  base: string;
}

const REF = 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/';
const AUTH = 'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/';
const one = (input: KubeletInput, field: string, message: string): ConfigViolation[] => [
  { field: input.base ? `${input.base}.${field}` : field, message },
];
const get = (input: KubeletInput, ...keys: string[]) => prop(input.config, ...keys);

/** Cipher suites the CIS Benchmark accepts (ECDHE with AEAD, and the TLS 1.3 suites). */
export const STRONG_CIPHERS: ReadonlySet<string> = new Set([
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

export const kubeletAnonymousAuth = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-anonymous-auth',
  cis: '4.2.1',
  severity: 'critical',
  title: 'Kubelet accepts anonymous requests',
  description:
    'With anonymous auth, anyone who reaches port 10250 is system:anonymous; with a permissive authorizer that ' +
    'means exec into every pod on the node.',
  remediation: 'Set authentication.anonymous.enabled: false.',
  references: [AUTH, REF],
  category: 'node',
  evaluate: (input) =>
    isTrue(get(input, 'authentication', 'anonymous', 'enabled'))
      ? one(input, 'authentication.anonymous.enabled', 'anonymous authentication is enabled')
      : [],
});

export const kubeletAuthorizationMode = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-authorization-mode',
  cis: '4.2.2',
  severity: 'critical',
  title: 'Kubelet authorization mode is not Webhook',
  description: 'AlwaysAllow lets every authenticated caller use the kubelet API (exec, logs, pod listing).',
  remediation: 'Set authorization.mode: Webhook (and authentication.webhook.enabled: true).',
  references: [AUTH, REF],
  category: 'node',
  evaluate(input) {
    const mode = get(input, 'authorization', 'mode');
    const out: ConfigViolation[] = [];
    if (mode !== undefined && mode !== 'Webhook')
      out.push(...one(input, 'authorization.mode', `authorization mode is ${String(mode)}`));
    if (isFalse(get(input, 'authentication', 'webhook', 'enabled')))
      out.push(...one(input, 'authentication.webhook.enabled', 'webhook token authentication is disabled'));
    return out;
  },
});

export const kubeletReadOnlyPort = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-read-only-port',
  cis: '4.2.4',
  severity: 'high',
  title: 'Kubelet read-only port is open',
  description:
    'The read-only port (10255) serves pod specs, environment and metrics without any authentication.',
  remediation: 'Set readOnlyPort: 0.',
  references: [REF],
  category: 'node',
  evaluate(input) {
    const port = get(input, 'readOnlyPort');
    return typeof port === 'number' && port !== 0
      ? one(input, 'readOnlyPort', `read-only port ${port} is open`)
      : [];
  },
});

export const kubeletStreamingTimeout = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-streaming-timeout',
  cis: '4.2.5',
  severity: 'low',
  title: 'Kubelet streaming connections never time out',
  description:
    'Idle exec, attach and port-forward sessions that never time out can be kept open and hijacked.',
  remediation: 'Set streamingConnectionIdleTimeout to a non-zero duration such as 5m.',
  references: [REF],
  category: 'node',
  evaluate(input) {
    const timeout = get(input, 'streamingConnectionIdleTimeout');
    return typeof timeout === 'string' && /^0+(s|m|h)?$/.test(timeout)
      ? one(input, 'streamingConnectionIdleTimeout', 'streaming connection idle timeout is 0 (never)')
      : [];
  },
});

export const kubeletProtectKernelDefaults = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-protect-kernel-defaults',
  cis: '4.2.6',
  severity: 'low',
  title: 'Kubelet does not protect kernel defaults',
  description:
    'With protectKernelDefaults the kubelet refuses to start when kernel tunables differ from what it expects, ' +
    'instead of silently changing them.',
  remediation: 'Set protectKernelDefaults: true after setting the sysctls the kubelet needs.',
  references: [REF],
  category: 'node',
  evaluate: (input) =>
    isTrue(get(input, 'protectKernelDefaults'))
      ? []
      : one(input, 'protectKernelDefaults', 'protectKernelDefaults is not true'),
});

export const kubeletEventQps = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-event-qps',
  cis: '4.2.9',
  severity: 'low',
  title: 'Kubelet event creation is not rate limited',
  description:
    'eventRecordQPS 0 lifts the limit, so an event storm from one node can overload the API server.',
  remediation: 'Leave eventRecordQPS at its default (50) or set a positive value suited to the node.',
  references: [REF],
  category: 'node',
  evaluate: (input) =>
    get(input, 'eventRecordQPS') === 0 ? one(input, 'eventRecordQPS', 'eventRecordQPS is 0 (no limit)') : [],
});

export const kubeletCertificateRotation = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-certificate-rotation',
  cis: '4.2.11',
  severity: 'medium',
  title: 'Kubelet certificates are not rotated',
  description:
    'Without rotation, kubelet client certificates expire (or are issued for years) and the serving ' +
    'certificate is self-signed, so the API server cannot verify the kubelet it talks to.',
  remediation: 'Set rotateCertificates: true and serverTLSBootstrap: true (and approve serving CSRs).',
  references: [REF, 'https://kubernetes.io/docs/tasks/tls/certificate-rotation/'],
  category: 'node',
  evaluate(input) {
    const out: ConfigViolation[] = [];
    if (!isTrue(get(input, 'rotateCertificates')))
      out.push(...one(input, 'rotateCertificates', 'client certificate rotation is off'));
    const gate = get(input, 'featureGates', 'RotateKubeletServerCertificate');
    if (!isTrue(get(input, 'serverTLSBootstrap')) || isFalse(gate))
      out.push(...one(input, 'serverTLSBootstrap', 'serving certificates are not bootstrapped and rotated'));
    return out;
  },
});

export const kubeletWeakCiphers = defineConfigRule<KubeletInput>({
  id: 'node.kubelet-weak-ciphers',
  cis: '4.2.13',
  severity: 'low',
  title: 'Kubelet does not restrict TLS cipher suites to strong ones',
  description: 'CBC-mode, RSA key exchange and 3DES suites are open to known downgrade and padding attacks.',
  remediation: `Set tlsCipherSuites to strong suites only, e.g. ${[...STRONG_CIPHERS].slice(0, 2).join(', ')}.`,
  references: [REF],
  category: 'node',
  evaluate(input) {
    const suites = get(input, 'tlsCipherSuites');
    if (!Array.isArray(suites) || suites.length === 0)
      return one(input, 'tlsCipherSuites', 'tlsCipherSuites is not set (Go defaults include CBC suites)');
    const weak = suites.filter((s) => typeof s !== 'string' || !STRONG_CIPHERS.has(s));
    return weak.length > 0 ? one(input, 'tlsCipherSuites', `weak cipher suites: ${weak.join(', ')}`) : [];
  },
});

export const KUBELET_RULES: readonly ConfigRule<KubeletInput>[] = [
  kubeletAnonymousAuth,
  kubeletAuthorizationMode,
  kubeletReadOnlyPort,
  kubeletStreamingTimeout,
  kubeletProtectKernelDefaults,
  kubeletEventQps,
  kubeletCertificateRotation,
  kubeletWeakCiphers,
];
