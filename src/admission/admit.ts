/**
 * AdmissionRequest -> decision. Pod Security first (exactly as the built-in admission plugin), then the assigned
 * checks with their effects, then image provenance. No HTTP here: namespace labels, digests and signatures come
 * through the injected NamespaceSource and ImageServices, so the decision is testable without a network.
 */
import type { K8sObject } from '../k8s/object.js';
import { isObject } from '../k8s/object.js';
import type { PodView } from '../k8s/pod-spec.js';
import { containersOf, extractPod } from '../k8s/pod-spec.js';
import { parsePssVersion } from '../checks/pss/index.js';
import { startBudget } from './budget.js';
import type { CheckViolation, CompiledChecks } from './checks.js';
import { compileChecks, runAssignedChecks } from './checks.js';
import type { WebhookConfig } from './config.js';
import type { ImageMetric, ImageOutcome, ImageServices } from './images.js';
import { evaluateImages } from './images.js';
import type { NamespaceSource } from './namespaces.js';
import type { PssExemptions, PssOutcome, PssPolicy } from './pod-security.js';
import {
  evaluatePodSecurityAdmission,
  exemptOutcome,
  isFullyPrivileged,
  policyToEvaluate,
} from './pod-security.js';
import type { TargetKind } from './request-object.js';
import { classifyRequest, imagesIn, isSignificantPodUpdate, toK8sObject } from './request-object.js';
import type { AdmissionRequest, AdmissionVerdict, ResponseStatus } from './review.js';

/** One policy's result on one request, for metrics: `pss` / `check:<id>` / `signature` / `digest`. */
export interface PolicyMetric {
  policy: string;
  result: string;
}

export interface Decision {
  verdict: AdmissionVerdict;
  metrics: PolicyMetric[];
  cache: { hits: number; misses: number };
  /** The request is a dry run: the caller must not record it anywhere that outlives the request. */
  dryRun: boolean;
}

export interface AdmissionEngine {
  validate(request: AdmissionRequest): Promise<Decision>;
  mutate(request: AdmissionRequest): Promise<Decision>;
}

export interface EngineDeps {
  namespaces: NamespaceSource;
  images: ImageServices;
}

/** Audit annotation values are kept short; the audit log is not the place for megabytes. */
const MAX_ANNOTATION = 4096;

export function createAdmissionEngine(config: WebhookConfig, deps: EngineDeps): AdmissionEngine {
  const checks = compileChecks(config);
  const d = config.podSecurity.defaults;
  const pssDefaults: PssPolicy = {
    enforce: { level: d.enforce, version: parsePssVersion(d['enforce-version']) },
    audit: { level: d.audit, version: parsePssVersion(d['audit-version']) },
    warn: { level: d.warn, version: parsePssVersion(d['warn-version']) },
  };
  const ctx: Ctx = { config, checks, pssDefaults, exemptions: config.podSecurity.exemptions, deps };
  return {
    validate: (request) => validate(request, ctx),
    mutate: (request) => mutate(request, ctx),
  };
}

interface Ctx {
  config: WebhookConfig;
  checks: CompiledChecks;
  pssDefaults: PssPolicy;
  exemptions: PssExemptions;
  deps: EngineDeps;
}

interface Target {
  kind: TargetKind;
  object: K8sObject;
  pod?: PodView;
}

/** Decode the request's object, or a failure verdict (upstream's badRequestResponse). */
function targetOf(request: AdmissionRequest): Target | Decision | undefined {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return undefined;
  const kind = classifyRequest(request);
  if (kind === 'ignored') return undefined;
  if (!isObject(request.object)) return failure(request, 400, 'BadRequest', 'failed to decode object');
  const object = toK8sObject(request.object, request);
  if (kind === 'other') return { kind, object };
  if (kind === 'pod' && object.kind !== 'Pod')
    return failure(request, 400, 'BadRequest', 'failed to decode pod');
  const pod = extractPod(object);
  return pod ? { kind, object, pod } : { kind, object };
}

async function validate(request: AdmissionRequest, ctx: Ctx): Promise<Decision> {
  const target = targetOf(request);
  if (!target) return allowed(request, [{ policy: 'none', result: 'skipped' }]);
  if ('verdict' in target) return target;
  const namespace = request.namespace ?? '';
  let labels: Readonly<Record<string, string>> = {};
  if (namespace) {
    try {
      labels = await ctx.deps.namespaces.labels(namespace);
    } catch {
      // As upstream: without the namespace policy nothing can be judged, so the request is refused.
      return failure(request, 500, 'InternalError', `failed to lookup namespace ${namespace}`);
    }
  }
  const metrics: PolicyMetric[] = [];
  const pss = target.pod ? podSecurity(request, target, labels, ctx) : undefined;
  for (const r of pss?.results ?? [])
    metrics.push({
      policy: 'pss',
      result: r.mode === 'exempt' ? 'exempt' : `${r.mode}-${r.violated ? 'violation' : 'pass'}`,
    });

  const effects = ctx.checks.effectsFor(namespace, labels);
  const violations =
    effects.size > 0 ? runAssignedChecks(target.object, target.pod, effects, ctx.checks.settings) : [];
  for (const v of violations) metrics.push({ policy: `check:${v.check.id}`, result: v.effect });

  const imagesWanted = ctx.config.images.verify.length > 0 || ctx.config.images.unknownOrigin !== 'allow';
  const images =
    target.pod && imagesWanted ? await runImages(target.pod, 'validate', labels, ctx) : undefined;
  metrics.push(...(images?.metrics ?? []).map(imageMetric));
  return compose(request, pss, violations, images, metrics);
}

