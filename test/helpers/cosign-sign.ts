// Test helper: a cosign-format signature made by hand and pushed as cosign lays it out (LAB.md §3): a
// simple-signing payload in one layer of a `sha256-<hex>.sig` manifest, the signature in an annotation.
// No cosign CLI exists here; tests check these signatures independently with openssl and skopeo.
import { createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { MEDIA, parseReference } from '../../src/image/index.js';
import { RegistryWriter } from '../../src/signing/registry-push.js';
import type { RegistryAccess } from '../../src/signing/registry-push.js';

export interface CosignSignature {
  payload: Buffer;
  /** DER ECDSA signature over the payload. */
  signature: Buffer;
}

export async function pushCosignSignature(options: {
  registryHost: string;
  repo: string;
  digest: string;
  keyPem: string;
  access: RegistryAccess;
  /** The identity the payload claims; defaults to the repository signed. */
  dockerReference?: string;
}): Promise<CosignSignature> {
  const { registryHost, repo, digest } = options;
  const payload = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': options.dockerReference ?? `${registryHost}/${repo}` },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const signature = cryptoSign('sha256', payload, createPrivateKey(options.keyPem));
  const writer = await RegistryWriter.create(parseReference(`${registryHost}/${repo}`), options.access);
  try {
    const layer = await writer.pushBlob(payload);
    const config = await writer.pushBlob(
      Buffer.from(
        JSON.stringify({
          architecture: '',
          os: '',
          config: {},
          rootfs: { type: 'layers', diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: MEDIA.ociConfig, ...config },
        layers: [
          {
            mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
            ...layer,
            annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64') },
          },
        ],
      }),
    );
    await writer.pushManifest(`${digest.replace(':', '-')}.sig`, manifest, MEDIA.ociManifest);
  } finally {
    await writer.close();
  }
  return { payload, signature };
}
