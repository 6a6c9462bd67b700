// Generates the Pod Security Standards fixture corpus under test/fixtures/pss/<level>/<version>/{pass,fail}/,
// modelled on upstream's conformance fixtures: a minimal valid pod per level plus one mutation per file, for the
// policy versions where a check changes. The corpus is written only with UPDATE_FIXTURES=1:
//   UPDATE_FIXTURES=1 node --import tsx test/checks/pss/generate-fixtures.ts
// fixtures.test.ts fails when the folders differ from what generateFixtures() returns.
// The mutations below are written by hand from the Pod Security Standards; they never consult the checks.
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { JsonObject } from '../../../src/k8s/object.js';
import type { FixtureLevel } from './pods.js';
import { baseSpec, container, podSc, sc, tweak } from './pods.js';

export const FIXTURE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'pss');

interface FixturePod {
  spec: JsonObject;
  annotations?: Record<string, string>;
}

interface FailPod extends FixturePod {
  /** The check expected to reject the pod (defaults to the generator's). */
  expect?: string;
}

interface Generator {
  /** File name stem, e.g. `host-ports` gives host-ports0.yaml, host-ports1.yaml, ... */
  stem: string;
  /** Check the fail pods are about. */
  expect: string;
  /** Policy version the cases are written for; they are emitted at exactly this version. */
  since: string;
  levels: readonly FixtureLevel[];
  pass?: (base: JsonObject, level: FixtureLevel) => FixturePod[];
  fail?: (base: JsonObject, level: FixtureLevel) => FailPod[];
}

const BOTH: readonly FixtureLevel[] = ['baseline', 'restricted'];
const RESTRICTED: readonly FixtureLevel[] = ['restricted'];

const t = (base: JsonObject, change: (spec: JsonObject) => void): FixturePod => ({
  spec: tweak(base, change),
});
const withSysctls =
  (...names: string[]) =>
  (spec: JsonObject) => {
    podSc(spec)['sysctls'] = names.map((name) => ({ name, value: '1' }));
  };
const withVolume = (volume: JsonObject) => (spec: JsonObject) => {
  spec['volumes'] = [volume];
};
const annotated = (spec: JsonObject, key: string, value: string): FixturePod => ({
  spec,
  annotations: { [key]: value },
});
const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/';
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

/** Removes the restricted settings a Windows pod may omit from v1.25. */
const windowsTweak = (spec: JsonObject): void => {
  spec['os'] = { name: 'windows' };
  delete podSc(spec)['seccompProfile'];
  for (const kind of ['containers', 'initContainers'] as const) {
    delete sc(spec, kind)['allowPrivilegeEscalation'];
    delete sc(spec, kind)['capabilities'];
  }
};

