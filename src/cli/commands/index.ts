import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export interface CommandEntry {
  /** The top-level command name, as the user types it. */
  name: string;
  /** The line `kubeward --help` shows; a test keeps it equal to the description the command registers. */
  summary: string;
  /** Imported only when the command runs, so `kubeward scan` does not load the registry, SQLite or TLS code. */
  load: () => Promise<{ register: RegisterCommand }>;
}

/** The one list of top-level commands, in help order. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    summary:
      'scan Kubernetes manifests (files, directories, - for stdin) for Pod Security, practice, secret and tenancy findings',
    load: () => import('./scan.js'),
  },
  {
    name: 'image',
    summary: 'container images: inventory and SBOM, vulnerabilities, the grace-period gate',
    load: () => import('./image.js'),
  },
  {
    name: 'fs',
    summary: 'directories: inventory and SBOM, vulnerabilities',
    load: () => import('./fs.js'),
  },
  {
    name: 'db',
    summary: 'the local vulnerability database (OSV records in SQLite)',
    load: () => import('./db.js'),
  },
  {
    name: 'registry',
    summary: 'scan whole registries and report drift',
    load: () => import('./registry.js'),
  },
  {
    name: 'sign',
    summary: 'sign an image with a Notary Project (Notation) signature and push it to the registry',
    load: () => import('./sign.js'),
  },
  {
    name: 'verify',
    summary: 'verify image signatures: Notation trust policy (default), cosign key (--key), GPG (--gpg-key)',
    load: () => import('./verify.js'),
  },
  {
    name: 'rbac',
    summary: 'RBAC: who can do what, from a snapshot, manifests or a live cluster',
    load: () => import('./rbac.js'),
  },
  {
    name: 'snapshot',
    summary:
      'list a live cluster into one JSON file (kind: List) that every command takes as --snapshot; secret values are never written',
    load: () => import('./snapshot.js'),
  },
  {
    name: 'netpol',
    summary: 'NetworkPolicy reachability: explain one connection, draw the matrix, verify expectations in CI',
    load: () => import('./netpol.js'),
  },
  {
    name: 'nsg',
    summary: 'Azure network security groups: evaluate traffic, find risky rules',
    load: () => import('./nsg.js'),
  },
  {
    name: 'cluster',
    summary: 'audit cluster, node and control plane configuration',
    load: () => import('./cluster.js'),
  },
  {
    name: 'secrets',
    summary: 'secrets hygiene of repositories',
    load: () => import('./secrets.js'),
  },
  {
    name: 'tenancy',
    summary: 'tenant isolation: policies, RBAC and network reachability per namespace',
    load: () => import('./tenancy.js'),
  },
  {
    name: 'webhook',
    summary: 'admission webhook: Pod Security, checks, registries, signatures',
    load: () => import('./webhook.js'),
  },
  {
    name: 'install',
    summary:
      'render the manifests that run kubeward in a cluster: the admission webhook, serve, or sharded registry scans',
    load: () => import('./install.js'),
  },
  {
    name: 'runtime',
    summary: 'threat detection from Kubernetes audit events (files, AKS exports, the audit webhook)',
    load: () => import('./runtime.js'),
  },
  {
    name: 'serve',
    summary:
      'watch the cluster, scan the images that run (again when the vulnerability database changes), re-run the posture checks, keep history in the store; serves /healthz, /readyz, /metrics and the dashboard',
    load: () => import('./serve.js'),
  },
  {
    name: 'report',
    summary:
      'one scorecard over the nine areas (build, registry, cluster, node, isolation, network, workloads and admission, runtime, secrets) from the JSON outputs of other commands and/or the store',
    load: () => import('./report.js'),
  },
  {
    name: 'dashboard',
    summary: 'serve the web dashboard and its JSON API (/api/v1/...) over a store, read-only, until SIGTERM',
    load: () => import('./dashboard.js'),
  },
];
