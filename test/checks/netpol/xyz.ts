// Test helper: the upstream e2e cluster (namespaces x, y, z; pods a, b, c) and truth tables in the style of
// test/e2e/network/netpol/reachability.go, so scenarios read like the upstream ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifestText } from '../../../src/k8s/load-manifests.js';
import { buildCluster } from '../../../src/checks/netpol/cluster.js';
import type { EvaluateOptions, Evaluator } from '../../../src/checks/netpol/evaluate.js';
import { createEvaluator, evaluateConnection } from '../../../src/checks/netpol/evaluate.js';
import type { Protocol } from '../../../src/checks/netpol/model.js';
import { podRef } from '../../../src/checks/netpol/model.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'netpol');
export const XYZ_FILE = join(FIXTURES, 'xyz-cluster.yaml');
const XYZ = readFileSync(XYZ_FILE, 'utf8');
export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
export const ALL = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

/** The xyz cluster plus the given policy YAML (multi-document). Throws on policy problems. */
export function xyzWith(policies: string): Evaluator {
  const objects = [
    ...parseManifestText(XYZ, 'xyz-cluster.yaml').objects,
    ...parseManifestText(policies, 'policies.yaml').objects,
  ];
  const built = buildCluster(objects);
  if (built.problems.length > 0) throw new Error(built.problems.map((p) => p.message).join('; '));
  return createEvaluator(built.cluster);
}

export interface PeerMatch {
  ns?: string;
  pod?: string;
}

/** Expected reachability: pairs `from->to`, default value, then overrides like the upstream helpers. */
export class Reachability {
  readonly expected = new Map<string, boolean>();
  constructor(defaultValue: boolean) {
    for (const from of ALL) for (const to of ALL) this.expected.set(`${from}->${to}`, defaultValue);
  }
  expectPeer(from: PeerMatch, to: PeerMatch, value: boolean): this {
    const matches = (m: PeerMatch, p: string) => {
      const [ns, pod] = p.split('/');
      return (!m.ns || m.ns === ns) && (!m.pod || m.pod === pod);
    };
    for (const f of ALL)
      for (const t of ALL) if (matches(from, f) && matches(to, t)) this.expected.set(`${f}->${t}`, value);
    return this;
  }
  expect(from: string, to: string, value: boolean): this {
    this.expected.set(`${from}->${to}`, value);
    return this;
  }
  /** Upstream AllowLoopback: expect every pod to reach itself (only with EvaluateOptions.allowLoopback). */
  allowLoopback(): this {
    for (const p of ALL) this.expected.set(`${p}->${p}`, true);
    return this;
  }
}

/** Every mismatch between the engine and the expected table, as readable lines. */
export function mismatches(
  evaluator: Evaluator,
  expected: Reachability,
  port: number,
  protocol: Protocol = 'TCP',
  options: EvaluateOptions = {},
): string[] {
  const pods = new Map(evaluator.cluster.pods.map((p) => [podRef(p), p]));
  const out: string[] = [];
  for (const [pair, want] of expected.expected) {
    const [from, to] = pair.split('->') as [string, string];
    const verdict = evaluateConnection(
      evaluator,
      {
        from: { kind: 'pod', pod: pods.get(from)! },
        to: { kind: 'pod', pod: pods.get(to)! },
        port,
        protocol,
      },
      options,
    );
    if (verdict.allowed !== want)
      out.push(`${pair} ${protocol}/${port}: expected ${want ? 'allow' : 'deny'}`);
  }
  return out;
}
