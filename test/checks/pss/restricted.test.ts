import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../../src/k8s/object.js';
import { LATEST_PSS_VERSION, evaluatePodSecurity, pssVersion } from '../../../src/checks/pss/index.js';
import type { Case } from './cases.js';
import { runCases } from './cases.js';
import { container, podSc, restrictedSpec, sc, tweak } from './pods.js';

const r = (change: (spec: JsonObject) => void): JsonObject => tweak(restrictedSpec(), change);
const ALL = ['v1.0', 'v1.25', 'latest'];

/** Windows pod without the Linux-only restricted settings. */
const windowsPod = (): JsonObject =>
  r((s) => {
    s['os'] = { name: 'windows' };
    delete podSc(s)['seccompProfile'];
    for (const kind of ['containers', 'initContainers'] as const) {
      delete sc(s, kind)['allowPrivilegeEscalation'];
      delete sc(s, kind)['capabilities'];
    }
  });

const cases = [
  // --- volume types
  {
    name: 'every allowed volume type, and a volume with no source (defaulted to emptyDir)',
    check: 'pss.restricted-volumes',
    level: 'restricted',
    versions: ALL,
    want: 'pass',
    spec: r(
      (s) =>
        (s['volumes'] = [
          { name: 'a', configMap: { name: 'cm' } },
          { name: 'b', csi: { driver: 'inline.csi.example' } },
          { name: 'c', downwardAPI: { items: [] } },
          { name: 'd', emptyDir: {} },
          { name: 'e', ephemeral: { volumeClaimTemplate: { spec: {} } } },
          { name: 'f', image: { reference: 'registry.example/data:1' } },
          { name: 'g', persistentVolumeClaim: { claimName: 'data' } },
          { name: 'h', projected: { sources: [] } },
          { name: 'i', secret: { secretName: 's' } },
          { name: 'j' },
        ]),
    ),
  },
  {
    name: 'nfs and gitRepo volumes',
    check: 'pss.restricted-volumes',
    level: 'restricted',
    versions: ALL,
    want: 'fail',
    spec: r(
      (s) =>
        (s['volumes'] = [
          { name: 'ok', emptyDir: {} },
          { name: 'share', nfs: { server: 'nfs.example', path: '/' } },
          { name: 'src', gitRepo: { repository: 'https://example.com/x.git' } },
        ]),
    ),
    fields: ['volumes[1].nfs', 'volumes[2].gitRepo'],
    detail: 'volumes "share", "src" use restricted volume types "gitRepo", "nfs"',
  },
  {
    name: 'an unknown volume source',
    check: 'pss.restricted-volumes',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => (s['volumes'] = [{ name: 'x', fancyVolume: { a: 1 } }])),
    fields: ['volumes[0].fancyVolume'],
  },
  {
    name: 'a forbidden source next to an allowed one',
    check: 'pss.restricted-volumes',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => (s['volumes'] = [{ name: 'x', emptyDir: {}, hostPath: { path: '/' } }])),
    fields: ['volumes[0].hostPath'],
  },

  // --- privilege escalation
  {
    name: 'allowPrivilegeEscalation unset before v1.8',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['v1.0', 'v1.7'],
    want: 'pass',
    spec: r((s) => delete sc(s)['allowPrivilegeEscalation']),
  },
  {
    name: 'allowPrivilegeEscalation unset from v1.8',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['v1.8', 'latest'],
    want: 'fail',
    spec: r((s) => delete sc(s)['allowPrivilegeEscalation']),
    fields: ['containers[0].securityContext.allowPrivilegeEscalation'],
  },
  {
    name: 'allowPrivilegeEscalation true on the init container',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => (sc(s, 'initContainers')['allowPrivilegeEscalation'] = true)),
    fields: ['initContainers[0].securityContext.allowPrivilegeEscalation'],
  },
  {
    name: 'allowPrivilegeEscalation "false" as a YAML 1.1 word',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['latest'],
    want: 'pass',
    spec: r((s) => (sc(s)['allowPrivilegeEscalation'] = 'no')),
  },

  // --- runAsNonRoot
  {
    name: 'runAsNonRoot on every container instead of the pod',
    check: 'pss.run-as-non-root',
    level: 'restricted',
    versions: ALL,
    want: 'pass',
    spec: r((s) => {
      delete podSc(s)['runAsNonRoot'];
      sc(s)['runAsNonRoot'] = true;
      sc(s, 'initContainers')['runAsNonRoot'] = true;
    }),
  },
  {
    name: 'pod runAsNonRoot false',
    check: 'pss.run-as-non-root',
    level: 'restricted',
    versions: ALL,
    want: 'fail',
    spec: r((s) => (podSc(s)['runAsNonRoot'] = false)),
    detail: 'pod must not set securityContext.runAsNonRoot=false',
  },
  {
    name: 'container runAsNonRoot false overrides the pod',
    check: 'pss.run-as-non-root',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => (sc(s)['runAsNonRoot'] = false)),
    fields: ['containers[0].securityContext.runAsNonRoot'],
  },
  {
    name: 'neither the pod nor one container sets runAsNonRoot',
    check: 'pss.run-as-non-root',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => {
      delete podSc(s)['runAsNonRoot'];
      sc(s)['runAsNonRoot'] = true;
    }),
    fields: ['securityContext.runAsNonRoot', 'initContainers[0].securityContext.runAsNonRoot'],
    detail: 'pod or container "initcontainer1" must set securityContext.runAsNonRoot=true',
  },
  {
    name: 'user-namespace pod without runAsNonRoot before v1.35',
    check: 'pss.run-as-non-root',
    level: 'restricted',
    versions: ['v1.0', 'v1.34'],
    want: 'fail',
    spec: r((s) => {
      s['hostUsers'] = false;
      delete podSc(s)['runAsNonRoot'];
    }),
  },
  {
    name: 'user-namespace pod without runAsNonRoot from v1.35',
    check: 'pss.run-as-non-root',
    level: 'restricted',
    versions: ['v1.35', 'latest'],
    want: 'pass',
    spec: r((s) => {
      s['hostUsers'] = false;
      delete podSc(s)['runAsNonRoot'];
    }),
  },

  // --- runAsUser
  {
    name: 'runAsUser 0 before v1.23',
    check: 'pss.run-as-user',
    level: 'restricted',
    versions: ['v1.0', 'v1.22'],
    want: 'pass',
    spec: r((s) => (podSc(s)['runAsUser'] = 0)),
  },
  {
    name: 'pod runAsUser 0 from v1.23',
    check: 'pss.run-as-user',
    level: 'restricted',
    versions: ['v1.23', 'latest'],
    want: 'fail',
    spec: r((s) => (podSc(s)['runAsUser'] = 0)),
    fields: ['securityContext.runAsUser'],
    detail: 'pod must not set runAsUser=0',
  },
  {
    name: 'container runAsUser 0',
    check: 'pss.run-as-user',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => {
      podSc(s)['runAsUser'] = 1000;
      sc(s, 'initContainers')['runAsUser'] = 0;
    }),
    fields: ['initContainers[0].securityContext.runAsUser'],
  },
  {
    name: 'non-zero runAsUser',
    check: 'pss.run-as-user',
    level: 'restricted',
    versions: ALL,
    want: 'pass',
    spec: r((s) => {
      podSc(s)['runAsUser'] = 1000;
      sc(s)['runAsUser'] = 65534;
    }),
  },
  {
    name: 'user-namespace pod with runAsUser 0 before v1.35',
    check: 'pss.run-as-user',
    level: 'restricted',
    versions: ['v1.34'],
    want: 'fail',
    spec: r((s) => {
      s['hostUsers'] = false;
      podSc(s)['runAsUser'] = 0;
    }),
  },
  {
    name: 'user-namespace pod with runAsUser 0 from v1.35',
    check: 'pss.run-as-user',
    level: 'restricted',
    versions: ['v1.35', 'latest'],
    want: 'pass',
    spec: r((s) => {
      s['hostUsers'] = false;
      podSc(s)['runAsUser'] = 0;
    }),
  },

  // --- seccomp (restricted)
  {
    name: 'no seccomp profile before v1.19',
    check: 'pss.seccomp-profile-restricted',
    level: 'restricted',
    versions: ['v1.0', 'v1.18'],
    want: 'pass',
    spec: r((s) => delete podSc(s)['seccompProfile']),
  },
  {
    name: 'no seccomp profile from v1.19',
    check: 'pss.seccomp-profile-restricted',
    level: 'restricted',
    versions: ['v1.19', 'latest'],
    want: 'fail',
    spec: r((s) => delete podSc(s)['seccompProfile']),
    fields: [
      'securityContext.seccompProfile.type',
      'initContainers[0].securityContext.seccompProfile.type',
      'containers[0].securityContext.seccompProfile.type',
    ],
  },
  {
    name: 'every container sets Localhost, the pod nothing',
    check: 'pss.seccomp-profile-restricted',
    level: 'restricted',
    versions: ALL,
    want: 'pass',
    spec: r((s) => {
      delete podSc(s)['seccompProfile'];
      sc(s)['seccompProfile'] = { type: 'Localhost', localhostProfile: 'p.json' };
      sc(s, 'initContainers')['seccompProfile'] = { type: 'RuntimeDefault' };
    }),
  },
  {
    name: 'Unconfined container under a RuntimeDefault pod',
    check: 'pss.seccomp-profile-restricted',
    level: 'restricted',
    versions: ['v1.19', 'latest'],
    want: 'fail',
    spec: r((s) => (sc(s)['seccompProfile'] = { type: 'Unconfined' })),
    fields: ['containers[0].securityContext.seccompProfile.type'],
    detail: 'container "container1" must not set securityContext.seccompProfile.type to "Unconfined"',
  },

  // --- capabilities (restricted)
  {
    name: 'capabilities not dropped before v1.22',
    check: 'pss.capabilities-restricted',
    level: 'restricted',
    versions: ['v1.0', 'v1.21'],
    want: 'pass',
    spec: r((s) => delete sc(s)['capabilities']),
  },
  {
    name: 'capabilities not dropped from v1.22',
    check: 'pss.capabilities-restricted',
    level: 'restricted',
    versions: ['v1.22', 'latest'],
    want: 'fail',
    spec: r((s) => delete sc(s)['capabilities']),
    fields: ['containers[0].securityContext.capabilities.drop'],
    detail: 'container "container1" must set securityContext.capabilities.drop=["ALL"]',
  },
  {
    name: 'drop ALL and add NET_BIND_SERVICE',
    check: 'pss.capabilities-restricted',
    level: 'restricted',
    versions: ALL,
    want: 'pass',
    spec: r((s) => (sc(s)['capabilities'] = { drop: ['NET_RAW', 'ALL'], add: ['NET_BIND_SERVICE'] })),
  },
  {
    name: 'drop in lower case and add CHOWN',
    check: 'pss.capabilities-restricted',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: r((s) => (sc(s, 'initContainers')['capabilities'] = { drop: ['all'], add: ['CHOWN'] })),
    fields: [
      'initContainers[0].securityContext.capabilities.drop',
      'initContainers[0].securityContext.capabilities.add[0]',
    ],
  },

  // --- Windows pods (v1.25 made privilege escalation, seccomp and capabilities Linux-only)
  {
    name: 'Windows pod without Linux-only settings before v1.25',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['v1.24'],
    want: 'fail',
    spec: windowsPod(),
    fires: [
      'pss.allow-privilege-escalation',
      'pss.capabilities-restricted',
      'pss.seccomp-profile-restricted',
    ],
  },
  {
    name: 'Windows pod without Linux-only settings from v1.25',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['v1.25', 'latest'],
    want: 'pass',
    spec: windowsPod(),
  },
  {
    name: 'a Linux pod gets no exemption',
    check: 'pss.allow-privilege-escalation',
    level: 'restricted',
    versions: ['v1.25'],
    want: 'fail',
    spec: r((s) => {
      s['os'] = { name: 'linux' };
      delete sc(s)['allowPrivilegeEscalation'];
    }),
  },
  {
    name: 'Windows pods are still subject to baseline checks',
    check: 'pss.windows-host-process',
    level: 'restricted',
    versions: ['latest'],
    want: 'fail',
    spec: tweak(windowsPod(), (s) => (sc(s)['windowsOptions'] = { hostProcess: true })),
  },
] satisfies Case[];

runCases(cases);

test('the minimal restricted pod passes restricted at every policy version', () => {
  const pod = { podMeta: { labels: {}, annotations: {} }, spec: restrictedSpec() };
  const newest = Number(LATEST_PSS_VERSION.slice('v1.'.length));
  for (let minor = 0; minor <= newest + 3; minor++) {
    assert.deepEqual(evaluatePodSecurity(pod, 'restricted', pssVersion(minor)), [], `v1.${minor}`);
    assert.deepEqual(evaluatePodSecurity(pod, 'baseline', pssVersion(minor)), [], `v1.${minor}`);
  }
});

test('an ephemeral container needs the restricted settings too', () => {
  const spec = r((s) => container(s, 'ephemeralContainers'));
  const ids = evaluatePodSecurity(
    { podMeta: { labels: {}, annotations: {} }, spec },
    'restricted',
    pssVersion(30),
  ).map((v) => v.check.id);
  assert.deepEqual(ids, ['pss.allow-privilege-escalation', 'pss.capabilities-restricted']);
});
