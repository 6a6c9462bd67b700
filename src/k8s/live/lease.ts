// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate takes the lease
// when it is free or when the holder has not renewed it for leaseDurationSeconds, judged by when *this*
// candidate last saw the record change (its own clock, so clock skew between machines does not matter);
// every write carries the resourceVersion it read, so two candidates racing get one 200 and one 409. The
// leader renews every retry period and steps down when it cannot renew within the renew deadline, which is
// shorter than the lease duration: it stops leading before anyone else may start.
import type { Clock } from '../../core/clock.js';
import { ConfigError, RemoteError, errorMessage } from '../../core/errors.js';
import type { JsonObject } from '../object.js';
import { isObject } from '../object.js';
import { statusMessage } from './list.js';
import type { KubeClient } from './watch-transport.js';

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** This replica (pod name); unique among candidates. */
  identity: string;
  leaseDurationSeconds?: number;
  /** The leader gives up when it could not renew for this long; must be below the lease duration. */
  renewDeadlineSeconds?: number;
  /** How often candidates try and the leader renews; must be below the renew deadline. */
  retryPeriodSeconds?: number;
  clock: Clock;
  onStartedLeading?(): void;
  onStoppedLeading?(): void;
  onWarning?(message: string): void;
}

export interface LeaderElector {
  readonly identity: string;
  isLeader(): boolean;
  /** One round: acquire or renew. True when this replica leads afterwards. Tests call it with a manual clock. */
  tryAcquireOrRenew(): Promise<boolean>;
  /** Rounds every retry period until stopped. */
  run(): Promise<void>;
  /** Stops the rounds; a leader hands the lease back (holder cleared) so the next one need not wait. */
  stop(options?: { release?: boolean }): Promise<void>;
  readonly stats: { attempts: number; conflicts: number; errors: number; transitions: number };
}

const DEFAULTS = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };

/** RFC 3339 with microseconds, the wire form of metav1.MicroTime. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function readLeaseRecord(lease: unknown): LeaseRecord {
  const spec = isObject(lease) && isObject(lease['spec']) ? lease['spec'] : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const acquireTime = str(spec['acquireTime']);
  const renewTime = str(spec['renewTime']);
  return {
    holderIdentity: str(spec['holderIdentity']) ?? '',
    leaseDurationSeconds: typeof spec['leaseDurationSeconds'] === 'number' ? spec['leaseDurationSeconds'] : 0,
    leaseTransitions: typeof spec['leaseTransitions'] === 'number' ? spec['leaseTransitions'] : 0,
    ...(acquireTime ? { acquireTime } : {}),
    ...(renewTime ? { renewTime } : {}),
  };
}

export function createLeaderElector(client: KubeClient, options: LeaderElectionOptions): LeaderElector {
  const leaseDuration = options.leaseDurationSeconds ?? DEFAULTS.leaseDurationSeconds;
  const renewDeadline = options.renewDeadlineSeconds ?? DEFAULTS.renewDeadlineSeconds;
  const retryPeriod = options.retryPeriodSeconds ?? DEFAULTS.retryPeriodSeconds;
  if (!(leaseDuration > renewDeadline && renewDeadline > retryPeriod && retryPeriod > 0))
    throw new ConfigError(
      `leader election: need leaseDuration (${leaseDuration}s) > renewDeadline (${renewDeadline}s) > retryPeriod (${retryPeriod}s) > 0`,
    );
  if (!options.identity) throw new ConfigError('leader election: the identity is empty');
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases`;
  const path = `${collection}/${encodeURIComponent(options.name)}`;
  const clock = options.clock;
  const stats = { attempts: 0, conflicts: 0, errors: 0, transitions: 0 };
  let leading = false;
  /** The record as last seen and when (this replica's clock): expiry is judged from here. */
  let observed: { record: string; holder: string; at: number } | undefined;
  let lastRenew = 0;
  let stopped = false;
  let wake: (() => void) | undefined;

  const setLeading = (value: boolean) => {
    if (value === leading) return;
    leading = value;
    if (value) options.onStartedLeading?.();
    else options.onStoppedLeading?.();
  };

  const body = (record: LeaseRecord, metadata: JsonObject): JsonObject => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata,
    spec: { ...record },
  });

  /** Returns true (leading), false (someone else leads or we lost a race), or throws (could not talk). */
  async function round(): Promise<boolean> {
    const now = clock.now();
    const current = await client.request('GET', path);
    if (current.status === 404) {
      const record: LeaseRecord = {
        holderIdentity: options.identity,
        leaseDurationSeconds: leaseDuration,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      };
      const created = await client.request('POST', collection, {
        body: body(record, { name: options.name, namespace: options.namespace }),
      });
      if (created.status === 409) return false; // another candidate created it first
      if (created.status !== 201 && created.status !== 200)
        throw new RemoteError(`creating lease ${options.name}: ${created.status} ${statusMessage(created)}`);
      observed = { record: JSON.stringify(record), holder: options.identity, at: now.getTime() };
      return true;
    }
    if (current.status !== 200)
      throw new RemoteError(`reading lease ${options.name}: ${current.status} ${statusMessage(current)}`);
    let lease: unknown;
    try {
      lease = JSON.parse(current.body);
    } catch (error) {
      throw new RemoteError(`reading lease ${options.name}: not JSON: ${errorMessage(error)}`);
    }
    const record = readLeaseRecord(lease);
    const recordText = JSON.stringify(record);
    if (!observed || observed.record !== recordText)
      observed = { record: recordText, holder: record.holderIdentity, at: now.getTime() };
    const mine = record.holderIdentity === options.identity;
    const duration = (record.leaseDurationSeconds || leaseDuration) * 1000;
    const expired = observed.at + duration <= now.getTime();
    if (!mine && record.holderIdentity && !expired) return false;
    const next: LeaseRecord = mine
      ? { ...record, leaseDurationSeconds: leaseDuration, renewTime: microTime(now) }
      : {
          holderIdentity: options.identity,
          leaseDurationSeconds: leaseDuration,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: record.leaseTransitions + 1,
        };
    const meta = isObject(lease) && isObject(lease['metadata']) ? lease['metadata'] : {};
    const updated = await client.request('PUT', path, { body: body(next, meta) });
    if (updated.status === 409) {
      stats.conflicts += 1;
      return false;
    }
    if (updated.status !== 200)
      throw new RemoteError(`updating lease ${options.name}: ${updated.status} ${statusMessage(updated)}`);
    observed = { record: JSON.stringify(next), holder: options.identity, at: now.getTime() };
    if (!mine) stats.transitions += 1;
    return true;
  }

  async function tryAcquireOrRenew(): Promise<boolean> {
    stats.attempts += 1;
    const now = clock.now().getTime();
    let ok: boolean;
    try {
      ok = await round();
    } catch (error) {
      stats.errors += 1;
      options.onWarning?.(`leader election: ${errorMessage(error)}`);
      // A leader that cannot reach the API keeps leading only until the renew deadline.
      if (leading && now - lastRenew >= renewDeadline * 1000) setLeading(false);
      return leading;
    }
    if (ok) {
      lastRenew = now;
      setLeading(true);
    } else if (
      leading &&
      (now - lastRenew >= renewDeadline * 1000 || observed?.holder !== options.identity)
    ) {
      // Someone else holds the lease now (taken over or edited), or renewing kept failing: step down.
      setLeading(false);
    }
    return leading;
  }

  return {
    identity: options.identity,
    isLeader: () => leading,
    tryAcquireOrRenew,
    stats,
    async run() {
      while (!stopped) {
        await tryAcquireOrRenew();
        if (stopped) break;
        // Jitter keeps candidates from all trying at the same instant.
        const ms = retryPeriod * 1000 * (leading ? 1 : 1 + Math.random() * 0.2);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async stop(stopOptions = {}) {
      stopped = true;
      wake?.();
      if (leading && stopOptions.release !== false) {
        try {
          const current = await client.request('GET', path);
          if (current.status === 200) {
            const lease: unknown = JSON.parse(current.body);
            const record = readLeaseRecord(lease);
            if (record.holderIdentity === options.identity) {
              const meta = isObject(lease) && isObject(lease['metadata']) ? lease['metadata'] : {};
              // As client-go's ReleaseOnCancel: an empty holder and a 1 s duration let the next one start now.
              await client.request('PUT', path, {
                body: body({ ...record, holderIdentity: '', leaseDurationSeconds: 1 }, meta),
              });
            }
          }
        } catch (error) {
          options.onWarning?.(`leader election: releasing the lease: ${errorMessage(error)}`);
        }
      }
      setLeading(false);
    },
  };
}
