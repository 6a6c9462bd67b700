/**
 * Trust policy v1.0 (trust-store-trust-policy.md): schema, the validation rules Notation applies when it loads
 * a policy, lookup by repository, and the verification levels with their per-check overrides.
 */
import { z } from 'zod';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { TRUST_STORE_TYPES, type TrustStoreType } from './trust-store.js';
import { readSmallFile, smallFileReason } from '../../core/read-small-file.js';

export type Check = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type Action = 'enforce' | 'log' | 'skip';
export type Level = 'strict' | 'permissive' | 'audit' | 'skip';
export const CHECKS: readonly Check[] = [
  'integrity',
  'authenticity',
  'authenticTimestamp',
  'expiry',
  'revocation',
];

/** The spec's table of levels: what each check does at each level. */
export const LEVELS: Record<Level, Record<Check, Action>> = {
  strict: {
    integrity: 'enforce',
    authenticity: 'enforce',
    authenticTimestamp: 'enforce',
    expiry: 'enforce',
    revocation: 'enforce',
  },
  permissive: {
    integrity: 'enforce',
    authenticity: 'enforce',
    authenticTimestamp: 'log',
    expiry: 'log',
    revocation: 'log',
  },
  audit: {
    integrity: 'enforce',
    authenticity: 'log',
    authenticTimestamp: 'log',
    expiry: 'log',
    revocation: 'log',
  },
  skip: {
    integrity: 'skip',
    authenticity: 'skip',
    authenticTimestamp: 'skip',
    expiry: 'skip',
    revocation: 'skip',
  },
};

const action = z.enum(['enforce', 'log', 'skip']);
const policySchema = z
  .object({
    name: z.string().min(1),
    registryScopes: z.array(z.string()).min(1),
    signatureVerification: z
      .object({
        level: z.enum(['strict', 'permissive', 'audit', 'skip']),
        override: z
          .object({
            integrity: action.optional(),
            authenticity: action.optional(),
            authenticTimestamp: action.optional(),
            expiry: action.optional(),
            revocation: action.optional(),
          })
          .strict()
          .optional(),
        verifyTimestamp: z.enum(['always', 'afterCertExpiry']).optional(),
      })
      .strict(),
    trustStores: z.array(z.string()).optional(),
    trustedIdentities: z.array(z.string()).optional(),
  })
  .strict();

const documentSchema = z
  .object({ version: z.literal('1.0'), trustPolicies: z.array(policySchema).min(1) })
  .strict();

export interface TrustPolicy {
  name: string;
  registryScopes: string[];
  level: Level;
  actions: Record<Check, Action>;
  trustStores: { type: TrustStoreType; name: string }[];
  /** `'*'` or parsed subject DNs (attribute -> value). */
  trustedIdentities: '*' | Map<string, string>[];
  /** When a timestamp countersignature is verified: always, or only once the signing chain has expired. */
  verifyTimestamp: 'always' | 'afterCertExpiry';
}

export interface TrustPolicyDocument {
  policies: TrustPolicy[];
}

const SCOPE =
  /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const STORE_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * An RFC 4514 DN string (`C=US, ST=WA, O=Acme`) into attribute -> value. Multi-valued RDNs and duplicate
 * attributes are refused, as Notation does; escaped commas are kept in values.
 */
export function parseDistinguishedName(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      current += text[i + 1];
      i++;
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else if (ch === '+') {
      throw new ConfigError(`distinguished name "${text}": multi-valued RDNs are not supported`);
    } else {
      current += ch;
    }
  }
  parts.push(current);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new ConfigError(`distinguished name "${text}": "${part.trim()}" is not ATTRIBUTE=value`);
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = part.slice(eq + 1).trim();
    if (out.has(key)) throw new ConfigError(`distinguished name "${text}": attribute ${key} appears twice`);
    out.set(key, value);
  }
  return out;
}

/** Node prints a subject as `C=US\nST=WA\nO=Acme`; values with newlines cannot occur in DER-decoded text. */
export function subjectAttributes(subject: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1).trim());
  }
  return out;
}

/** Every attribute of the trusted identity must appear in the leaf subject with the same value. */
export function identityMatches(identity: Map<string, string>, subject: Map<string, string>): boolean {
  for (const [key, value] of identity) if (subject.get(key) !== value) return false;
  return true;
}

