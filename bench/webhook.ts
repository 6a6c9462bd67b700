// Admission webhook latency at a fixed request rate over HTTPS, load generated from a second process.
// Roles (KW_BENCH_ROLE): `server` runs the webhook, `echo` an HTTPS server that returns the request body (the
// floor: TLS + HTTP + JSON transport with no policy), `load` an open-loop generator that sends at a fixed rate
// and measures from each request's scheduled send time, so a stall is not hidden (no coordinated omission).
// `node --import tsx bench/webhook.ts` runs the bench alone; bench/run.ts lists webhookBench.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchResult } from './types.js';

const SELF = fileURLToPath(import.meta.url);
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'admission');
// KW_BENCH_RATE / KW_BENCH_SECONDS shorten a run by hand; the bench figures use the defaults.
const RATE = Number(process.env['KW_BENCH_RATE'] ?? 1000);
const WARMUP_S = 2;
const MEASURE_S = Number(process.env['KW_BENCH_SECONDS'] ?? 8);
const DIGEST = `sha256:${'c'.repeat(64)}`;
/** Kyverno's published load test: ~43 ms average at 100 virtual users with 17 Pod Security policies. */
const KYVERNO_AVG_MS = 43;

interface LoadResult {
  p50: number;
  p99: number;
  max: number;
  sent: number;
  ok: number;
  errors: number;
  throughput: number;
}

function review(
  object: Record<string, unknown>,
  resource: { group: string; version: string; resource: string },
  uid: string,
) {
  const meta = object['metadata'] as { name: string; namespace: string };
  const kind = { group: resource.group, version: resource.version, kind: String(object['kind']) };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource,
      requestKind: kind,
      requestResource: resource,
      name: meta.name,
      namespace: meta.namespace,
      operation: 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

/** A mix as a cluster sends it: a kubectl Deployment, the Pods its ReplicaSet creates, a kubectl run Pod. */
function bodies(pinned: boolean): string[] {
  const load = (name: string) =>
    JSON.parse(readFileSync(join(FIXTURES, `kubectl-${name}.json`), 'utf8')) as Record<string, unknown>;
  const deployment = load('deployment-web');
  const podDebug = load('pod-debug');
  const image = pinned ? `registry.example.com/team/web:1.0@${DIGEST}` : 'registry.example.com/team/web:1.0';
  const good = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-7d4b9c-x2x9q', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'web',
          image,
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            readOnlyRootFilesystem: true,
          },
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
          readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
        },
      ],
    },
  };
  const pods = { group: '', version: 'v1', resource: 'pods' };
  const out = [
    review(good, pods, 'b-1'),
    review(good, pods, 'b-2'),
    review(deployment, { group: 'apps', version: 'v1', resource: 'deployments' }, 'b-3'),
    review(podDebug, pods, 'b-4'),
  ];
  return out.map((r) => JSON.stringify(r));
}

// ---- roles -------------------------------------------------------------------------------------------------

async function serveWebhook(): Promise<void> {
  const { parseWebhookConfig } = await import('../src/admission/config.js');
  const { startWebhookApp } = await import('../src/server/webhook-app.js');
  const withSignatures = process.env['KW_BENCH_SIGNATURES'] === '1';
  const config = parseWebhookConfig({
    server: { listen: '127.0.0.1:0' },
    namespaces: { labels: { shop: { 'pod-security.kubernetes.io/enforce': 'restricted', team: 'shop' } } },
    checks: {
      assignments: [
        { checks: ['workload.*', 'network.*'], effect: 'warn' },
        { checks: ['secrets.*'], effect: 'deny' },
        { checks: ['workload.liveness-probe-missing', 'workload.readiness-probe-missing'], effect: 'audit' },
      ],
    },
    images: withSignatures
      ? {
          verify: [
            { images: ['registry.example.com', 'docker.io', 'registry-1.docker.io'], verifier: 'bench' },
          ],
        }
      : {},
  });
  const app = await startWebhookApp({
    config,
    tls: {
      cert: readFileSync(String(process.env['KW_BENCH_CERT'])),
      key: readFileSync(String(process.env['KW_BENCH_KEY'])),
    },
    // A verifier that costs 20 ms per uncached digest: the figure shows what the cache saves.
    verifiers: [
      {
        name: 'bench',
        verify: () => new Promise((resolve) => setTimeout(() => resolve({ verified: true }), 20)),
      },
    ],
    resolver: { resolve: async () => DIGEST },
  });
  process.stdout.write(`${app.server.port}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

async function serveEcho(): Promise<void> {
  const server = createServer(
    {
      cert: readFileSync(String(process.env['KW_BENCH_CERT'])),
      key: readFileSync(String(process.env['KW_BENCH_KEY'])),
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // Parse and re-serialise, as the webhook must at least do with the same body.
        const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    },
  );
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => process.exit(0));
}

async function generateLoad(): Promise<void> {
  const url = String(process.env['KW_BENCH_URL']);
  const ca = readFileSync(String(process.env['KW_BENCH_CA']));
  const payloads = (JSON.parse(readFileSync(String(process.env['KW_BENCH_BODIES']), 'utf8')) as string[]).map(
    (b) => Buffer.from(b),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ca });
  const interval = 1000 / RATE;
  const total = (WARMUP_S + MEASURE_S) * RATE;
  const warm = WARMUP_S * RATE;
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let done = 0;
  const start = performance.now() + 50;
  let measureStart = 0;
  let measureEnd = 0;
  await new Promise<void>((finish) => {
    const fire = (i: number) => {
      const scheduled = start + i * interval;
      const body = payloads[i % payloads.length] ?? Buffer.alloc(0);
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const now = performance.now();
            if (i >= warm) {
              latencies.push(now - scheduled);
              if (res.statusCode === 200) ok += 1;
              else errors += 1;
              measureEnd = Math.max(measureEnd, now);
            }
            if (++done === total) finish();
          });
        },
      );
      req.on('error', () => {
        if (i >= warm) errors += 1;
        if (++done === total) finish();
      });
      req.end(body);
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        if (next === warm) measureStart = start + next * interval;
        fire(next++);
      }
      if (next < total)
        setTimeout(tick, Math.max(0, Math.min(1, start + next * interval - performance.now())));
    };
    setTimeout(tick, 50);
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const result: LoadResult = {
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1] ?? NaN,
    sent: total - warm,
    ok,
    errors,
    throughput: (ok / (measureEnd - measureStart)) * 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---- orchestration -----------------------------------------------------------------------------------------

function startChild(role: string, env: Record<string, string>): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, ...env, KW_BENCH_ROLE: role },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) =>
      resolve({ port: Number(chunk.toString().trim()), stop: () => child.kill('SIGTERM') }),
    );
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

function runLoad(env: Record<string, string>): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    env: { ...process.env, ...env, KW_BENCH_ROLE: 'load' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited with ${code}`)),
    ),
  );
}

