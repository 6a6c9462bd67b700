/** Trust store in Notation's layout: DIR/x509/{ca,signingAuthority,tsa}/NAME/*.{pem,crt,cer,der}. */
import type { X509Certificate } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { parseCertificates } from '../certs.js';

export type TrustStoreType = 'ca' | 'signingAuthority' | 'tsa';
export const TRUST_STORE_TYPES: readonly TrustStoreType[] = ['ca', 'signingAuthority', 'tsa'];
const MAX_CERT_FILE = 1024 * 1024;

export interface TrustStore {
  /** Certificates of `type:name`; a missing store is a configuration error. */
  certificates(type: TrustStoreType, name: string): Promise<X509Certificate[]>;
}

export function openTrustStore(dir: string): TrustStore {
  const cache = new Map<string, Promise<X509Certificate[]>>();
  const load = async (type: TrustStoreType, name: string): Promise<X509Certificate[]> => {
    const folder = join(dir, 'x509', type, name);
    let names: string[];
    try {
      if (!(await stat(folder)).isDirectory()) throw new Error('not a directory');
      names = (await readdir(folder)).sort();
    } catch (error) {
      throw new ConfigError(`trust store ${type}:${name} (${folder}) cannot be read: ${errorMessage(error)}`);
    }
    const certs: X509Certificate[] = [];
    for (const file of names) {
      if (!/\.(pem|crt|cer|der)$/i.test(file)) continue;
      const path = join(folder, file);
      const info = await stat(path);
      if (!info.isFile()) continue;
      if (info.size > MAX_CERT_FILE) throw new ConfigError(`${path}: larger than ${MAX_CERT_FILE} bytes`);
      try {
        certs.push(...parseCertificates(await readFile(path), path));
      } catch (error) {
        throw new ConfigError(errorMessage(error), { cause: error });
      }
    }
    if (certs.length === 0)
      throw new ConfigError(`trust store ${type}:${name} (${folder}) holds no certificates`);
    return certs;
  };
  return {
    certificates(type, name) {
      const key = `${type}:${name}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = load(type, name);
        cache.set(key, hit);
      }
      return hit;
    },
  };
}

/** A trust store held in memory (tests, the webhook). */
export function memoryTrustStore(stores: Record<string, X509Certificate[]>): TrustStore {
  return {
    async certificates(type, name) {
      const certs = stores[`${type}:${name}`];
      if (!certs) throw new ConfigError(`trust store ${type}:${name} does not exist`);
      return certs;
    },
  };
}
