/**
 * The patch plan, as a pure function of the running workloads and the latest image scans. For every container
 * whose image has fixable vulnerabilities: the image to move to (another digest of the same repository whose
 * latest scan fixes the most of them, introducing the fewest new ones), or, when no scanned image fixes any,
 * the fixed package versions to rebuild with; and a rollout checklist (canary for Deployments, blue/green for
 * the rest, whose pods cannot be split by traffic weight as simply).
 */
import type { Severity } from '../core/severity.js';
import type { ImageScanRecord, StoredVuln, WorkloadRecord } from '../store/model.js';
import { byText, isFixable, meetsSeverity, packageName, vulnKey } from './vulns.js';

export interface PlanTarget {
  reference: string;
  repository: string;
  digest: string;
  tags: string[];
  scannedAt: string;
  fixes: number;
  introduces: number;
  remaining: number;
}

export interface ContainerPlan {
  container: string;
  image: string;
  digest: string;
  fixable: StoredVuln[];
  /** Set when a scanned image of the same repository fixes at least one of `fixable`. */
  moveTo: PlanTarget | null;
  /** When no image to move to: package -> fixed versions to rebuild with. */
  upgrades: { package: string; installed: string; fixedIn: string[]; ids: string[] }[];
}

export interface WorkloadPlan {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  strategy: 'canary' | 'blue-green';
  containers: ContainerPlan[];
  checklist: string[];
}

/** `registry/repo:tag` -> repository and tag (no digest); a port colon is not a tag separator. */
export function splitImage(image: string): { repository: string; tag?: string } {
  const [name = image] = image.split('@');
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
  return { repository: name };
}

function scanFor(
  image: { image: string; digest?: string },
  byDigest: Map<string, ImageScanRecord>,
  scans: readonly ImageScanRecord[],
): ImageScanRecord | undefined {
  if (image.digest) return byDigest.get(image.digest);
  // Without a digest from the pod status, a scan whose tags include the image's tag stands in.
  const { repository, tag } = splitImage(image.image);
  return scans.find((s) => s.repository === repository && tag !== undefined && s.tags.includes(tag));
}

export function chooseTarget(
  current: ImageScanRecord,
  fixable: readonly StoredVuln[],
  scans: readonly ImageScanRecord[],
): PlanTarget | null {
  const wanted = new Set(fixable.map(vulnKey));
  const currentKeys = new Set(current.vulnerabilities.map(vulnKey));
  let best: PlanTarget | null = null;
  for (const candidate of scans) {
    if (candidate.repository !== current.repository || candidate.digest === current.digest) continue;
    if (candidate.error !== undefined) continue;
    const keys = new Set(candidate.vulnerabilities.map(vulnKey));
    const fixes = [...wanted].filter((k) => !keys.has(k)).length;
    if (fixes === 0) continue;
    const introduces = [...keys].filter((k) => !currentKeys.has(k)).length;
    const option: PlanTarget = {
      reference: `${candidate.repository}@${candidate.digest}`,
      repository: candidate.repository,
      digest: candidate.digest,
      tags: candidate.tags,
      scannedAt: candidate.scannedAt,
      fixes,
      introduces,
      remaining: candidate.vulnerabilities.length,
    };
    if (!best || better(option, best)) best = option;
  }
  return best;
}

function better(a: PlanTarget, b: PlanTarget): boolean {
  if (a.fixes !== b.fixes) return a.fixes > b.fixes;
  if (a.introduces !== b.introduces) return a.introduces < b.introduces;
  if (a.scannedAt !== b.scannedAt) return Date.parse(a.scannedAt) > Date.parse(b.scannedAt);
  return a.digest < b.digest;
}