export const GENERATORS: readonly Generator[] = [
  // ---- baseline checks (also emitted at restricted, on the restricted base pod)
  {
    stem: 'host-namespaces',
    expect: 'pss.host-namespaces',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [t(b, (s) => Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false }))],
    fail: (b) => [
      t(b, (s) => (s['hostNetwork'] = true)),
      t(b, (s) => (s['hostPID'] = true)),
      t(b, (s) => (s['hostIPC'] = true)),
    ],
  },
  {
    stem: 'privileged',
    expect: 'pss.privileged',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [t(b, (s) => (sc(s)['privileged'] = false))],
    fail: (b) => [
      t(b, (s) => (sc(s)['privileged'] = true)),
      t(b, (s) => (sc(s, 'initContainers')['privileged'] = true)),
    ],
  },
  {
    stem: 'capabilities-baseline',
    expect: 'pss.capabilities-baseline',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [
      t(
        b,
        (s) => (sc(s)['capabilities'] = { drop: ['ALL'], add: ['AUDIT_WRITE', 'CHOWN', 'KILL', 'SETUID'] }),
      ),
    ],
    fail: (b) => [
      t(b, (s) => (sc(s)['capabilities'] = { drop: ['ALL'], add: ['NET_RAW'] })),
      t(b, (s) => (sc(s, 'initContainers')['capabilities'] = { drop: ['ALL'], add: ['SYS_ADMIN'] })),
    ],
  },
  {
    stem: 'host-path-volumes',
    expect: 'pss.host-path-volumes',
    since: 'v1.0',
    levels: BOTH,
    fail: (b, level) => [
      {
        ...t(b, withVolume({ name: 'host', hostPath: { path: '/var/run' } })),
        ...(level === 'restricted' ? { expect: 'pss.restricted-volumes' } : {}),
      },
    ],
  },
  {
    stem: 'host-ports',
    expect: 'pss.host-ports',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [t(b, (s) => (container(s)['ports'] = [{ containerPort: 8080, hostPort: 0 }]))],
    fail: (b) => [
      t(b, (s) => (container(s)['ports'] = [{ containerPort: 8080, hostPort: 8080 }])),
      t(b, (s) => (container(s, 'initContainers')['ports'] = [{ containerPort: 53, hostPort: 53 }])),
    ],
  },
  {
    stem: 'apparmor',
    expect: 'pss.apparmor',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [
      annotated(b, `${APPARMOR}container1`, 'runtime/default'),
      annotated(b, `${APPARMOR}initcontainer1`, 'localhost/custom'),
      t(b, (s) => (podSc(s)['appArmorProfile'] = { type: 'RuntimeDefault' })),
      t(b, (s) => (sc(s)['appArmorProfile'] = { type: 'Localhost', localhostProfile: 'custom' })),
    ],
    fail: (b) => [
      annotated(b, `${APPARMOR}container1`, 'unconfined'),
      annotated(b, `${APPARMOR}initcontainer1`, 'other'),
      t(b, (s) => (podSc(s)['appArmorProfile'] = { type: 'Unconfined' })),
      t(b, (s) => (sc(s)['appArmorProfile'] = { type: 'Unconfined' })),
    ],
  },
  {
    stem: 'selinux-options',
    expect: 'pss.selinux-options',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [
      t(b, (s) => (podSc(s)['seLinuxOptions'] = { type: 'container_t', level: 's0:c1,c2' })),
      t(b, (s) => (sc(s, 'initContainers')['seLinuxOptions'] = { type: 'container_init_t' })),
      t(b, (s) => (sc(s)['seLinuxOptions'] = { type: 'container_kvm_t' })),
    ],
    fail: (b) => [
      t(b, (s) => (podSc(s)['seLinuxOptions'] = { type: 'spc_t' })),
      t(b, (s) => (sc(s)['seLinuxOptions'] = { user: 'system_u' })),
      t(b, (s) => (sc(s, 'initContainers')['seLinuxOptions'] = { role: 'system_r' })),
      t(b, (s) => (sc(s)['seLinuxOptions'] = { type: 'container_engine_t' })), // allowed from v1.31
    ],
  },
  {
    stem: 'selinux-options',
    expect: 'pss.selinux-options',
    since: 'v1.31',
    levels: BOTH,
    pass: (b) => [t(b, (s) => (sc(s)['seLinuxOptions'] = { type: 'container_engine_t' }))],
    fail: (b) => [t(b, (s) => (sc(s)['seLinuxOptions'] = { type: 'unconfined_t' }))],
  },
  {
    stem: 'proc-mount',
    expect: 'pss.proc-mount',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [t(b, (s) => (sc(s)['procMount'] = 'Default'))],
    fail: (b) => [
      t(b, (s) => (sc(s)['procMount'] = 'Unmasked')),
      t(b, (s) => {
        s['hostUsers'] = false; // no relaxation before v1.35
        sc(s, 'initContainers')['procMount'] = 'Unmasked';
      }),
    ],
  },
  {
    stem: 'proc-mount',
    expect: 'pss.proc-mount',
    since: 'v1.35',
    levels: BOTH,
    pass: (b, level) =>
      level === 'baseline'
        ? [
            t(b, (s) => {
              s['hostUsers'] = false;
              sc(s)['procMount'] = 'Unmasked';
            }),
          ]
        : [],
    fail: (b, level) => [
      {
        ...t(b, (s) => {
          s['hostUsers'] = true;
          sc(s)['procMount'] = 'Unmasked';
        }),
        // from v1.35 the restricted level replaces the baseline check with its own
        ...(level === 'restricted' ? { expect: 'pss.proc-mount-restricted' } : {}),
      },
      ...(level === 'restricted'
        ? [
            {
              ...t(b, (s) => {
                s['hostUsers'] = false;
                sc(s)['procMount'] = 'Unmasked';
              }),
              expect: 'pss.proc-mount-restricted',
            },
          ]
        : []),
    ],
  },
  {
    stem: 'seccomp-profile-baseline',
    expect: 'pss.seccomp-profile-baseline',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [
      annotated(b, SECCOMP_POD, 'runtime/default'),
      annotated(b, `${SECCOMP_CONTAINER}container1`, 'docker/default'),
      annotated(b, `${SECCOMP_CONTAINER}initcontainer1`, 'localhost/profile.json'),
    ],
    fail: (b) => [
      annotated(b, SECCOMP_POD, 'unconfined'),
      annotated(b, `${SECCOMP_CONTAINER}container1`, 'unconfined'),
    ],
  },
  {
    stem: 'seccomp-profile-baseline',
    expect: 'pss.seccomp-profile-baseline',
    since: 'v1.19',
    levels: ['baseline'],
    pass: (b) => [
      annotated(b, SECCOMP_POD, 'unconfined'), // annotations are not checked from v1.19
      t(b, (s) => (podSc(s)['seccompProfile'] = { type: 'RuntimeDefault' })),
      t(b, (s) => (sc(s)['seccompProfile'] = { type: 'Localhost', localhostProfile: 'profile.json' })),
    ],
    fail: (b) => [
      t(b, (s) => (podSc(s)['seccompProfile'] = { type: 'Unconfined' })),
      t(b, (s) => (sc(s, 'initContainers')['seccompProfile'] = { type: 'Unconfined' })),
    ],
  },
  {
    stem: 'sysctls',
    expect: 'pss.sysctls',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [
      t(
        b,
        withSysctls(
          'kernel.shm_rmid_forced',
          'net.ipv4.ip_local_port_range',
          'net.ipv4.ip_unprivileged_port_start',
          'net.ipv4.tcp_syncookies',
          'net.ipv4.ping_group_range',
        ),
      ),
    ],
    fail: (b) => [t(b, withSysctls('kernel.msgmax')), t(b, withSysctls('net.ipv4.ip_local_reserved_ports'))],
  },
  {
    stem: 'sysctls',
    expect: 'pss.sysctls',
    since: 'v1.27',
    levels: BOTH,
    pass: (b) => [t(b, withSysctls('net.ipv4.ip_local_reserved_ports'))],
    fail: (b) => [t(b, withSysctls('net.ipv4.tcp_keepalive_time'))],
  },
  {
    stem: 'sysctls',
    expect: 'pss.sysctls',
    since: 'v1.29',
    levels: BOTH,
    pass: (b) => [
      t(
        b,
        withSysctls(
          'net.ipv4.tcp_keepalive_time',
          'net.ipv4.tcp_fin_timeout',
          'net.ipv4.tcp_keepalive_intvl',
          'net.ipv4.tcp_keepalive_probes',
        ),
      ),
    ],
    fail: (b) => [t(b, withSysctls('net.ipv4.tcp_rmem'))],
  },
  {
    stem: 'sysctls',
    expect: 'pss.sysctls',
    since: 'v1.32',
    levels: BOTH,
    pass: (b) => [t(b, withSysctls('net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'))],
    fail: (b) => [t(b, withSysctls('net.ipv4.tcp_notsent_lowat'))],
  },
  {
    stem: 'sysctls',
    expect: 'pss.sysctls',
    since: 'v1.37',
    levels: BOTH,
    pass: (b) => [t(b, withSysctls('net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'))],
    fail: (b) => [t(b, withSysctls('net.ipv4.ip_forward'))],
  },
  {
    stem: 'windows-host-process',
    expect: 'pss.windows-host-process',
    since: 'v1.0',
    levels: BOTH,
    pass: (b) => [t(b, (s) => (podSc(s)['windowsOptions'] = { hostProcess: false }))],
    fail: (b) => [
      t(b, (s) => (podSc(s)['windowsOptions'] = { hostProcess: true })),
      t(b, (s) => (sc(s)['windowsOptions'] = { hostProcess: true })),
    ],
  },
  {
    stem: 'host-probes-lifecycle',
    expect: 'pss.host-probes-lifecycle',
    since: 'v1.34',
    levels: BOTH,
    pass: (b) => [
      t(b, (s) => (container(s)['livenessProbe'] = { httpGet: { path: '/healthz', port: 8080, host: '' } })),
    ],
    fail: (b) => [
      t(b, (s) => (container(s)['livenessProbe'] = { httpGet: { port: 8080, host: '10.0.0.1' } })),
      t(b, (s) => (container(s)['readinessProbe'] = { tcpSocket: { port: 5432, host: 'db.internal' } })),
      t(b, (s) => (container(s)['startupProbe'] = { httpGet: { port: 80, host: 'example.com' } })),
      t(
        b,
        (s) => (container(s)['lifecycle'] = { postStart: { httpGet: { port: 80, host: 'example.com' } } }),
      ),
      t(
        b,
        (s) => (container(s)['lifecycle'] = { preStop: { tcpSocket: { port: 80, host: 'example.com' } } }),
      ),
    ],
  },

  // ---- restricted checks
  {
    stem: 'restricted-volumes',
    expect: 'pss.restricted-volumes',
    since: 'v1.0',
    levels: RESTRICTED,
    pass: (b) => [
      t(
        b,
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
          ]),
      ),
    ],
    fail: (b) => [
      t(b, withVolume({ name: 'v', nfs: { server: 'nfs.example', path: '/' } })),
      t(b, withVolume({ name: 'v', gitRepo: { repository: 'https://example.com/x.git' } })),
      t(b, withVolume({ name: 'v', gcePersistentDisk: { pdName: 'disk' } })),
      t(b, withVolume({ name: 'v', flexVolume: { driver: 'example/flex' } })),
      t(b, withVolume({ name: 'v', cephfs: { monitors: ['10.0.0.1'] } })),
    ],
  },
  {
    stem: 'run-as-non-root',
    expect: 'pss.run-as-non-root',
    since: 'v1.0',
    levels: RESTRICTED,
    pass: (b) => [
      t(b, (s) => {
        delete podSc(s)['runAsNonRoot'];
        sc(s)['runAsNonRoot'] = true;
        sc(s, 'initContainers')['runAsNonRoot'] = true;
      }),
    ],
    fail: (b) => [
      t(b, (s) => (podSc(s)['runAsNonRoot'] = false)),
      t(b, (s) => (sc(s)['runAsNonRoot'] = false)),
      t(b, (s) => {
        delete podSc(s)['runAsNonRoot'];
        sc(s)['runAsNonRoot'] = true;
      }),
    ],
  },
  {
    stem: 'allow-privilege-escalation',
    expect: 'pss.allow-privilege-escalation',
    since: 'v1.8',
    levels: RESTRICTED,
    fail: (b) => [
      t(b, (s) => delete sc(s)['allowPrivilegeEscalation']),
      t(b, (s) => (sc(s)['allowPrivilegeEscalation'] = true)),
      t(b, (s) => (sc(s, 'initContainers')['allowPrivilegeEscalation'] = true)),
    ],
  },
  {
    stem: 'seccomp-profile-restricted',
    expect: 'pss.seccomp-profile-restricted',
    since: 'v1.19',
    levels: RESTRICTED,
    pass: (b) => [
      t(b, (s) => {
        delete podSc(s)['seccompProfile'];
        sc(s)['seccompProfile'] = { type: 'RuntimeDefault' };
        sc(s, 'initContainers')['seccompProfile'] = { type: 'Localhost', localhostProfile: 'p.json' };
      }),
      t(b, (s) => (podSc(s)['seccompProfile'] = { type: 'Localhost', localhostProfile: 'p.json' })),
    ],
    fail: (b) => [
      t(b, (s) => delete podSc(s)['seccompProfile']),
      t(b, (s) => (podSc(s)['seccompProfile'] = { type: 'Unconfined' })),
      t(b, (s) => (sc(s)['seccompProfile'] = { type: 'Unconfined' })),
      t(b, (s) => {
        delete podSc(s)['seccompProfile'];
        sc(s)['seccompProfile'] = { type: 'RuntimeDefault' };
      }),
    ],
  },
  {
    stem: 'capabilities-restricted',
    expect: 'pss.capabilities-restricted',
    since: 'v1.22',
    levels: RESTRICTED,
    pass: (b) => [t(b, (s) => (sc(s)['capabilities'] = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }))],
    fail: (b) => [
      t(b, (s) => delete sc(s)['capabilities']),
      t(b, (s) => (sc(s)['capabilities'] = { drop: ['NET_RAW'] })),
      t(b, (s) => (sc(s)['capabilities'] = { drop: ['ALL'], add: ['CHOWN'] })),
      t(b, (s) => (sc(s, 'initContainers')['capabilities'] = { drop: ['ALL'], add: ['SYS_ADMIN'] })),
    ],
  },
  {
    stem: 'run-as-user',
    expect: 'pss.run-as-user',
    since: 'v1.23',
    levels: RESTRICTED,
    pass: (b) => [
      t(b, (s) => {
        podSc(s)['runAsUser'] = 1000;
        sc(s)['runAsUser'] = 65534;
      }),
    ],
    fail: (b) => [
      t(b, (s) => (podSc(s)['runAsUser'] = 0)),
      t(b, (s) => (sc(s)['runAsUser'] = 0)),
      t(b, (s) => (sc(s, 'initContainers')['runAsUser'] = 0)),
    ],
  },
  {
    stem: 'windows-pod',
    expect: 'pss.allow-privilege-escalation',
    since: 'v1.25',
    levels: RESTRICTED,
    pass: (b) => [t(b, windowsTweak)],
    fail: (b) => [
      t(b, (s) => {
        windowsTweak(s);
        s['os'] = { name: 'linux' };
      }),
    ],
  },
  {
    stem: 'user-namespaces',
    expect: 'pss.run-as-non-root',
    since: 'v1.35',
    levels: RESTRICTED,
    pass: (b) => [
      t(b, (s) => {
        s['hostUsers'] = false;
        delete podSc(s)['runAsNonRoot'];
        podSc(s)['runAsUser'] = 0;
      }),
    ],
    fail: (b) => [
      t(b, (s) => {
        s['hostUsers'] = true;
        delete podSc(s)['runAsNonRoot'];
      }),
      {
        ...t(b, (s) => {
          s['hostUsers'] = false;
          sc(s)['runAsUser'] = 0;
          sc(s)['procMount'] = 'Unmasked';
        }),
        expect: 'pss.proc-mount-restricted',
      },
    ],
  },
];