function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const run = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=bench CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  run(['req', ...ec, '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run([
    'x509',
    '-req',
    '-in',
    'tls.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'tls.crt',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  ]);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
}

async function measure(
  role: 'server' | 'echo',
  extraEnv: Record<string, string>,
  pinned: boolean,
  dir: string,
  certs: { ca: string; cert: string; key: string },
): Promise<LoadResult> {
  const bodyFile = join(dir, `bodies-${pinned ? 'pinned' : 'tags'}.json`);
  writeFileSync(bodyFile, JSON.stringify(bodies(pinned)));
  const server = await startChild(role, { KW_BENCH_CERT: certs.cert, KW_BENCH_KEY: certs.key, ...extraEnv });
  try {
    return await runLoad({
      KW_BENCH_URL: `https://127.0.0.1:${server.port}/validate`,
      KW_BENCH_CA: certs.ca,
      KW_BENCH_BODIES: bodyFile,
    });
  } finally {
    server.stop();
  }
}

function note(r: LoadResult, target: number): string {
  return `p50 ${r.p50.toFixed(2)} ms, max ${r.max.toFixed(1)} ms, ${r.throughput.toFixed(0)} req/s, ${r.errors} errors of ${r.sent}; target p99 < ${target} ms; Kyverno reference ~${KYVERNO_AVG_MS} ms average (100 VUs, 17 PSS policies)`;
}

export const webhookBench: Bench = {
  id: 'webhook',
  description: `admission webhook over HTTPS at ${RATE} req/s from a second process (p99 latency), vs an HTTPS JSON echo server`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kw-bench-webhook-'));
    const certs = makeCerts(dir);
    const floor = await measure('echo', {}, false, dir, certs);
    const pss = await measure('server', {}, false, dir, certs);
    const signed = await measure('server', { KW_BENCH_SIGNATURES: '1' }, true, dir, certs);
    const results: BenchResult[] = [
      {
        name: `p99 Pod Security + best practices @ ${RATE} req/s`,
        value: pss.p99,
        unit: 'ms',
        floor: { name: `HTTPS JSON echo p99 (p50 ${floor.p50.toFixed(2)} ms)`, value: floor.p99 },
        ratio: pss.p99 / floor.p99,
        note: note(pss, 10),
      },
      {
        name: `p99 + cached signature verification @ ${RATE} req/s`,
        value: signed.p99,
        unit: 'ms',
        floor: { name: 'HTTPS JSON echo p99', value: floor.p99 },
        ratio: signed.p99 / floor.p99,
        note: note(signed, 15),
      },
    ];
    return results;
  },
};

const role = process.env['KW_BENCH_ROLE'];
if (role === 'server') await serveWebhook();
else if (role === 'echo') await serveEcho();
else if (role === 'load') await generateLoad();
else if (process.argv[1] === SELF) {
  console.log(`${webhookBench.id}: ${webhookBench.description}`);
  for (const r of await webhookBench.run())
    console.log(
      `  ${r.name}: ${r.value.toFixed(2)} ${r.unit}  |  floor ${r.floor?.name}: ${r.floor?.value.toFixed(2)} ${r.unit}  |  ratio ${r.ratio?.toFixed(2)}x  |  ${r.note}`,
    );
}