function upgradesOf(fixable: readonly StoredVuln[]): ContainerPlan['upgrades'] {
  const byPackage = new Map<string, ContainerPlan['upgrades'][number]>();
  for (const v of fixable) {
    const key = `${v.package}\u0000${v.installed}`;
    const entry = byPackage.get(key) ?? {
      package: packageName(v),
      installed: v.installed,
      fixedIn: [],
      ids: [],
    };
    for (const f of v.fixedIn) if (!entry.fixedIn.includes(f)) entry.fixedIn.push(f);
    if (!entry.ids.includes(v.id)) entry.ids.push(v.id);
    byPackage.set(key, entry);
  }
  return [...byPackage.values()].sort((a, b) => byText(a.package, b.package));
}

export function checklistFor(
  workload: Pick<WorkloadRecord, 'namespace' | 'kind' | 'name'>,
  strategy: WorkloadPlan['strategy'],
  containers: readonly ContainerPlan[],
): string[] {
  const ref = `${workload.kind}/${workload.name} in ${workload.namespace}`;
  const images = containers
    .map(
      (c) =>
        `${c.container}: ${c.moveTo ? c.moveTo.reference : `rebuild ${splitImage(c.image).repository} with ${c.upgrades.map((u) => `${u.package} ${u.fixedIn[0] ?? ''}`.trim()).join(', ')}`}`,
    )
    .join('; ');
  const common = [
    `Pin the new image by digest (${images}).`,
    'Check the new image passes the admission policy: kubeward verify (signature) and kubeward image gate.',
  ];
  const tail = [
    'Watch error rate, latency, restarts and runtime alerts (kubeward dashboard /alerts) for the new pods.',
    'Roll back by restoring the old digest if any of them regress.',
    'After the rollout, confirm the next scan shows the vulnerabilities gone (/drift).',
  ];
  if (strategy === 'canary')
    return [
      ...common,
      `Create a canary copy of ${ref} with the new image and one replica behind the same Service.`,
      'Send a small share of traffic to the canary (replica ratio or a weighted route), then 25%, 50%, 100%.',
      ...tail,
      `Promote: set the new digest on ${ref} and delete the canary.`,
    ];
  return [
    ...common,
    `Deploy a green copy of ${ref} with the new image next to the current (blue) one.`,
    'Run smoke tests against green before it takes traffic or work.',
    'Switch the Service selector (or the schedule) from blue to green in one step.',
    ...tail,
    'Remove blue once green has run cleanly for an agreed period.',
  ];
}

export function buildPatchPlan(
  workloads: readonly WorkloadRecord[],
  scans: readonly ImageScanRecord[],
  filters: { cluster?: string; namespace?: string; severity?: Severity },
): WorkloadPlan[] {
  const byDigest = new Map(scans.filter((s) => s.error === undefined).map((s) => [s.digest, s]));
  const plans: WorkloadPlan[] = [];
  for (const w of workloads) {
    if (filters.cluster && w.cluster !== filters.cluster) continue;
    if (filters.namespace && w.namespace !== filters.namespace) continue;
    const containers: ContainerPlan[] = [];
    for (const image of w.images) {
      const current = scanFor(image, byDigest, scans);
      if (!current || current.error !== undefined) continue;
      const fixable = current.vulnerabilities.filter(
        (v) => isFixable(v) && meetsSeverity(v.severity, filters.severity),
      );
      if (fixable.length === 0) continue;
      const moveTo = chooseTarget(current, fixable, scans);
      containers.push({
        container: image.container,
        image: image.image,
        digest: current.digest,
        fixable,
        moveTo,
        upgrades: moveTo ? [] : upgradesOf(fixable),
      });
    }
    if (containers.length === 0) continue;
    const strategy = w.kind === 'Deployment' ? 'canary' : 'blue-green';
    plans.push({
      cluster: w.cluster,
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      strategy,
      containers,
      checklist: checklistFor(w, strategy, containers),
    });
  }
  return plans.sort(
    (a, b) =>
      byText(a.cluster, b.cluster) ||
      byText(a.namespace, b.namespace) ||
      byText(a.kind, b.kind) ||
      byText(a.name, b.name),
  );
}
