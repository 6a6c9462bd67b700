/**
 * Pipelines for the network commands: read the inputs (manifests, snapshots, expectation, NSG and network
 * files), then hand them to the pure engines in checks/netpol and checks/nsg.
 */
import type { K8sObject } from '../k8s/object.js';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { BaseError } from '../core/errors.js';
import { ConfigError, InputError, errorMessage } from '../core/errors.js';
import type { InputProblem } from '../core/report.js';
import { loadManifests } from '../k8s/load-manifests.js';
import { buildCluster } from '../checks/netpol/cluster.js';
import type { Evaluator } from '../checks/netpol/evaluate.js';
import { createEvaluator } from '../checks/netpol/evaluate.js';
import type { Expectation } from '../checks/netpol/expectations.js';
import { parseExpectations } from '../checks/netpol/expectations.js';
import type { Nsg } from '../checks/nsg/model.js';
import { parseNsg } from '../checks/nsg/parse-nsg.js';
import type { NetworkContext } from '../checks/nsg/network-context.js';
import { DEFAULT_NETWORK_CONTEXT, parseNetworkContext } from '../checks/nsg/network-context.js';

export interface LoadedCluster {
  evaluator: Evaluator;
  /** Files that could not be parsed: warnings, the rest of the input still counts. */
  warnings: InputProblem[];
  files: string[];
}

/**
 * Load the cluster. A NetworkPolicy the engine cannot understand is an error, not a warning: leaving it
 * out would change the answers silently.
 */
export async function loadCluster(
  paths: readonly string[],
  options: { readStdin?: () => Promise<string> } = {},
): Promise<LoadedCluster> {
  const loaded = await loadManifests(paths, options.readStdin ? { readStdin: options.readStdin } : {});
  return clusterFromObjects(loaded.objects, loaded.problems, loaded.files);
}

/** The NetworkPolicy engine's view of already loaded objects (manifests, a snapshot, or a live cluster). */
export function clusterFromObjects(
  objects: readonly K8sObject[],
  problems: readonly InputProblem[],
  files: readonly string[],
): LoadedCluster {
  if (objects.length === 0 && problems.length > 0) {
    const p = problems[0]!;
    throw new InputError(`${locate(p)}: ${p.message}`);
  }
  const built = buildCluster(objects);
  const first = built.problems[0];
  if (first) throw new InputError(`${locate(first)}: ${first.message}`);
  return { evaluator: createEvaluator(built.cluster), warnings: [...problems], files: [...files] };
}

export function locate(p: InputProblem): string {
  return p.line ? `${p.file}:${p.line}` : p.file;
}

/** Read a YAML or JSON file; `kind` says which error class a bad file raises (config: exit 2, input: exit 3). */
export async function readDataFile(path: string, kind: 'config' | 'input'): Promise<unknown> {
  const make = (message: string): BaseError<string> =>
    kind === 'config' ? new ConfigError(message) : new InputError(message);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw make(`${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  try {
    return parseYaml(text, { maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw make(`${path}: invalid YAML or JSON: ${errorMessage(error).split('\n')[0]}`);
  }
}

export async function loadExpectations(path: string): Promise<Expectation[]> {
  return parseExpectations(await readDataFile(path, 'config'), path);
}

export async function loadNsg(path: string): Promise<Nsg> {
  return parseNsg(await readDataFile(path, 'input'), path);
}

export async function loadNetworkContext(path: string | undefined): Promise<NetworkContext> {
  if (!path) return DEFAULT_NETWORK_CONTEXT;
  return parseNetworkContext(await readDataFile(path, 'config'), path);
}
