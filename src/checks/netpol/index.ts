// Public API of the NetworkPolicy engine and the network lint checks.
import type { SetCheck } from '../check.js';
import { egressToAnywhere } from './lint/egress-to-anywhere.js';
import { egressWithoutDns } from './lint/egress-without-dns.js';
import { podNotEgressIsolated, podNotIngressIsolated } from './lint/pod-not-isolated.js';
import { policySelectsNothing } from './lint/policy-selects-nothing.js';
import { ruleNeverMatches } from './lint/rule-never-matches.js';

/** The network lint checks, for the main check list. */
export const NETPOL_LINT_CHECKS: readonly SetCheck[] = [
  podNotIngressIsolated,
  podNotEgressIsolated,
  policySelectsNothing,
  ruleNeverMatches,
  egressToAnywhere,
  egressWithoutDns,
];

export type * from './model.js';
export { PROTOCOLS, NAMESPACE_NAME_LABEL, podRef, policyRef } from './model.js';
export { buildCluster } from './cluster.js';
export type { BuildResult } from './cluster.js';
export { parseNetworkPolicy } from './parse-policy.js';
export type { LabelSelector, SelectorRequirement } from './selector.js';
export { parseSelector, matchesSelector, formatSelector } from './selector.js';
export type { Endpoint } from './endpoint.js';
export { resolveEndpoint, endpointLabel, INTERNET } from './endpoint.js';
export type { Connection, Verdict, SideVerdict, RuleMatch, Evaluator, EvaluateOptions } from './evaluate.js';
export { createEvaluator, evaluateConnection, evaluateSide } from './evaluate.js';
export { explainVerdict, explainSide } from './explain.js';
export type { QueryInput, QueryAnswer } from './query.js';
export { answerQuery } from './query.js';
export type { PodClass } from './classes.js';
export { classifyPods } from './classes.js';
export type { Matrix, MatrixPort } from './matrix.js';
export { computeMatrix, defaultPorts } from './matrix.js';
export type { Expectation, Expected } from './expectations.js';
export { parseExpectations } from './expectations.js';
export type { VerifyResult } from './verify.js';
export { verifyExpectations } from './verify.js';
export type { Exposure } from './exposure.js';
export { findExposures } from './exposure.js';
export type { CombinedQuery, CombinedVerdict, ExposurePath } from './combined.js';
export { evaluateCombined } from './combined.js';
export { renderMatrixTable } from './render/matrix-table.js';
export { renderMatrixJson, buildMatrixJson } from './render/matrix-json.js';
export { renderMatrixHtml } from './render/matrix-html.js';
export { renderMatrixDot, renderMatrixMermaid } from './render/matrix-graph.js';
