// Secrets scan of a ~100 MB tree of source, YAML and JSON (some files with planted secrets), in a fresh
// process, next to a floor that only reads the same files. Target: at most 3x the floor.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bench, BenchResult } from './types.js';
import { bestOf, measureCommand } from './measure.js';

const DATA = join(import.meta.dirname, '.data');
/** The built CLI; KW_BENCH_CLI points elsewhere (a private build) when dist/ is shared. */
const CLI = process.env['KW_BENCH_CLI'] ?? join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const TARGET_BYTES = 100 * 1024 * 1024;
const REPOS = 20;

/**
 * Reads every regular file under argv[1] (8 reads in flight, as the scanner does), skipping node_modules
 * and .git, and does nothing else: the floor any scanner of the tree pays.
 */
const READ_FLOOR = `
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
const skip = new Set(['node_modules', '.git']);
const files = [];
const walk = async (d) => {
  for (const e of await readdir(d, { withFileTypes: true })) {
    const full = join(d, e.name);
    if (e.isDirectory()) { if (!skip.has(e.name)) await walk(full); }
    else if (e.isFile()) files.push(full);
  }
};
await walk(process.argv[1]);
let next = 0, bytes = 0;
const worker = async () => { while (next < files.length) bytes += (await readFile(files[next++])).length; };
await Promise.all(Array.from({ length: 8 }, worker));
console.log(JSON.stringify({ files: files.length, bytes }));
`;

/** Deterministic pseudo-random numbers (mulberry32), so every run scans the same tree. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'user',
  'order',
  'invoice',
  'payment',
  'cache',
  'session',
  'request',
  'response',
  'config',
  'client',
  'server',
  'handler',
  'retry',
  'timeout',
  'buffer',
  'stream',
  'record',
  'account',
  'tenant',
  'metric',
];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function token(rand: () => number, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
  return out;
}

function word(rand: () => number): string {
  return WORDS[Math.floor(rand() * WORDS.length)]!;
}

/** A planted secret line for the given language (one detector each). */
function plantedSecret(rand: () => number, kind: 'ts' | 'py' | 'go' | 'yaml' | 'json'): string {
  const choice = Math.floor(rand() * 6);
  const value =
    choice === 0
      ? `AKIA${token(rand, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`
      : choice === 1
        ? `ghp_${token(rand, 36)}`
        : choice === 2
          ? `DefaultEndpointsProtocol=https;AccountName=acct${token(rand, 6).toLowerCase()};AccountKey=${token(rand, 86)}==;EndpointSuffix=core.windows.net`
          : choice === 3
            ? `glpat-${token(rand, 20)}`
            : choice === 4
              ? `xoxb-${token(rand, 12, '0123456789')}-${token(rand, 24)}`
              : `${token(rand, 40)}`;
  switch (kind) {
    case 'ts':
      return `const apiSecret = "${value}";`;
    case 'py':
      return `API_SECRET = "${value}"`;
    case 'go':
      return `\tapiSecret := "${value}"`;
    case 'yaml':
      return `  password: "${value}"`;
    case 'json':
      return `  "clientSecret": "${value}",`;
  }
}

function tsFile(rand: () => number, target: number, secret: boolean): string {
  const lines: string[] = [
    "import { readFile } from 'node:fs/promises';",
    "import type { Logger } from './log.js';",
    '',
  ];
  let size = 0;
  while (size < target) {
    const a = word(rand);
    const b = word(rand);
    const chunk = [
      `/** Loads the ${a} for a ${b} and retries on transient failures. */`,
      `export async function load${cap(a)}For${cap(b)}(id: string, log: Logger): Promise<${cap(a)} | undefined> {`,
      `  const path = \`./data/${a}/\${id}.json\`;`,
      `  for (let attempt = 0; attempt < ${1 + Math.floor(rand() * 5)}; attempt++) {`,
      `    try {`,
      `      const text = await readFile(path, 'utf8');`,
      `      return JSON.parse(text) as ${cap(a)};`,
      `    } catch (error) {`,
      `      log.warn('${a} load failed', { id, attempt, error: String(error) });`,
      `    }`,
      `  }`,
      `  return undefined;`,
      `}`,
      '',
    ].join('\n');
    lines.push(chunk);
    size += chunk.length;
    if (secret && rand() < 0.05) lines.push(plantedSecret(rand, 'ts'));
  }
  return lines.join('\n');
}

function pyFile(rand: () => number, target: number, secret: boolean): string {
  const lines: string[] = ['import json', 'import logging', '', 'log = logging.getLogger(__name__)', ''];
  let size = 0;
  while (size < target) {
    const a = word(rand);
    const chunk = [
      `def load_${a}(path: str, retries: int = ${1 + Math.floor(rand() * 5)}) -> dict:`,
      `    """Read a ${a} record from disk, retrying on IO errors."""`,
      `    for attempt in range(retries):`,
      `        try:`,
      `            with open(path, encoding="utf-8") as handle:`,
      `                return json.load(handle)`,
      `        except OSError as error:`,
      `            log.warning("${a} load failed: %s (attempt %d)", error, attempt)`,
      `    return {}`,
      '',
    ].join('\n');
    lines.push(chunk);
    size += chunk.length;
    if (secret && rand() < 0.05) lines.push(plantedSecret(rand, 'py'));
  }
  return lines.join('\n');
}

