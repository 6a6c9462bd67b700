import { mkdir, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench, BenchResult } from './types.js';
import { measureCommand, bestOf } from './measure.js';

const DATA = join(import.meta.dirname, '.data');
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const PARSE_FLOOR = join(import.meta.dirname, 'parse-floor.mjs');
const OBJECTS_PER_FILE = 1000;

/** Deterministic mixed workload objects, the shapes real repositories hold. */
function objectYaml(i: number): string {
  const ns = `team-${i % 50}`;
  const name = `app-${i}`;
  const container = `      containers:
        - name: main
          image: registry.example.com/${ns}/${name}:${i % 7 === 0 ? 'latest' : `1.${i % 10}.0`}
          ports: [{ containerPort: 8080 }]
          env:
            - { name: LOG_LEVEL, value: info }
            - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
          securityContext:
            allowPrivilegeEscalation: ${i % 3 === 0}
            runAsNonRoot: true
            capabilities: { drop: [ALL] }`;
  switch (i % 8) {
    case 0:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: { app: ${name} }\nspec:\n  replicas: 2\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n${container}\n`;
    case 1:
      return `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  serviceName: ${name}\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      hostNetwork: ${i % 5 === 0}\n${container}\n`;
    case 2:
      return `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n${container.replace(/^/gm, '    ')}\n`;
    case 3:
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  volumes: [{ name: sock, hostPath: { path: /var/run/docker.sock } }]\n${container.replace(/^ {4}/gm, '')}\n`;
    case 4:
      return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  type: ${i % 3 === 0 ? 'LoadBalancer' : 'ClusterIP'}\n  selector: { app: ${name} }\n  ports: [{ port: 80, targetPort: 8080 }]\n`;
    case 5:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: "a,b,c"\n`;
    case 6:
      return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  podSelector: { matchLabels: { app: ${name} } }\n  policyTypes: [Ingress]\n  ingress: [{ from: [{ podSelector: { matchLabels: { role: frontend } } }], ports: [{ port: 8080 }] }]\n`;
    default:
      return `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      automountServiceAccountToken: false\n${container}\n`;
  }
}

async function generate(count: number): Promise<string> {
  const dir = join(DATA, `manifests-${count}`);
  const done = join(dir, '.complete');
  if (existsSync(done)) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let start = 0; start < count; start += OBJECTS_PER_FILE) {
    const docs: string[] = [];
    for (let i = start; i < Math.min(count, start + OBJECTS_PER_FILE); i++) docs.push(objectYaml(i));
    await writeFile(
      join(dir, `objects-${String(start / OBJECTS_PER_FILE).padStart(4, '0')}.yaml`),
      docs.join('---\n'),
    );
  }
  await writeFile(done, '');
  return dir;
}

export const manifestScanBench: Bench = {
  id: 'manifest-scan',
  description:
    'kubeward scan (all rules, JSON to a file) vs parsing the same files with the same YAML library',
  async run() {
    const results: BenchResult[] = [];
    for (const count of [10_000, 100_000]) {
      const dir = await generate(count);
      const out = join(DATA, `scan-${count}.json`);
      const floor = bestOf(2, () => measureCommand(process.execPath, [PARSE_FLOOR, dir]));
      const scan = bestOf(2, () =>
        measureCommand(process.execPath, [CLI, 'scan', dir, '--format', 'json', '--output', out]),
      );
      results.push({
        name: `scan ${count.toLocaleString('en')} objects`,
        value: scan.seconds,
        unit: 's',
        floor: { name: 'YAML parse only', value: floor.seconds },
        ratio: scan.seconds / floor.seconds,
        note: `${Math.round(count / scan.seconds).toLocaleString('en')} objects/s; peak ${scan.peakMiB.toFixed(0)} MiB (parse floor peak ${floor.peakMiB.toFixed(0)} MiB)`,
      });
    }
    return results;
  },
};
