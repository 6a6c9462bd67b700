import type { JsonObject } from '../../k8s/object.js';
import { asArray, getPath, isObject, stringMap } from '../../k8s/object.js';

/** A node label the pod requires: `values` undefined means any value (operator Exists). */
export interface NodePin {
  key: string;
  values?: readonly string[];
}

/**
 * How the pod is confined to nodes, as alternatives: the pod is confined to a pool when ANY group is
 * satisfied. The nodeSelector is one group; required node affinity terms are ORed by the scheduler, so
 * together they form one more alternative only when every term is satisfied (see isConfinedToTaintedPool).
 */
export interface NodePinning {
  nodeSelector: NodePin[];
  affinityTerms: NodePin[][];
}

export function nodePinningOf(spec: JsonObject): NodePinning {
  const nodeSelector = Object.entries(stringMap(spec['nodeSelector'])).map(([key, value]) => ({
    key,
    values: [value],
  }));
  const terms = asArray(
    getPath(spec, [
      'affinity',
      'nodeAffinity',
      'requiredDuringSchedulingIgnoredDuringExecution',
      'nodeSelectorTerms',
    ]),
  );
  const affinityTerms = terms.map((term) =>
    asArray(isObject(term) ? term['matchExpressions'] : undefined).flatMap((expression): NodePin[] => {
      if (!isObject(expression) || typeof expression['key'] !== 'string') return [];
      const key = expression['key'];
      if (expression['operator'] === 'Exists') return [{ key }];
      if (expression['operator'] !== 'In') return [];
      return [
        { key, values: asArray(expression['values']).filter((v): v is string => typeof v === 'string') },
      ];
    }),
  );
  return { nodeSelector, affinityTerms };
}

/** True when the pod is restricted to labelled nodes at all (every affinity term must pin something). */
export function isPinned(pinning: NodePinning): boolean {
  const affinityPins =
    pinning.affinityTerms.length > 0 && pinning.affinityTerms.every((term) => term.length > 0);
  return pinning.nodeSelector.length > 0 || affinityPins;
}

/**
 * A toleration matches a pin when it tolerates a hard taint (NoSchedule/NoExecute, or any effect) with the
 * pin's key and, for operator Equal, one of its values: the dedicated-nodes pattern labels and taints the
 * pool with the same key. A wildcard toleration (no key, Exists) is no evidence of a dedicated pool.
 */
function tolerates(toleration: unknown, pin: NodePin): boolean {
  if (!isObject(toleration) || toleration['key'] !== pin.key) return false;
  const effect = toleration['effect'];
  if (effect !== undefined && effect !== '' && effect !== 'NoSchedule' && effect !== 'NoExecute')
    return false;
  if (toleration['operator'] === 'Exists') return true;
  const value = typeof toleration['value'] === 'string' ? toleration['value'] : '';
  return pin.values === undefined || pin.values.includes(value);
}

/**
 * True when the pod both requires nodes with a label and tolerates a taint with that label's key, which is
 * how a dedicated (tainted and labelled) node pool is consumed.
 */
export function isConfinedToTaintedPool(spec: JsonObject): boolean {
  const pinning = nodePinningOf(spec);
  const tolerations = asArray(spec['tolerations']);
  const matched = (pins: readonly NodePin[]): boolean =>
    pins.some((pin) => tolerations.some((toleration) => tolerates(toleration, pin)));
  const viaSelector = matched(pinning.nodeSelector);
  const viaAffinity = pinning.affinityTerms.length > 0 && pinning.affinityTerms.every(matched);
  return viaSelector || viaAffinity;
}