function goFile(rand: () => number, target: number, secret: boolean): string {
  const lines: string[] = ['package service', '', 'import (', '\t"context"', '\t"fmt"', ')', ''];
  let size = 0;
  while (size < target) {
    const a = cap(word(rand));
    const chunk = [
      `// Get${a} returns the ${a.toLowerCase()} with the given id.`,
      `func (s *Service) Get${a}(ctx context.Context, id string) (*${a}, error) {`,
      `\trow := s.db.QueryRowContext(ctx, "SELECT data FROM ${a.toLowerCase()}s WHERE id = $1", id)`,
      `\tvar out ${a}`,
      `\tif err := row.Scan(&out.Data); err != nil {`,
      `\t\treturn nil, fmt.Errorf("get ${a.toLowerCase()} %s: %w", id, err)`,
      `\t}`,
      `\treturn &out, nil`,
      `}`,
      '',
    ].join('\n');
    lines.push(chunk);
    size += chunk.length;
    if (secret && rand() < 0.05) lines.push(plantedSecret(rand, 'go'));
  }
  return lines.join('\n');
}

function yamlFile(rand: () => number, target: number, secret: boolean, n: number): string {
  const docs: string[] = [];
  let size = 0;
  let i = 0;
  while (size < target) {
    const name = `${word(rand)}-${n}-${i++}`;
    const doc =
      i % 3 === 0
        ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: team-${n % 20}\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: "a,b,c"\n  ENDPOINT: https://${name}.example.com/api\n`
        : `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: team-${n % 20}\n  labels: { app: ${name} }\nspec:\n  replicas: ${1 + (i % 3)}\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: main\n          image: registry.example.com/${name}:1.${i % 10}.0\n          ports: [{ containerPort: 8080 }]\n          env:\n            - { name: LOG_LEVEL, value: info }\n            - { name: DB_PASSWORD, valueFrom: { secretKeyRef: { name: db, key: password } } }\n          resources:\n            requests: { cpu: 100m, memory: 128Mi }\n`;
    docs.push(doc);
    size += doc.length;
  }
  if (secret)
    docs.push(
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-${n}\n  namespace: team-${n % 20}\ntype: Opaque\ndata:\n  password: ${Buffer.from(token(rand, 24)).toString('base64')}\n`,
    );
  return docs.join('---\n');
}

function jsonFile(rand: () => number, target: number, secret: boolean): string {
  const items: string[] = [];
  let size = 0;
  let i = 0;
  while (size < target) {
    const item = `    { "id": "${token(rand, 12).toLowerCase()}", "kind": "${word(rand)}", "count": ${Math.floor(rand() * 1000)}, "enabled": ${rand() < 0.5}, "tags": ["${word(rand)}", "${word(rand)}"], "description": "the ${word(rand)} of the ${word(rand)} number ${i++}" }`;
    items.push(item);
    size += item.length;
  }
  const secretLine = secret ? `\n${plantedSecret(rand, 'json')}` : '';
  return `{\n  "name": "fixture",${secretLine}\n  "items": [\n${items.join(',\n')}\n  ]\n}\n`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The tree: REPOS repositories of mixed files, 2-60 KB each, about one in ten with a planted secret. */
async function generate(): Promise<{ dir: string; files: number; bytes: number }> {
  const dir = join(DATA, 'secrets-tree');
  const done = join(DATA, 'secrets-tree.complete');
  if (existsSync(done)) {
    const meta = JSON.parse(await readFile(done, 'utf8')) as { files: number; bytes: number };
    return { dir, ...meta };
  }
  await rm(dir, { recursive: true, force: true });
  const rand = random(42);
  let bytes = 0;
  let files = 0;
  while (bytes < TARGET_BYTES) {
    const repo = `repo-${files % REPOS}`;
    const secret = rand() < 0.1;
    const target = 2048 + Math.floor(rand() * rand() * 60 * 1024);
    const pick = Math.floor(rand() * 10);
    const [sub, ext, text] =
      pick < 3
        ? ['src', 'ts', tsFile(rand, target, secret)]
        : pick < 5
          ? ['app', 'py', pyFile(rand, target, secret)]
          : pick < 6
            ? ['internal', 'go', goFile(rand, target, secret)]
            : pick < 8
              ? ['deploy', 'yaml', yamlFile(rand, target, secret, files)]
              : ['config', 'json', jsonFile(rand, target, secret)];
    const folder = join(dir, repo, sub, `pkg-${files % 37}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `file-${files}.${ext}`), text);
    bytes += Buffer.byteLength(text);
    files += 1;
  }
  await writeFile(done, JSON.stringify({ files, bytes }));
  return { dir, files, bytes };
}

export const secretsScanBench: Bench = {
  id: 'secrets-scan',
  description: 'kubeward secrets scan of a ~100 MB tree (JSON to a file) vs reading the same files',
  async run(): Promise<BenchResult[]> {
    if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
    const tree = await generate();
    const out = join(DATA, 'secrets-scan.json');
    const floor = bestOf(2, () =>
      measureCommand(process.execPath, ['--input-type=module', '-e', READ_FLOOR, tree.dir]),
    );
    const scan = bestOf(2, () =>
      measureCommand(process.execPath, [
        CLI,
        'secrets',
        'scan',
        tree.dir,
        '--format',
        'json',
        '--output',
        out,
      ]),
    );
    const report = JSON.parse(await readFile(out, 'utf8')) as { findings?: unknown[] };
    const mib = tree.bytes / (1024 * 1024);
    return [
      {
        name: `secrets scan ${mib.toFixed(0)} MiB, ${tree.files.toLocaleString('en')} files`,
        value: scan.seconds,
        unit: 's',
        floor: { name: 'read every file', value: floor.seconds },
        ratio: scan.seconds / floor.seconds,
        note: `${(mib / scan.seconds).toFixed(1)} MiB/s; ${report.findings?.length ?? 0} findings; peak ${scan.peakMiB.toFixed(0)} MiB (floor peak ${floor.peakMiB.toFixed(0)} MiB); target <= 3x`,
      },
    ];
  },
};