const HEADER = '# Generated by test/checks/pss/generate-fixtures.ts; regenerate with UPDATE_FIXTURES=1.\n';

function versionMinor(version: string): number {
  return Number(version.slice('v1.'.length));
}

/** Policy versions that get a corpus folder for a level: v1.0 and every version where one of its generators starts. */
export function corpusVersions(level: FixtureLevel): string[] {
  const versions = new Set([
    'v1.0',
    ...GENERATORS.filter((g) => g.levels.includes(level)).map((g) => g.since),
  ]);
  return [...versions].sort((a, b) => versionMinor(a) - versionMinor(b));
}

function render(name: string, pod: FixturePod, expect?: string): string {
  const doc = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(pod.annotations ? { annotations: pod.annotations } : {}) },
    spec: pod.spec,
  };
  const expectLine = expect ? `# expect: ${expect}\n` : '';
  return HEADER + expectLine + stringify(doc, { sortMapEntries: true, lineWidth: 0 });
}

/** Every fixture file, by path relative to FIXTURE_ROOT (`baseline/v1.0/pass/base.yaml`), with its content. */
export function generateFixtures(): Map<string, string> {
  const files = new Map<string, string>();
  const add = (path: string, content: string) => {
    if (files.has(path)) throw new Error(`fixture generated twice: ${path}`);
    files.set(path, content);
  };
  for (const level of ['baseline', 'restricted'] as const) {
    for (const version of corpusVersions(level)) {
      const dir = `${level}/${version}`;
      const base = baseSpec(level);
      add(`${dir}/pass/base.yaml`, render('base', { spec: base }));
      for (const generator of GENERATORS) {
        if (generator.since !== version || !generator.levels.includes(level)) continue;
        (generator.pass?.(baseSpec(level), level) ?? []).forEach((pod, i) => {
          const name = `${generator.stem}${i}`;
          add(`${dir}/pass/${name}.yaml`, render(name, pod));
        });
        (generator.fail?.(baseSpec(level), level) ?? []).forEach((pod, i) => {
          const name = `${generator.stem}${i}`;
          add(`${dir}/fail/${name}.yaml`, render(name, pod, pod.expect ?? generator.expect));
        });
      }
    }
  }
  return files;
}

/** Relative paths of every file under FIXTURE_ROOT. */
export function listFixtureFiles(root = FIXTURE_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full).split('\\').join('/'));
    }
  };
  walk(root);
  return out;
}

/** Rewrites the corpus: removes every file, then writes the generated ones. */
export function writeFixtures(root = FIXTURE_ROOT): number {
  rmSync(root, { recursive: true, force: true });
  const files = generateFixtures();
  for (const [path, content] of files) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return files.size;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  if (process.env['UPDATE_FIXTURES'] === '1') {
    console.log(`wrote ${writeFixtures()} fixtures under ${relative(process.cwd(), FIXTURE_ROOT)}`);
  } else {
    console.error('refusing to write fixtures without UPDATE_FIXTURES=1');
    process.exitCode = 2;
  }
}
