import { InputError } from '../../core/errors.js';

/** Allowed values per metric abbreviation, in the order the specification lists the metrics. */
export type MetricValues = Readonly<Record<string, readonly string[]>>;

/** Parses `CVSS:x.y/K:V/...` into a metric map, checking names, values, duplicates and mandatory metrics. */
export function parseVector(
  vector: string,
  prefix: string,
  allowed: MetricValues,
  mandatory: readonly string[],
): Map<string, string> {
  const fail = (reason: string): never => {
    throw new InputError(`invalid CVSS vector ${JSON.stringify(vector)}: ${reason}`);
  };
  if (!vector.startsWith(`${prefix}/`)) fail(`expected it to start with "${prefix}/"`);
  const metrics = new Map<string, string>();
  for (const part of vector.slice(prefix.length + 1).split('/')) {
    const colon = part.indexOf(':');
    if (colon <= 0) fail(`component ${JSON.stringify(part)} is not METRIC:VALUE`);
    const name = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const values = allowed[name];
    if (!values) fail(`unknown metric ${JSON.stringify(name)}`);
    if (metrics.has(name)) fail(`metric ${name} appears more than once`);
    if (!values?.includes(value)) {
      fail(`metric ${name} has invalid value ${JSON.stringify(value)} (allowed: ${values?.join(', ')})`);
    }
    metrics.set(name, value);
  }
  const missing = mandatory.filter((name) => !metrics.has(name));
  if (missing.length > 0) fail(`missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return metrics;
}

export type Severity = 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The qualitative severity rating scale, identical in CVSS v3.x and v4.0. */
export function severityOf(score: number): Severity {
  if (score === 0) return 'NONE';
  if (score < 4) return 'LOW';
  if (score < 7) return 'MEDIUM';
  if (score < 9) return 'HIGH';
  return 'CRITICAL';
}
