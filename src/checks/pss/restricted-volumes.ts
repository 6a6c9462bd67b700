/*
 * Volume Types (restricted, v1.0+; replaces pss.host-path-volumes at the restricted level)
 * The Restricted policy only permits the following volume types.
 * Restricted fields: spec.volumes[*]
 * Allowed values: every item in spec.volumes[*] must set one of: configMap, csi, downwardAPI, emptyDir,
 *   ephemeral, image (accepted by upstream since Kubernetes 1.33, at every policy version),
 *   persistentVolumeClaim, projected, secret.
 *
 * A volume that sets no source at all is defaulted to emptyDir by the API server before admission, so it is
 * allowed. Any other key than `name` and the allowed sources counts as a restricted type (upstream calls an
 * unrecognised source "unknown"), and it is reported even next to an allowed source: the API server rejects
 * such volumes anyway, so this only differs from upstream on pods that cannot exist.
 */
import { ALLOWED, PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import { isSet, nameOf, plural, quoteList, uniqueSorted } from './helpers.js';
import { hostPathVolumes } from './host-path-volumes.js';
import { isObject } from '../../k8s/object.js';

const ALLOWED_SOURCES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

export const restrictedVolumes = definePssCheck({
  id: 'pss.restricted-volumes',
  level: 'restricted',
  upstreamId: 'restrictedVolumes',
  meta: {
    severity: 'medium',
    title: 'Restricted volume type',
    description:
      'Inline volume sources other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, ' +
      'persistentVolumeClaim, projected and secret reach node or network storage directly (hostPath, nfs, ' +
      'gitRepo, flexVolume, ...) without the control that PersistentVolumes give cluster administrators.',
    remediation:
      'Use only the allowed volume types; mount other storage through a PersistentVolumeClaim bound to a ' +
      'PersistentVolume that an administrator created.',
    references: [PSS_RESTRICTED_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      overrides: [hostPathVolumes.id],
      evaluate: (_meta, spec) => {
        const volumes = spec['volumes'];
        if (!Array.isArray(volumes)) return ALLOWED;
        const names: string[] = [];
        const types: string[] = [];
        const fields: string[] = [];
        volumes.forEach((volume: unknown, i) => {
          if (!isObject(volume)) return;
          const sources = Object.keys(volume).filter((key) => key !== 'name' && isSet(volume[key]));
          const forbidden = sources.filter((key) => !ALLOWED_SOURCES.has(key));
          if (forbidden.length === 0) return;
          names.push(nameOf(volume, `volumes[${i}]`));
          types.push(...forbidden);
          fields.push(...forbidden.map((key) => `volumes[${i}].${key}`));
        });
        if (names.length === 0) return ALLOWED;
        const shown = uniqueSorted(types);
        return {
          allowed: false,
          reason: 'restricted volume types',
          detail: `${plural(names.length, 'volume', 'volumes')} ${quoteList(names)} ${plural(names.length, 'uses', 'use')} ${plural(shown.length, 'restricted volume type', 'restricted volume types')} ${quoteList(shown)}`,
          fields,
        };
      },
    },
  ],
});
