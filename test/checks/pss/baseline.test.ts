import type { JsonObject } from '../../../src/k8s/object.js';
import type { Case } from './cases.js';
import { runCases } from './cases.js';
import { baselineSpec, container, podSc, restrictedSpec, sc, tweak } from './pods.js';

const b = (change: (spec: JsonObject) => void): JsonObject => tweak(baselineSpec(), change);
const r = (change: (spec: JsonObject) => void): JsonObject => tweak(restrictedSpec(), change);
const ALL = ['v1.0', 'v1.24', 'latest'];
const annotationAppArmor = 'container.apparmor.security.beta.kubernetes.io/container1';
const seccompPod = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainer = 'container.seccomp.security.alpha.kubernetes.io/container1';

const sysctl = (name: string) => (spec: JsonObject) => {
  podSc(spec)['sysctls'] = [{ name, value: '1' }];
};

const cases = [
  // --- host namespaces
  {
    name: 'all host namespaces explicitly false',
    check: 'pss.host-namespaces',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false })),
  },
  {
    name: 'hostNetwork true',
    check: 'pss.host-namespaces',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (s['hostNetwork'] = true)),
    fields: ['hostNetwork'],
    detail: 'hostNetwork=true',
  },
  {
    name: 'hostPID and hostIPC true',
    check: 'pss.host-namespaces',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => Object.assign(s, { hostPID: true, hostIPC: true })),
    fields: ['hostPID', 'hostIPC'],
  },
  {
    name: 'YAML 1.1 word "yes" counts as true',
    check: 'pss.host-namespaces',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => (s['hostPID'] = 'yes')),
  },
  {
    name: 'wrong-typed value is not trusted to be false',
    check: 'pss.host-namespaces',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => (s['hostIPC'] = 1)),
  },
  {
    name: 'YAML 1.1 word "off" counts as false',
    check: 'pss.host-namespaces',
    level: 'baseline',
    versions: ['latest'],
    want: 'pass',
    spec: b((s) => (s['hostIPC'] = 'off')),
  },
  {
    name: 'restricted level includes baseline checks',
    check: 'pss.host-namespaces',
    level: 'restricted',
    versions: ALL,
    want: 'fail',
    spec: r((s) => (s['hostNetwork'] = true)),
  },

  // --- privileged
  {
    name: 'privileged false everywhere',
    check: 'pss.privileged',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      sc(s)['privileged'] = false;
      sc(s, 'initContainers')['privileged'] = false;
    }),
  },
  {
    name: 'container privileged',
    check: 'pss.privileged',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (sc(s)['privileged'] = true)),
    fields: ['containers[0].securityContext.privileged'],
    detail: 'container "container1"',
  },
  {
    name: 'init container privileged',
    check: 'pss.privileged',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (sc(s, 'initContainers')['privileged'] = true)),
    fields: ['initContainers[0].securityContext.privileged'],
  },
  {
    name: 'ephemeral container privileged',
    check: 'pss.privileged',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (sc(s, 'ephemeralContainers')['privileged'] = true)),
    fields: ['ephemeralContainers[0].securityContext.privileged'],
  },

  // --- capabilities (baseline)
  {
    name: 'every default capability may be added',
    check: 'pss.capabilities-baseline',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      sc(s)['capabilities'] = {
        add: [
          'AUDIT_WRITE',
          'CHOWN',
          'DAC_OVERRIDE',
          'FOWNER',
          'FSETID',
          'KILL',
          'MKNOD',
          'NET_BIND_SERVICE',
          'SETFCAP',
          'SETGID',
          'SETPCAP',
          'SETUID',
          'SYS_CHROOT',
        ],
      };
    }),
  },
  {
    name: 'NET_RAW is not a default capability',
    check: 'pss.capabilities-baseline',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (sc(s)['capabilities'] = { add: ['CHOWN', 'NET_RAW'] })),
    fields: ['containers[0].securityContext.capabilities.add[1]'],
    detail: '"NET_RAW"',
  },
  {
    name: 'add given as a string instead of a list',
    check: 'pss.capabilities-baseline',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => (sc(s, 'initContainers')['capabilities'] = { add: 'SYS_ADMIN' })),
    fields: ['initContainers[0].securityContext.capabilities.add'],
  },
  {
    name: 'restricted before v1.22 still uses the baseline capability check',
    check: 'pss.capabilities-baseline',
    level: 'restricted',
    versions: ['v1.0', 'v1.21'],
    want: 'fail',
    spec: r((s) => (sc(s)['capabilities'] = { drop: ['ALL'], add: ['SYS_ADMIN'] })),
  },
  {
    name: 'restricted from v1.22 replaces it with the restricted capability check',
    check: 'pss.capabilities-baseline',
    level: 'restricted',
    versions: ['v1.22', 'latest'],
    want: 'fail',
    spec: r((s) => (sc(s)['capabilities'] = { drop: ['ALL'], add: ['SYS_ADMIN'] })),
    fires: ['pss.capabilities-restricted'],
  },

  // --- hostPath volumes
  {
    name: 'hostPath volume',
    check: 'pss.host-path-volumes',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b(
      (s) =>
        (s['volumes'] = [
          { name: 'cache', emptyDir: {} },
          { name: 'root', hostPath: { path: '/' } },
        ]),
    ),
    fields: ['volumes[1].hostPath'],
    detail: 'volume "root"',
  },
  {
    name: 'restricted reports hostPath through the restricted volume check only (override)',
    check: 'pss.host-path-volumes',
    level: 'restricted',
    versions: ALL,
    want: 'fail',
    spec: r((s) => (s['volumes'] = [{ name: 'root', hostPath: { path: '/' } }])),
    fires: ['pss.restricted-volumes'],
  },

  // --- host ports
  {
    name: 'hostPort 0 and no hostPort',
    check: 'pss.host-ports',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => (container(s)['ports'] = [{ containerPort: 80, hostPort: 0 }, { containerPort: 81 }])),
  },
  {
    name: 'hostPort 8080',
    check: 'pss.host-ports',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b(
      (s) => (container(s)['ports'] = [{ containerPort: 80 }, { containerPort: 8080, hostPort: 8080 }]),
    ),
    fields: ['containers[0].ports[1].hostPort'],
    detail: 'uses hostPort 8080',
  },
  {
    name: 'hostPort on an init container, given as a string',
    check: 'pss.host-ports',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => (container(s, 'initContainers')['ports'] = [{ containerPort: 53, hostPort: '53' }])),
    fields: ['initContainers[0].ports[0].hostPort'],
  },

  // --- AppArmor
  {
    name: 'allowed annotation values',
    check: 'pss.apparmor',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: baselineSpec(),
    annotations: {
      [annotationAppArmor]: 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/initcontainer1': 'localhost/my-profile',
      'container.apparmor.security.beta.kubernetes.io/other': '',
    },
  },
  {
    name: 'unconfined annotation',
    check: 'pss.apparmor',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: baselineSpec(),
    annotations: { [annotationAppArmor]: 'unconfined' },
    fields: [`metadata.annotations['${annotationAppArmor}']`],
    detail: 'unconfined',
  },
  {
    name: 'allowed profile types in the appArmorProfile field',
    check: 'pss.apparmor',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      podSc(s)['appArmorProfile'] = { type: 'RuntimeDefault' };
      sc(s)['appArmorProfile'] = { type: 'Localhost', localhostProfile: 'k8s-nginx' };
    }),
  },
  {
    name: 'Unconfined pod profile (field checked at every policy version, as upstream)',
    check: 'pss.apparmor',
    level: 'baseline',
    versions: ['v1.0', 'v1.29', 'v1.30', 'latest'],
    want: 'fail',
    spec: b((s) => (podSc(s)['appArmorProfile'] = { type: 'Unconfined' })),
    fields: ['securityContext.appArmorProfile.type'],
  },
  {
    name: 'Unconfined container profile and a profile without type',
    check: 'pss.apparmor',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => {
      sc(s)['appArmorProfile'] = { type: 'Unconfined' };
      sc(s, 'initContainers')['appArmorProfile'] = {};
    }),
    fields: [
      'initContainers[0].securityContext.appArmorProfile.type',
      'containers[0].securityContext.appArmorProfile.type',
    ],
  },

  // --- SELinux
  {
    name: 'allowed types and a level',
    check: 'pss.selinux-options',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      podSc(s)['seLinuxOptions'] = { type: 'container_t', level: 's0:c123,c456' };
      sc(s)['seLinuxOptions'] = { type: 'container_kvm_t' };
      sc(s, 'initContainers')['seLinuxOptions'] = { type: 'container_init_t', user: '', role: '' };
    }),
  },
  {
    name: 'spc_t type',
    check: 'pss.selinux-options',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (sc(s)['seLinuxOptions'] = { type: 'spc_t' })),
    fields: ['containers[0].securityContext.seLinuxOptions.type'],
    detail: 'type "spc_t"',
  },
  {
    name: 'custom user and role',
    check: 'pss.selinux-options',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => (podSc(s)['seLinuxOptions'] = { user: 'system_u', role: 'system_r' })),
    fields: ['securityContext.seLinuxOptions.user', 'securityContext.seLinuxOptions.role'],
    detail: 'user may not be set; role may not be set',
  },
  {
    name: 'container_engine_t before v1.31',
    check: 'pss.selinux-options',
    level: 'baseline',
    versions: ['v1.0', 'v1.30'],
    want: 'fail',
    spec: b((s) => (sc(s)['seLinuxOptions'] = { type: 'container_engine_t' })),
  },
  {
    name: 'container_engine_t from v1.31',
    check: 'pss.selinux-options',
    level: 'baseline',
    versions: ['v1.31', 'latest'],
    want: 'pass',
    spec: b((s) => (sc(s)['seLinuxOptions'] = { type: 'container_engine_t' })),
  },

  // --- /proc mount
  {
    name: 'Default procMount',
    check: 'pss.proc-mount',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => (sc(s)['procMount'] = 'Default')),
  },
  {
    name: 'Unmasked procMount',
    check: 'pss.proc-mount',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => (sc(s, 'initContainers')['procMount'] = 'Unmasked')),
    fields: ['initContainers[0].securityContext.procMount'],
    detail: '"Unmasked"',
  },
  {
    name: 'Unmasked in a user namespace before v1.35',
    check: 'pss.proc-mount',
    level: 'baseline',
    versions: ['v1.0', 'v1.34'],
    want: 'fail',
    spec: b((s) => {
      s['hostUsers'] = false;
      sc(s)['procMount'] = 'Unmasked';
    }),
  },
  {
    name: 'Unmasked in a user namespace from v1.35',
    check: 'pss.proc-mount',
    level: 'baseline',
    versions: ['v1.35', 'latest'],
    want: 'pass',
    spec: b((s) => {
      s['hostUsers'] = false;
      sc(s)['procMount'] = 'Unmasked';
    }),
  },
  {
    name: 'Unmasked with hostUsers true from v1.35',
    check: 'pss.proc-mount',
    level: 'baseline',
    versions: ['v1.35'],
    want: 'fail',
    spec: b((s) => {
      s['hostUsers'] = true;
      sc(s)['procMount'] = 'Unmasked';
    }),
  },
  {
    name: 'restricted before v1.35: the baseline check',
    check: 'pss.proc-mount',
    level: 'restricted',
    versions: ['v1.34'],
    want: 'fail',
    spec: r((s) => {
      s['hostUsers'] = false;
      sc(s)['procMount'] = 'Unmasked';
    }),
  },
  {
    name: 'restricted from v1.35: the restricted check replaces it and ignores user namespaces',
    check: 'pss.proc-mount',
    level: 'restricted',
    versions: ['v1.35', 'latest'],
    want: 'fail',
    spec: r((s) => {
      s['hostUsers'] = false;
      sc(s)['procMount'] = 'Unmasked';
    }),
    fires: ['pss.proc-mount-restricted'],
  },

  // --- seccomp (baseline)
  {
    name: 'allowed seccomp annotations',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.0', 'v1.18', 'latest'],
    want: 'pass',
    spec: baselineSpec(),
    annotations: {
      [seccompPod]: 'runtime/default',
      [seccompContainer]: 'docker/default',
      'container.seccomp.security.alpha.kubernetes.io/initcontainer1': 'localhost/profile.json',
    },
  },
  {
    name: 'unconfined pod annotation up to v1.18',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.0', 'v1.18'],
    want: 'fail',
    spec: baselineSpec(),
    annotations: { [seccompPod]: 'unconfined' },
    fields: [`metadata.annotations['${seccompPod}']`],
  },
  {
    name: 'unconfined annotations are ignored from v1.19 (the field is checked instead)',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.19', 'latest'],
    want: 'pass',
    spec: baselineSpec(),
    annotations: { [seccompPod]: 'unconfined', [seccompContainer]: 'unconfined' },
  },
  {
    name: 'unconfined container annotation at v1.18',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.18'],
    want: 'fail',
    spec: baselineSpec(),
    annotations: { [seccompContainer]: 'unconfined' },
    fields: [`metadata.annotations['${seccompContainer}']`],
  },
  {
    name: 'annotation for a container the pod does not have',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.18'],
    want: 'pass',
    spec: baselineSpec(),
    annotations: { 'container.seccomp.security.alpha.kubernetes.io/ghost': 'unconfined' },
  },
  {
    name: 'restricted at v1.18 still uses the annotation check',
    check: 'pss.seccomp-profile-baseline',
    level: 'restricted',
    versions: ['v1.18'],
    want: 'fail',
    spec: restrictedSpec(),
    annotations: { [seccompPod]: 'unconfined' },
  },
  {
    name: 'Unconfined field is not checked before v1.19',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.18'],
    want: 'pass',
    spec: b((s) => (podSc(s)['seccompProfile'] = { type: 'Unconfined' })),
  },
  {
    name: 'Unconfined pod and container fields from v1.19',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ['v1.19', 'latest'],
    want: 'fail',
    spec: b((s) => {
      podSc(s)['seccompProfile'] = { type: 'Unconfined' };
      sc(s)['seccompProfile'] = { type: 'Unconfined' };
    }),
    fields: ['securityContext.seccompProfile.type', 'containers[0].securityContext.seccompProfile.type'],
    detail: 'pod and container "container1"',
  },
  {
    name: 'RuntimeDefault and Localhost fields',
    check: 'pss.seccomp-profile-baseline',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      podSc(s)['seccompProfile'] = { type: 'RuntimeDefault' };
      sc(s)['seccompProfile'] = { type: 'Localhost', localhostProfile: 'p.json' };
    }),
  },

  // --- sysctls
  {
    name: 'the v1.0 safe set',
    check: 'pss.sysctls',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      podSc(s)['sysctls'] = [
        'kernel.shm_rmid_forced',
        'net.ipv4.ip_local_port_range',
        'net.ipv4.tcp_syncookies',
        'net.ipv4.ping_group_range',
        'net.ipv4.ip_unprivileged_port_start',
      ].map((name) => ({ name, value: '1' }));
    }),
  },
  {
    name: 'ip_local_reserved_ports before v1.27',
    check: 'pss.sysctls',
    level: 'baseline',
    versions: ['v1.0', 'v1.26'],
    want: 'fail',
    spec: b(sysctl('net.ipv4.ip_local_reserved_ports')),
    fields: ['securityContext.sysctls[0].name'],
    detail: 'net.ipv4.ip_local_reserved_ports',
  },
  {
    name: 'ip_local_reserved_ports from v1.27',
    check: 'pss.sysctls',
    level: 'baseline',
    versions: ['v1.27', 'latest'],
    want: 'pass',
    spec: b(sysctl('net.ipv4.ip_local_reserved_ports')),
  },
  ...[
    'net.ipv4.tcp_keepalive_time',
    'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_keepalive_intvl',
    'net.ipv4.tcp_keepalive_probes',
  ].flatMap((name): Case[] => [
    {
      name: `${name} before v1.29`,
      check: 'pss.sysctls',
      level: 'baseline',
      versions: ['v1.28'],
      want: 'fail',
      spec: b(sysctl(name)),
    },
    {
      name: `${name} from v1.29`,
      check: 'pss.sysctls',
      level: 'baseline',
      versions: ['v1.29'],
      want: 'pass',
      spec: b(sysctl(name)),
    },
  ]),
  ...['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'].flatMap((name): Case[] => [
    {
      name: `${name} before v1.32`,
      check: 'pss.sysctls',
      level: 'baseline',
      versions: ['v1.31'],
      want: 'fail',
      spec: b(sysctl(name)),
    },
    {
      name: `${name} from v1.32`,
      check: 'pss.sysctls',
      level: 'baseline',
      versions: ['v1.32'],
      want: 'pass',
      spec: b(sysctl(name)),
    },
  ]),
  ...['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'].flatMap((name): Case[] => [
    {
      name: `${name} before v1.37`,
      check: 'pss.sysctls',
      level: 'baseline',
      versions: ['v1.36'],
      want: 'fail',
      spec: b(sysctl(name)),
    },
    {
      name: `${name} from v1.37 (latest, and newer versions)`,
      check: 'pss.sysctls',
      level: 'baseline',
      versions: ['v1.37', 'v1.99', 'latest'],
      want: 'pass',
      spec: b(sysctl(name)),
    },
  ]),
  {
    name: 'unsafe sysctls, a nameless entry and a non-object entry',
    check: 'pss.sysctls',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b(
      (s) =>
        (podSc(s)['sysctls'] = [
          { name: 'kernel.msgmax', value: '1' },
          { value: '1' },
          'net.ipv4.ip_forward',
        ]),
    ),
    fields: [
      'securityContext.sysctls[0].name',
      'securityContext.sysctls[1].name',
      'securityContext.sysctls[2].name',
    ],
  },
  {
    name: 'sysctls given as a map',
    check: 'pss.sysctls',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => (podSc(s)['sysctls'] = { 'kernel.msgmax': '1' })),
    fields: ['securityContext.sysctls'],
  },

  // --- Windows HostProcess
  {
    name: 'hostProcess false',
    check: 'pss.windows-host-process',
    level: 'baseline',
    versions: ALL,
    want: 'pass',
    spec: b((s) => {
      podSc(s)['windowsOptions'] = { hostProcess: false };
      sc(s)['windowsOptions'] = { hostProcess: false };
    }),
  },
  {
    name: 'hostProcess on pod and container',
    check: 'pss.windows-host-process',
    level: 'baseline',
    versions: ALL,
    want: 'fail',
    spec: b((s) => {
      s['os'] = { name: 'windows' };
      s['hostNetwork'] = false;
      podSc(s)['windowsOptions'] = { hostProcess: true };
      sc(s)['windowsOptions'] = { hostProcess: true };
    }),
    fields: [
      'securityContext.windowsOptions.hostProcess',
      'containers[0].securityContext.windowsOptions.hostProcess',
    ],
    detail: 'pod and container "container1"',
  },

  // --- probe and lifecycle hosts
  {
    name: 'probes and hooks without host, or with an empty host',
    check: 'pss.host-probes-lifecycle',
    level: 'baseline',
    versions: ['v1.34', 'latest'],
    want: 'pass',
    spec: b((s) =>
      Object.assign(container(s), {
        livenessProbe: { httpGet: { path: '/healthz', port: 8080, host: '' } },
        readinessProbe: { tcpSocket: { port: 8080 } },
        startupProbe: { grpc: { port: 9090 } },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
      }),
    ),
  },
  {
    name: 'httpGet liveness host before v1.34',
    check: 'pss.host-probes-lifecycle',
    level: 'baseline',
    versions: ['v1.0', 'v1.33'],
    want: 'pass',
    spec: b((s) => (container(s)['livenessProbe'] = { httpGet: { host: '169.254.169.254', port: 80 } })),
  },
  {
    name: 'httpGet liveness host from v1.34',
    check: 'pss.host-probes-lifecycle',
    level: 'baseline',
    versions: ['v1.34', 'latest'],
    want: 'fail',
    spec: b((s) => (container(s)['livenessProbe'] = { httpGet: { host: '169.254.169.254', port: 80 } })),
    fields: ['containers[0].livenessProbe.httpGet.host'],
    detail: 'uses probe or lifecycle host "169.254.169.254"',
  },
  {
    name: 'tcpSocket probe and lifecycle hosts on several containers',
    check: 'pss.host-probes-lifecycle',
    level: 'baseline',
    versions: ['latest'],
    want: 'fail',
    spec: b((s) => {
      container(s)['readinessProbe'] = { tcpSocket: { host: 'db.internal', port: 5432 } };
      container(s)['lifecycle'] = {
        postStart: { httpGet: { host: 'a.example', port: 80 } },
        preStop: { tcpSocket: { host: 'b.example', port: 80 } },
      };
      Object.assign(container(s, 'initContainers'), {
        restartPolicy: 'Always',
        startupProbe: { httpGet: { host: 'c.example', port: 80 } },
      });
      container(s, 'ephemeralContainers')['readinessProbe'] = { httpGet: { host: 'd.example', port: 80 } };
    }),
    fields: [
      'initContainers[0].startupProbe.httpGet.host',
      'containers[0].readinessProbe.tcpSocket.host',
      'containers[0].lifecycle.postStart.httpGet.host',
      'containers[0].lifecycle.preStop.tcpSocket.host',
      'ephemeralContainers[0].readinessProbe.httpGet.host',
    ],
  },
] satisfies Case[];

runCases(cases);
