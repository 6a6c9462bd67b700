/**
 * Heuristics that decide whether a key name or a literal value looks like a credential. They lean towards
 * flagging: a missed credential in git is worse than a waived false positive. Nothing here ever returns or
 * logs the value it inspects.
 */

/** The only stand-in for a secret value that a message may show. */
export const REDACTED = '****';

/** Stems matched against the name with separators removed, so api_key, apiKey and API-KEY all match. */
const SECRET_NAME_STEMS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'credential',
  'apikey',
  'accesskey',
  'privatekey',
  'connectionstring',
];

/** Last words that make a secret-sounding name a reference to or a property of a secret, not the secret. */
const NON_SECRET_SUFFIXES = new Set([
  ...['name', 'names', 'ref', 'reference', 'id', 'ids', 'type', 'version', 'format', 'algorithm'],
  ...['file', 'files', 'path', 'paths', 'dir', 'directory', 'mount', 'location', 'store', 'provider'],
  ...['url', 'uri', 'endpoint', 'issuer', 'audience', 'scope', 'scopes', 'header', 'policy', 'class'],
  ...['length', 'len', 'size', 'count', 'ttl', 'expiry', 'expiration', 'expires', 'timeout', 'lifetime'],
  ...['seconds', 'minutes', 'hours', 'days', 'enabled', 'enable', 'disabled', 'required', 'rotation'],
]);

/** `DB_PASSWORD`, `dbPassword`, `APIKey` -> lower-case words. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** True for names such as DB_PASSWORD, clientSecret, api-key, GITHUB_TOKEN, but not PASSWORD_FILE or TOKEN_TTL. */
export function looksLikeSecretName(name: string): boolean {
  const words = wordsOf(name);
  const last = words.at(-1);
  if (last === undefined || NON_SECRET_SUFFIXES.has(last)) return false;
  const squashed = words.join('');
  return (
    SECRET_NAME_STEMS.some((stem) => squashed.includes(stem)) ||
    words.some((word) => word.endsWith('token') || word === 'tokens')
  );
}

const BOOLEAN_WORDS = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'enabled',
  'disabled',
  'none',
  'null',
]);

/**
 * Values that are not credentials even under a secret-sounding name: empty, booleans, substitutions
 * (`$(VAR)`, `${VAR}`, `{{ .Values.x }}`, `<password>`), masks (`****`), file paths (`/run/secrets/db`), and
 * URLs without embedded credentials.
 */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    BOOLEAN_WORDS.has(v.toLowerCase()) ||
    /^\$\(.*\)$|^\$\{.*\}$|^\{\{.*\}\}$|^<.*>$/s.test(v) ||
    /^[*xX]+$/.test(v) ||
    /^\/\S*$/.test(v) ||
    /^https?:\/\/[^\s@/]+(\/\S*)?$/i.test(v)
  );
}

/**
 * Value shapes that are credentials whatever their key is called. Every pattern starts at a literal
 * (`-----BEGIN`, `AccountKey=`, `sig=`, `eyJ`, `://`, `AKIA`), which keeps scanning large ConfigMaps near-linear.
 */
const CREDENTIAL_VALUE_PATTERNS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'a PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
  { what: 'an Azure storage account key', pattern: /AccountKey=(?![$<{*])[^;\s"']{8,}/i },
  { what: 'an Azure shared access key', pattern: /SharedAccessKey=(?![$<{*])[^;\s"']{8,}/i },
  { what: 'an Azure shared access signature', pattern: /[?&]sig=[A-Za-z0-9%+/=]{16,}/ },
  { what: 'a JSON Web Token', pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/ },
  { what: 'a URL with an embedded password', pattern: /:\/\/[^\s:@/]+:(?![$<{*])[^\s@/]+@/ },
  { what: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
];

/** What kind of credential the value contains (for the message), or undefined. */
export function credentialInValue(value: string): string | undefined {
  return CREDENTIAL_VALUE_PATTERNS.find(({ pattern }) => pattern.test(value))?.what;
}

/**
 * Why a literal `name: value` pair looks like a credential, phrased for a message, or undefined. The reason
 * names the kind of evidence, never the value.
 */
export function credentialReason(name: string, value: string): string | undefined {
  const inValue = credentialInValue(value);
  if (inValue !== undefined) return `holds ${inValue}`;
  if (looksLikeSecretName(name) && !isPlaceholderValue(value))
    return 'has a credential-like name and a literal value';
  return undefined;
}

/** `data.DB_PASSWORD`, or `data["app.properties"]` when the key is not a plain identifier. */
export function keyField(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}
