// The vulnerability gate (gate.yaml, as `image gate`) over a registry scan: one decision per image, from its
// stored result of this run; the scan fails when any image fails. Pure: state in, decisions and updates out.
import type { GateDecision, GateFinding, StateEntry } from '../../policy/gate.js';
import { evaluateGate } from '../../policy/gate.js';
import type { GatePolicy } from '../../policy/gate-policy.js';
import type { ImageScanRecord } from '../../store/model.js';
import type { ScannedImage } from './scan-registry.js';
import { packageNameOf } from './stored-vulns.js';

export interface RegistryGateResult {
  outcome: GateDecision['outcome'];
  decisions: { digest: string; decision: GateDecision }[];
  stateUpdates: StateEntry[];
}

const RANK: Record<GateDecision['outcome'], number> = { pass: 0, warn: 1, fail: 2 };

export function gateRegistryScan(
  images: readonly ScannedImage[],
  policy: GatePolicy,
  stateOf: (repository: string) => readonly StateEntry[],
  now: Date,
): RegistryGateResult {
  let outcome: GateDecision['outcome'] = 'pass';
  const decisions: RegistryGateResult['decisions'] = [];
  const stateUpdates: StateEntry[] = [];
  for (const image of images) {
    if (!image.current) continue;
    const decision = evaluateGate({
      findings: gateFindingsOf(image.current),
      policy,
      state: stateOf(image.repository),
      now,
      repository: image.repository,
      imageNames: [...image.references, `${image.repository}@${image.digest}`],
    });
    decisions.push({ digest: image.digest, decision });
    stateUpdates.push(...decision.stateUpdates);
    if (RANK[decision.outcome] > RANK[outcome]) outcome = decision.outcome;
  }
  return { outcome, decisions, stateUpdates };
}

function gateFindingsOf(record: ImageScanRecord): GateFinding[] {
  return record.vulnerabilities.map((v) => ({
    id: v.id,
    aliases: v.aliases,
    packageKey: packageNameOf(v),
    packageName: packageNameOf(v),
    severity: v.severity,
    status: v.status,
  }));
}
