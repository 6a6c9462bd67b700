import { createWriteStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Bench, BenchResult } from './types.js';
import { measureCommand } from './measure.js';
import { loadRuntimeRules, createDetector } from '../src/checks/runtime/index.js';
import { decodeLine } from '../src/runtime/decode.js';

const ROOT = join(import.meta.dirname, '..');
const DATA = join(import.meta.dirname, '.data');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'audit');
const EVENTS = 200_000;
/** Size of the followed log; 1 GiB by default, KW_BENCH_FOLLOW_MB to change it. */
const FOLLOW_MB = Number(process.env['KW_BENCH_FOLLOW_MB'] ?? 1024);

/**
 * A realistic mix: the benign corpus (control-plane chatter, people at work) is most of the traffic, with the
 * attack fixtures sprinkled in at about one event in twenty. Every line gets its own auditID.
 */
function templates(): { benign: string[]; attacks: string[] } {
  const read = (dir: string, filter: (f: string) => boolean): string[] =>
    readdirSync(dir)
      .filter(filter)
      .sort()
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
  return {
    benign: read(join(FIXTURES, 'benign'), (f) => f.endsWith('.jsonl')),
    attacks: read(join(FIXTURES, 'rules'), (f) => f.endsWith('.alert.jsonl')),
  };
}

function lineAt(i: number, t: { benign: string[]; attacks: string[] }): string {
  const pool = i % 20 === 0 ? t.attacks : t.benign;
  const base = pool[i % pool.length]!;
  const id = `bench-${i.toString(16).padStart(10, '0')}`;
  return base.replace(/"auditID":"[^"]+"/, `"auditID":"${id}"`);
}

function bestSeconds(runs: number, fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return best;
}

async function generateLog(bytes: number): Promise<string> {
  const path = join(DATA, `audit-${Math.round(bytes / 1048576)}m.log`);
  const done = `${path}.complete`;
  if (existsSync(done) && existsSync(path)) return path;
  await mkdir(DATA, { recursive: true });
  await rm(path, { force: true });
  const t = templates();
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const chunk: string[] = [];
    for (let j = 0; j < 2000; j++) chunk.push(lineAt(i * 2000 + j, t));
    const text = `${chunk.join('\n')}\n`;
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  await writeFile(done, '');
  return path;
}

export const runtimeBench: Bench = {
  id: 'runtime',
  description:
    'audit events through the shipped runtime rules (one core) vs JSON.parse of the same lines; memory following a large log',
  async run() {
    const t = templates();
    const lines = Array.from({ length: EVENTS }, (_, i) => lineAt(i, t));
    const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
    const shipped = loadRuntimeRules();
    // Every rule on, the allow-list set: the slowest configuration.
    const ruleSet = loadRuntimeRules([], {
      enable: shipped.rules.filter((r) => !r.enabled).map((r) => r.id),
      lists: { allowed_image_registries: ['contoso.azurecr.io/*', 'mcr.microsoft.com/*'] },
    });
    let sink = 0;
    let alerts = 0;
    const parseOnly = (): void => {
      for (const line of lines) sink += (JSON.parse(line) as { verb: string }).verb.length;
    };
    const detect = (): void => {
      const detector = createDetector(ruleSet);
      alerts = 0;
      const decodeSink = {
        event: (e: Parameters<typeof detector.evaluate>[0]) => {
          alerts += detector.evaluate(e).length;
        },
        skip: () => undefined,
      };
      for (const line of lines) decodeLine(line, decodeSink);
    };
    // Interleaved, best of each: the two see the same machine, which other processes share.
    let floor = Infinity;
    let engine = Infinity;
    for (let r = 0; r < 7; r++) {
      floor = Math.min(floor, bestSeconds(1, parseOnly));
      engine = Math.min(engine, bestSeconds(1, detect));
    }
    const eps = EVENTS / engine;
    const floorEps = EVENTS / floor;
    const results: BenchResult[] = [
      {
        name: `detect ${EVENTS.toLocaleString('en')} events (${(bytes / 1048576).toFixed(0)} MiB, ${ruleSet.rules.length} rules)`,
        value: eps,
        unit: 'events/s',
        floor: { name: 'JSON.parse only', value: floorEps },
        ratio: eps / floorEps,
        note: `${alerts} alerts; ratio = throughput / floor throughput (target >= 0.5, and > 50,000 events/s)${sink < 0 ? '' : ''}`,
      },
    ];

    if (FOLLOW_MB <= 0) return results;
    const log = await generateLog(FOLLOW_MB * 1048576);
    const size = statSync(log).size;
    const state = join(DATA, 'runtime-bench-state.json');
    const out = join(DATA, 'runtime-bench-alerts.jsonl');
    await rm(state, { force: true });
    await rm(out, { force: true });
    // The built CLI when it is current (registers the command), else the sources through tsx.
    const index = join(ROOT, 'dist', 'cli', 'commands', 'index.js');
    const built = existsSync(index) && readFileSync(index, 'utf8').includes('./runtime.js');
    const cli = built
      ? [join(ROOT, 'dist', 'cli', 'main.js')]
      : ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];
    const startup = measureCommand(process.execPath, [...cli, '--version']);
    const follow = measureCommand(process.execPath, [
      ...cli,
      'runtime',
      'watch',
      log,
      '--until-eof',
      '--state',
      state,
      '--output',
      out,
    ]);
    const working = Math.max(0.001, follow.seconds - startup.seconds);
    results.push({
      name: `follow a ${(size / 1073741824).toFixed(2)} GiB audit log (runtime watch, to EOF)`,
      value: follow.peakMiB,
      unit: 'MiB peak RSS',
      floor: { name: 'CLI start-up alone', value: startup.peakMiB },
      note: `${follow.seconds.toFixed(1)} s (${startup.seconds.toFixed(1)} s of it start-up${built ? '' : ' through tsx, dist is stale'}), ${(size / 1048576 / working).toFixed(0)} MiB/s, ${Math.round(size / (bytes / EVENTS) / working).toLocaleString('en')} events/s after start-up`,
    });
    return results;
  },
};
