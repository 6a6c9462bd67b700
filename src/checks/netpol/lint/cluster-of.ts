/** Every network lint check needs the same engine view of the input; build it once per ManifestSet. */
import type { ManifestSet } from '../../../k8s/manifest-set.js';
import { buildCluster } from '../cluster.js';
import type { Evaluator } from '../evaluate.js';
import { createEvaluator } from '../evaluate.js';

/**
 * One slot, not a WeakMap: the lint checks of one run ask about the same set one after another, and a WeakMap
 * entry outlives minor GCs, so in the webhook (a new set per review) every review's model was promoted to the
 * old generation and caused major GC pauses.
 */
let last: { set: ManifestSet; evaluator: Evaluator } | undefined;

export function evaluatorOf(set: ManifestSet): Evaluator {
  if (last?.set !== set) {
    // Policies the engine cannot parse are left out here; `netpol` commands report them as errors.
    last = { set, evaluator: createEvaluator(buildCluster(set.objects).cluster) };
  }
  return last.evaluator;
}

/** Pods of each namespace, in input order. */
export function groupPodsByNamespace<P extends { namespace: string }>(pods: readonly P[]): Map<string, P[]> {
  const out = new Map<string, P[]>();
  for (const pod of pods) {
    const list = out.get(pod.namespace);
    if (list) list.push(pod);
    else out.set(pod.namespace, [pod]);
  }
  return out;
}
