// Prometheus text exposition (format 0.0.4) for the few series the webhook keeps; no client library needed.

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`,
  );
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/**
 * The series key of a label set: length-prefixed, so no two label sets share a key whatever their text. Called
 * several times per review (one per policy result), so it avoids the arrays and JSON of a generic encoding.
 */
export function keyOf(labels: Labels): string {
  let key = '';
  for (const name in labels) {
    const value = labels[name] ?? '';
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(keyOf(labels))?.value ?? 0;
  }

  /** The sum over every label set. */
  total(): number {
    let sum = 0;
    for (const { value } of this.values.values()) sum += value;
    return sum;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines;
  }
}

export class Gauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${this.read()}`];
  }
}

/** Latency buckets in seconds, dense below 25 ms where a healthy webhook lives. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[] = LATENCY_BUCKETS,
  ) {}

  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++)
      if (value <= (this.buckets[i] ?? Infinity)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) =>
        lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(le) })} ${s.counts[i] ?? 0}`),
      );
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

export interface WebhookMetrics {
  requests: Counter;
  policies: Counter;
  duration: Histogram;
  cache: Counter;
  tlsReloads: Counter;
  tlsHandshakes: Counter;
  render(): string;
}

export function createWebhookMetrics(extra: () => (Counter | Gauge)[] = () => []): WebhookMetrics {
  const requests = new Counter(
    'kubeward_admission_requests_total',
    'Admission requests by endpoint and decision (allowed, denied, bad_request, too_large, error).',
  );
  const policies = new Counter(
    'kubeward_admission_policy_results_total',
    'Policy results by policy (pss, check:<id>, signature, digest) and result or effect.',
  );
  const duration = new Histogram(
    'kubeward_admission_duration_seconds',
    'Time to answer an admission request.',
  );
  const cache = new Counter(
    'kubeward_cache_requests_total',
    'Cache lookups by cache (verification, digest, namespace) and result.',
  );
  const tlsReloads = new Counter('kubeward_tls_reloads_total', 'Serving certificate reloads by result.');
  // A client that keeps reconnecting pays a handshake per request; this shows it (and the cost) from our side.
  const tlsHandshakes = new Counter(
    'kubeward_tls_handshakes_total',
    'TLS handshakes completed (new client connections), by whether the session was resumed.',
  );
  return {
    requests,
    policies,
    duration,
    cache,
    tlsReloads,
    tlsHandshakes,
    render: () =>
      [
        ...requests.render(),
        ...policies.render(),
        ...duration.render(),
        ...cache.render(),
        ...tlsReloads.render(),
        ...tlsHandshakes.render(),
        ...extra().flatMap((m) => m.render()),
      ].join('\n') + '\n',
  };
}
