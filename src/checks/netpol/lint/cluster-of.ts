/** Every network lint check needs the same engine view of the input; build it once per ManifestSet. */
import type { ManifestSet } from '../../../k8s/manifest-set.js';
import { buildCluster } from '../cluster.js';
import type { Evaluator } from '../evaluate.js';
import { createEvaluator } from '../evaluate.js';

const cache = new WeakMap<ManifestSet, Evaluator>();

export function evaluatorOf(set: ManifestSet): Evaluator {
  let evaluator = cache.get(set);
  if (!evaluator) {
    // Policies the engine cannot parse are left out here; `netpol` commands report them as errors.
    evaluator = createEvaluator(buildCluster(set.objects).cluster);
    cache.set(set, evaluator);
  }
  return evaluator;
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
