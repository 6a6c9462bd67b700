/** Answer "can FROM reach TO on PORT/PROTOCOL?" from text peers, as `check` and `verify` ask it. */
import type { Connection, EvaluateOptions, Evaluator, Verdict } from './evaluate.js';
import { evaluateConnection } from './evaluate.js';
import type { Endpoint } from './endpoint.js';
import { resolveEndpoint } from './endpoint.js';
import { explainVerdict } from './explain.js';
import type { Protocol } from './model.js';

export interface QueryInput {
  from: string;
  to: string;
  port: number | string;
  protocol: Protocol;
}

export type QueryAnswer =
  | { ok: true; connection: Connection; verdict: Verdict; reason: string }
  | { ok: false; field: 'from' | 'to' | 'port'; message: string };

export function answerQuery(
  evaluator: Evaluator,
  input: QueryInput,
  options: EvaluateOptions = {},
): QueryAnswer {
  const from = resolveEndpoint(evaluator.cluster, input.from);
  if (!from.ok) return { ok: false, field: 'from', message: from.message };
  const to = resolveEndpoint(evaluator.cluster, input.to);
  if (!to.ok) return { ok: false, field: 'to', message: to.message };
  const port = resolvePort(input.port, input.protocol, to.endpoint);
  if (typeof port === 'string') return { ok: false, field: 'port', message: port };
  const connection: Connection = { from: from.endpoint, to: to.endpoint, port, protocol: input.protocol };
  const verdict = evaluateConnection(evaluator, connection, options);
  return { ok: true, connection, verdict, reason: explainVerdict(verdict, connection) };
}

/** A port name is looked up in the destination pod's container ports; returns an error text when it cannot be. */
function resolvePort(port: number | string, protocol: Protocol, to: Endpoint): number | string {
  if (typeof port === 'number') return port;
  if (to.kind !== 'pod') return `port name "${port}" needs a pod destination`;
  const found = to.pod.ports.find((p) => p.name === port && p.protocol === protocol);
  return found
    ? found.port
    : `pod ${to.pod.namespace}/${to.pod.name} has no ${protocol} port named "${port}"`;
}