async function mutate(request: AdmissionRequest, ctx: Ctx): Promise<Decision> {
  if (!ctx.config.images.resolveDigests) return allowed(request, [{ policy: 'none', result: 'skipped' }]);
  const target = targetOf(request);
  if (!target) return allowed(request, [{ policy: 'none', result: 'skipped' }]);
  if ('verdict' in target) return target;
  if (!target.pod) return allowed(request, [{ policy: 'none', result: 'skipped' }]);
  const pod: PodView = target.pod;
  if (request.operation === 'UPDATE') {
    // Pin only images this update brings in: re-pinning unchanged ones would roll out running workloads.
    const before = imagesIn(request.oldObject, pod.specPath);
    const onlyNew = containersOf(pod).filter((c) => !before.has(String(c.container['image'])));
    if (onlyNew.length === 0) return allowed(request, [{ policy: 'digest', result: 'unchanged' }]);
    const images = await runImages(pod, 'mutate', {}, ctx, onlyNew);
    return compose(request, undefined, [], images, images.metrics.map(imageMetric));
  }
  const images = await runImages(pod, 'mutate', {}, ctx);
  return compose(request, undefined, [], images, images.metrics.map(imageMetric));
}

function podSecurity(
  request: AdmissionRequest,
  target: Target,
  labels: Readonly<Record<string, string>>,
  ctx: Ctx,
): PssOutcome | undefined {
  const pod = target.pod;
  if (!pod) return undefined;
  const namespace = request.namespace ?? '';
  if (namespace && ctx.exemptions.namespaces.includes(namespace)) return exemptOutcome('namespace');
  const user = request.userInfo.username ?? '';
  if (user && ctx.exemptions.usernames.includes(user)) return exemptOutcome('user');
  const { policy, errors } = policyToEvaluate(labels, ctx.pssDefaults);
  const enforce = target.kind === 'pod';
  if (errors.length === 0 && isFullyPrivileged(policy, enforce)) return undefined;
  if (
    enforce &&
    request.operation === 'UPDATE' &&
    isObject(request.oldObject) &&
    !isSignificantPodUpdate(target.object.raw, request.oldObject)
  )
    return undefined;
  return evaluatePodSecurityAdmission({
    pod,
    policy,
    policyErrors: errors,
    enforce,
    exemptions: ctx.exemptions,
  });
}

async function runImages(
  pod: PodView,
  mode: 'validate' | 'mutate',
  labels: Readonly<Record<string, string>>,
  ctx: Ctx,
  containers = containersOf(pod),
): Promise<ImageOutcome> {
  const budget = startBudget(ctx.config.images.verification.budgetMs);
  try {
    return await evaluateImages({
      containers,
      mode,
      namespaceLabels: labels,
      config: ctx.config.images,
      services: ctx.deps.images,
      budget,
    });
  } finally {
    budget.dispose();
  }
}

function imageMetric(m: ImageMetric): PolicyMetric {
  return { policy: m.policy, result: m.result };
}

function compose(
  request: AdmissionRequest,
  pss: PssOutcome | undefined,
  violations: readonly CheckViolation[],
  images: ImageOutcome | undefined,
  metrics: PolicyMetric[],
): Decision {
  const denials: string[] = [];
  if (pss && !pss.allowed && pss.message) denials.push(pss.message);
  const auditAnnotations: Record<string, string> = { ...(pss?.auditAnnotations ?? {}) };
  const warnings: string[] = [...(pss?.warnings ?? [])];
  const audited: string[] = [];
  for (const { check, effect, violation } of violations) {
    const text = `${check.id}: ${violation.message}`;
    if (effect === 'deny') denials.push(text);
    else if (effect === 'warn') warnings.push(text);
    else audited.push(text);
  }
  if (images) {
    denials.push(...images.denials);
    warnings.push(...images.warnings);
    if (images.audit.length > 0)
      auditAnnotations['image-verification-failed-open'] = clip(images.audit.join('; '));
  }
  if (audited.length > 0) auditAnnotations['check-violations'] = clip(audited.join('; '));
  const cache = images?.cache ?? { hits: 0, misses: 0 };
  const dryRun = request.dryRun === true;
  if (denials.length > 0) {
    // Like PodSecurity: a request that is rejected carries no warnings.
    const status: ResponseStatus = { code: 403, reason: 'Forbidden', message: denials.join('; ') };
    return { verdict: { allowed: false, status, warnings: [], auditAnnotations }, metrics, cache, dryRun };
  }
  const patch = images?.patch ?? [];
  return {
    verdict: { allowed: true, warnings, auditAnnotations, ...(patch.length > 0 ? { patch } : {}) },
    metrics: metrics.length > 0 ? metrics : [{ policy: 'none', result: 'allowed' }],
    cache,
    dryRun,
  };
}

function clip(text: string): string {
  return text.length <= MAX_ANNOTATION ? text : `${text.slice(0, MAX_ANNOTATION - 12)}… (clipped)`;
}

function allowed(request: AdmissionRequest, metrics: PolicyMetric[]): Decision {
  return {
    verdict: { allowed: true, warnings: [], auditAnnotations: {} },
    metrics,
    cache: { hits: 0, misses: 0 },
    dryRun: request.dryRun === true,
  };
}

function failure(
  request: AdmissionRequest,
  code: number,
  reason: ResponseStatus['reason'],
  message: string,
): Decision {
  return {
    verdict: {
      allowed: false,
      status: { code, message, ...(reason ? { reason } : {}) },
      warnings: [],
      auditAnnotations: {},
    },
    metrics: [{ policy: 'request', result: code === 400 ? 'bad-request' : 'error' }],
    cache: { hits: 0, misses: 0 },
    dryRun: request.dryRun === true,
  };
}
