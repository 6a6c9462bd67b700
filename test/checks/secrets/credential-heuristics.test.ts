import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  credentialInValue,
  credentialReason,
  isPlaceholderValue,
  keyField,
  looksLikeSecretName,
  wordsOf,
} from '../../../src/checks/secrets/credential-heuristics.js';

const secretNames = [
  'password',
  'DB_PASSWORD',
  'dbPassword',
  'db-passwd',
  'CLIENT_SECRET',
  'clientSecret',
  'AWS_SECRET_ACCESS_KEY',
  'STORAGE_ACCESS_KEY',
  'api_key',
  'apiKey',
  'API-KEY',
  'APIKey',
  'private_key',
  'privateKey',
  'connection_string',
  'ConnectionStrings__Default',
  'credentials',
  'GITHUB_TOKEN',
  'authToken',
  'refresh-tokens',
  'SECRET_KEY_BASE',
  'ssh.passphrase',
];

const ordinaryNames = [
  'LOG_LEVEL',
  'DB_HOST',
  'PASSWORD_FILE',
  'DB_PASSWORD_PATH',
  'SECRET_NAME',
  'TOKEN_TTL',
  'TOKEN_URL',
  'OIDC_TOKEN_ISSUER',
  'PASSWORD_MIN_LENGTH',
  'GOOGLE_APPLICATION_CREDENTIALS_FILE',
  'tokenizer',
  'AWS_ACCESS_KEY_ID',
  'KEYVAULT_SECRET_ID',
  'pwd',
  '',
];

describe('looksLikeSecretName', () => {
  for (const name of secretNames) it(`flags ${name}`, () => assert.equal(looksLikeSecretName(name), true));
  for (const name of ordinaryNames)
    it(`ignores "${name}"`, () => assert.equal(looksLikeSecretName(name), false));

  it('splits camelCase, acronyms and separators into words', () => {
    assert.deepEqual(wordsOf('APIKeyV2'), ['api', 'key', 'v2']);
    assert.deepEqual(wordsOf('db__Password.file'), ['db', 'password', 'file']);
  });
});

describe('isPlaceholderValue', () => {
  const placeholders = [
    '',
    '  ',
    'true',
    'Disabled',
    '$(DB_PASSWORD)',
    '${DB_PASSWORD}',
    '{{ .Values.password }}',
  ];
  const more = [
    '<your-password>',
    '****',
    'xxxxxx',
    '/run/secrets/db',
    'https://login.example.com/oauth2/token',
  ];
  for (const value of [...placeholders, ...more])
    it(`treats "${value}" as a placeholder`, () => assert.equal(isPlaceholderValue(value), true));

  for (const value of ['hunter2', 'changeme', 'P@ssw0rd!', 's3cr3t value with spaces', '12345678'])
    it(`treats "${value}" as a literal`, () => assert.equal(isPlaceholderValue(value), false));
});

describe('credentialInValue', () => {
  const cases = [
    { value: '-----BEGIN PRIVATE KEY-----\nMIIE...', what: 'a PEM private key' },
    { value: '-----BEGIN OPENSSH PRIVATE KEY-----', what: 'a PEM private key' },
    { value: '-----BEGIN EC PRIVATE KEY-----', what: 'a PEM private key' },
    {
      value: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abcDEF0123456789==;',
      what: 'an Azure storage account key',
    },
    {
      value:
        'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=abcdef0123456789=',
      what: 'an Azure shared access key',
    },
    {
      value: 'https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=abcdEFGH0123456789%2Babcd',
      what: 'an Azure shared access signature',
    },
    {
      value: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      what: 'a JSON Web Token',
    },
    { value: 'postgres://user:pass@db:5432/app', what: 'a URL with an embedded password' },
    { value: 'amqp://guest:guest@rabbit', what: 'a URL with an embedded password' },
    { value: 'AKIAIOSFODNN7EXAMPLE', what: 'an AWS access key id' },
  ] satisfies { value: string; what: string }[];
  for (const { value, what } of cases)
    it(`finds ${what}`, () => assert.equal(credentialInValue(value), what));

  const clean = [
    '-----BEGIN CERTIFICATE-----',
    '-----BEGIN PUBLIC KEY-----',
    'AccountKey=${STORAGE_KEY}',
    'postgres://user@db:5432/app',
    'postgres://user:${DB_PASSWORD}@db/app',
    'https://example.com/path?q=1',
    'server.port=8080',
  ];
  for (const value of clean)
    it(`finds nothing in "${value}"`, () => assert.equal(credentialInValue(value), undefined));
});

describe('credentialReason', () => {
  it('prefers the evidence in the value', () =>
    assert.equal(
      credentialReason('DATABASE_URL', 'mysql://u:p@h/db'),
      'holds a URL with an embedded password',
    ));
  it('flags a secret-sounding name with a literal value', () =>
    assert.equal(credentialReason('API_KEY', 'abc123'), 'has a credential-like name and a literal value'));
  it('lets a secret-sounding name with a placeholder pass', () =>
    assert.equal(credentialReason('API_KEY', '$(API_KEY)'), undefined));
});

describe('keyField', () => {
  it('uses dots for identifier keys and brackets otherwise', () => {
    assert.equal(keyField('data', 'DB_PASSWORD'), 'data.DB_PASSWORD');
    assert.equal(keyField('data', 'api-key'), 'data.api-key');
    assert.equal(keyField('data', 'app.properties'), 'data["app.properties"]');
  });
});
