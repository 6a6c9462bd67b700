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