export function parseTrustPolicy(json: unknown, source = 'trust policy'): TrustPolicyDocument {
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${source}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const seenNames = new Set<string>();
  const seenScopes = new Set<string>();
  const policies: TrustPolicy[] = [];
  for (const raw of parsed.data.trustPolicies) {
    const where = `${source}: policy "${raw.name}"`;
    if (seenNames.has(raw.name)) throw new ConfigError(`${where}: the name is used twice`);
    seenNames.add(raw.name);
    if (raw.registryScopes.includes('*') && raw.registryScopes.length > 1)
      throw new ConfigError(`${where}: the wildcard scope "*" must be the only scope`);
    for (const scope of raw.registryScopes) {
      if (scope !== '*' && !SCOPE.test(scope))
        throw new ConfigError(`${where}: registry scope "${scope}" is not REGISTRY/REPOSITORY`);
      if (seenScopes.has(scope))
        throw new ConfigError(`${where}: registry scope "${scope}" is in another policy`);
      seenScopes.add(scope);
    }
    const sv = raw.signatureVerification;
    const override = sv.override ?? {};
    if (sv.level === 'skip' && Object.keys(override).length > 0)
      throw new ConfigError(`${where}: level "skip" cannot have overrides`);
    if (override.integrity !== undefined)
      throw new ConfigError(`${where}: integrity cannot be overridden, it is always enforced`);
    const actions = { ...LEVELS[sv.level], ...override };
    const storesText = raw.trustStores ?? [];
    const idsText = raw.trustedIdentities ?? [];
    if (sv.level === 'skip') {
      if (storesText.length > 0 || idsText.length > 0)
        throw new ConfigError(`${where}: level "skip" must not list trust stores or trusted identities`);
    } else {
      if (storesText.length === 0) throw new ConfigError(`${where}: trustStores must not be empty`);
      if (idsText.length === 0) throw new ConfigError(`${where}: trustedIdentities must not be empty`);
    }
    const trustStores = storesText.map((text) => {
      const colon = text.indexOf(':');
      const type = text.slice(0, colon) as TrustStoreType;
      const name = text.slice(colon + 1);
      if (colon < 0 || !TRUST_STORE_TYPES.includes(type) || !STORE_NAME.test(name))
        throw new ConfigError(
          `${where}: trust store "${text}" is not TYPE:NAME with TYPE ca, signingAuthority or tsa`,
        );
      return { type, name };
    });
    let trustedIdentities: TrustPolicy['trustedIdentities'] = [];
    if (idsText.includes('*')) {
      if (idsText.length > 1)
        throw new ConfigError(`${where}: the wildcard identity "*" must be the only identity`);
      trustedIdentities = '*';
    } else {
      trustedIdentities = idsText.map((text) => {
        const m = /^x509\.subject:(.*)$/s.exec(text);
        if (!m) throw new ConfigError(`${where}: trusted identity "${text}" must start with "x509.subject:"`);
        const dn = parseDistinguishedName((m[1] ?? '').trim());
        for (const required of ['C', 'ST', 'O'])
          if (!dn.has(required))
            throw new ConfigError(
              `${where}: trusted identity "${text}" lacks the mandatory attribute ${required}`,
            );
        return dn;
      });
    }
    policies.push({
      name: raw.name,
      registryScopes: raw.registryScopes,
      level: sv.level,
      actions,
      trustStores,
      trustedIdentities,
      verifyTimestamp: sv.verifyTimestamp ?? 'always',
    });
  }
  return { policies };
}

export async function loadTrustPolicy(path: string): Promise<TrustPolicyDocument> {
  let text: string;
  try {
    // A trust policy is a few kilobytes; the limit keeps `/dev/zero` or a huge file from being loaded.
    text = (await readSmallFile(path, 4 * 1024 * 1024)).toString('utf8');
  } catch (error) {
    throw new ConfigError(`cannot read trust policy ${path}: ${smallFileReason(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`trust policy ${path} is not JSON: ${errorMessage(error)}`, { cause: error });
  }
  return parseTrustPolicy(json, path);
}

/** The policy for `registry/repository`: an exact scope wins over the wildcard. */
export function policyFor(doc: TrustPolicyDocument, repository: string): TrustPolicy | undefined {
  return (
    doc.policies.find((p) => p.registryScopes.includes(repository)) ??
    doc.policies.find((p) => p.registryScopes.includes('*'))
  );
}
