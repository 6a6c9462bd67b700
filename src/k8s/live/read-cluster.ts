import type { JsonObject } from '../object.js';
import type { ConnectOptions } from './connection.js';
import { connect } from './connection.js';
import type { ListOptions } from './list.js';
import { listResources } from './list.js';
import type { LiveResource } from './resources.js';
import { LIVE_RESOURCES } from './resources.js';
import { itemsOf } from './snapshot.js';

export interface ReadClusterOptions extends ConnectOptions, ListOptions {
  /** What to list (default LIVE_RESOURCES). */
  resources?: readonly LiveResource[];
}

export interface LiveState {
  server: string;
  context: string;
  /** Manifest-shaped objects (apiVersion and kind set, secret values removed), in resource order. */
  items: JsonObject[];
  warnings: string[];
}

/** List everything the analyses need from the cluster the kubeconfig points at. */
export async function readCluster(options: ReadClusterOptions): Promise<LiveState> {
  const conn = await connect(options);
  const outcome = await listResources(conn, options.resources ?? LIVE_RESOURCES, options);
  return {
    server: conn.server,
    context: conn.context,
    items: itemsOf(outcome.lists),
    warnings: outcome.warnings,
  };
}
