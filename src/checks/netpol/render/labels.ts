/** Short human names for pod classes, shared by every matrix format. */
import type { PodClass } from '../classes.js';

export function classLabels(c: PodClass): string {
  const labels = Object.keys(c.labels)
    .sort()
    .map((k) => `${k}=${c.labels[k]}`)
    .join(',');
  return labels || '(no labels)';
}

/** `x/a` for a class of one pod, `x/a +2` for three pods. */
export function className(c: PodClass): string {
  return c.pods.length > 1 ? `${c.pods[0]} +${c.pods.length - 1}` : (c.pods[0] ?? c.id);
}
