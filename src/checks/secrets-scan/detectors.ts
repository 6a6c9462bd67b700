// Spec: credential shapes found in repositories. Each detector names a literal keyword that must occur in the
// text before its regular expression runs (most files hold none, so most files cost a few indexOf calls),
// and a pattern whose `secret` group is the value (the part that is redacted and hashed).
import type { RuleMeta } from '../../core/finding.js';
import { isPlaceholderValue } from '../secrets/credential-heuristics.js';
import { shannonEntropy } from './redact.js';

export interface Detector extends RuleMeta {
  /** Case-sensitive literals; the detector runs when any occurs in the text. */
  keywords: readonly string[];
  /** Global regex with a named group `secret` (or `secret2` in a second alternative). */
  pattern: RegExp;
  /**
   * When set, the pattern runs only on the lines where this global regex matches, instead of on the whole
   * text: for patterns that cannot start at a literal.
   */
  lineFilter?: RegExp;
  /** Extra test on the value (placeholders, entropy); the settings carry the entropy threshold. */
  accept?(value: string, settings: DetectorSettings): boolean;
}

export interface DetectorSettings {
  /** Minimum Shannon entropy (bits per character) of a generic secret assignment. */
  entropyThreshold: number;
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = { entropyThreshold: 3.5 };

const GITLEAKS = 'https://github.com/gitleaks/gitleaks';
const base = {
  category: 'secrets',
  remediation:
    'Revoke and rotate the credential now (it is in the history even after deletion), remove it from the ' +
    'repository (git filter-repo), and load it at runtime from Azure Key Vault (Secrets Store CSI driver) or ' +
    'use workload identity instead of a secret.',
};

function detector(d: Omit<Detector, 'category' | 'remediation'> & { remediation?: string }): Detector {
  return { ...base, ...d };
}

export const DETECTORS: readonly Detector[] = [
  detector({
    id: 'secrets-scan.private-key',
    severity: 'critical',
    title: 'Private key committed',
    description:
      'A PEM or OpenSSH private key lets anyone impersonate its owner (TLS server, SSH user, signer).',
    references: ['https://learn.microsoft.com/azure/key-vault/certificates/about-certificates'],
    keywords: ['PRIVATE KEY-----'],
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\s*(?<secret>(?:[A-Za-z0-9+/=:,-]|\s){16,}?)-----END/g,
    accept: (value) => !/^[\s.]*$/.test(value) && !/\.\.\./.test(value),
  }),
  detector({
    id: 'secrets-scan.azure-storage-key',
    severity: 'critical',
    title: 'Azure storage account key or connection string',
    description:
      'An account key gives full control of every blob, queue, table and file share in the account.',
    references: ['https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage'],
    keywords: ['AccountKey=', 'accountkey='],
    pattern: /AccountKey=(?<secret>[A-Za-z0-9+/]{20,}={0,2})/gi,
  }),
  detector({
    id: 'secrets-scan.azure-sas-token',
    severity: 'high',
    title: 'Azure shared access signature',
    description: 'A SAS URL grants its permissions to anyone who holds it until it expires.',
    references: ['https://learn.microsoft.com/azure/storage/common/storage-sas-overview'],
    keywords: ['sig='],
    pattern: /[?&]sig=(?<secret>[A-Za-z0-9%+/]{30,}={0,2}(?:%3[Dd]){0,2})/g,
  }),
  detector({
    id: 'secrets-scan.entra-client-secret',
    severity: 'critical',
    title: 'Microsoft Entra ID client secret',
    description:
      'An application client secret signs in as the app registration with all its API permissions.',
    references: ['https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials'],
    keywords: ['Q~'],
    pattern:
      /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g,
  }),
  detector({
    id: 'secrets-scan.aws-access-key',
    severity: 'high',
    title: 'AWS access key',
    description: 'AWS access key ids (and their secret keys) sign API calls as the IAM user or role.',
    references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html'],
    keywords: ['AKIA', 'ASIA', 'aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY'],
    pattern:
      /\b(?<secret>(?:AKIA|ASIA)[0-9A-Z]{16})\b|aws_secret_access_key["']?\s*[=:]\s*["']?(?<secret2>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  }),
  detector({
    id: 'secrets-scan.github-token',
    severity: 'high',
    title: 'GitHub token',
    description: 'A GitHub token acts as its user or app on repositories, packages and workflows.',
    references: [
      'https://docs.github.com/authentication/keeping-your-account-and-data-secure/about-authentication-to-github',
    ],
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: /\b(?<secret>gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g,
  }),
  detector({
    id: 'secrets-scan.gitlab-token',
    severity: 'high',
    title: 'GitLab personal access token',
    description: 'A GitLab token acts as its user on repositories, registries and CI.',
    references: ['https://docs.gitlab.com/ee/security/tokens/'],
    keywords: ['glpat-'],
    pattern: /\b(?<secret>glpat-[A-Za-z0-9_-]{20,})\b/g,
  }),
  detector({
    id: 'secrets-scan.slack-token',
    severity: 'high',
    title: 'Slack token',
    description: 'A Slack token reads and posts messages in the workspace as its bot or user.',
    references: ['https://api.slack.com/authentication/token-types'],
    keywords: ['xox'],
    pattern: /\b(?<secret>xox[abposr]-[A-Za-z0-9-]{10,})\b/g,
  }),
  detector({
    id: 'secrets-scan.jwt',
    severity: 'medium',
    title: 'JSON Web Token',
    description: 'A JWT (often a service account or OAuth token) is a bearer credential until it expires.',
    references: ['https://kubernetes.io/docs/concepts/security/service-accounts/#authenticating-credentials'],
    keywords: ['eyJ'],
    pattern: /\b(?<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
  }),
  detector({
    id: 'secrets-scan.kubeconfig-credential',
    severity: 'critical',
    title: 'Kubeconfig with embedded credentials',
    description: 'A kubeconfig with a client key, token or password is a ready-to-use login to the cluster.',
    remediation:
      'Revoke the credential (rotate the client certificate CA or delete the token), remove the kubeconfig from ' +
      'the repository, and use exec credential plugins (kubelogin with Entra ID) instead of embedded secrets.',
    references: ['https://learn.microsoft.com/azure/aks/kubelogin-authentication'],
    keywords: ['client-key-data', 'token:', 'password:'],
    // Only in documents that are kubeconfigs: scanText checks for `kind: Config` + `users:` first.
    pattern: /^[ \t-]*(?:client-key-data|token|password)[ \t]*:[ \t]*["']?(?<secret>[^\s"'#]{8,})/gm,
    accept: (value) => !isPlaceholderValue(value),
  }),
  detector({
    id: 'secrets-scan.generic-assignment',
    severity: 'medium',
    title: 'High-entropy secret assigned to a credential-like name',
    description: 'A literal, random-looking value assigned to a password, secret, token or key variable.',
    references: [GITLEAKS],
    keywords: [],
    lineFilter: /password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key/gi,
    pattern:
      /(?<![A-Za-z0-9])[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*["']?[ \t]*(?::=|=>|[:=])[ \t]*(?<q>["'`])(?<secret>[^"'`\s]{8,200})\k<q>/gi,
    accept: (value, settings) =>
      !isPlaceholderValue(value) &&
      shannonEntropy(value) >= settings.entropyThreshold &&
      !/^[a-z]+$/i.test(value),
  }),
];

export const SECRET_MANIFEST_RULE: RuleMeta = {
  ...base,
  id: 'secrets-scan.k8s-secret-manifest',
  severity: 'high',
  title: 'Kubernetes Secret with values committed',
  description:
    'Secret data in a repository is only base64, not encryption: anyone who can read the repository (or its ' +
    'history, forks and CI logs) has the values.',
  remediation:
    'Remove the Secret from the repository and rotate its values; deliver them with the Secrets Store CSI ' +
    'driver (Azure Key Vault), Sealed Secrets or External Secrets instead.',
  references: [
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    'https://learn.microsoft.com/azure/aks/csi-secrets-store-driver',
  ],
};

export const SECRET_READERS_RULE: RuleMeta = {
  id: 'secrets-scan.secret-readers',
  severity: 'info',
  title: 'Who can read Secrets in the namespace',
  description: 'Subjects that RBAC allows to get or list Secrets in a namespace holding committed Secrets.',
  remediation:
    'Keep secret read access to the workloads and operators that need it; avoid cluster-wide grants.',
  references: ['https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets'],
  category: 'secrets',
};

export const SECRETS_SCAN_RULES: readonly RuleMeta[] = [
  ...DETECTORS.map(({ id, severity, title, description, remediation, references, category }) => ({
    id,
    severity,
    title,
    description,
    remediation,
    references,
    category,
  })),
  SECRET_MANIFEST_RULE,
  SECRET_READERS_RULE,
];
