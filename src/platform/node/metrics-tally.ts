import type { Metric, Registry } from 'prom-client';

/**
 * Counters and histograms whose request-path cost is one Map lookup and an
 * addition: label values arrive as a list (in `labelNames` order) and are
 * turned into prom-client's label objects only when Prometheus scrapes.
 * prom-client's own `inc` / `observe` hash and validate a label object on
 * every call, several microseconds each, a dozen times per request; these
 * are registered in its Registry, which formats them like its own.
 */
abstract class Tally<Row> {
  protected readonly rows = new Map<string, { labels: Record<string, string>; row: Row }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    // The Registry reads a metric through `name` and `get()` only.
    registry.registerMetric(this as unknown as Metric);
  }

  protected rowOf(values: readonly string[]): Row {
    const key = values.join('\u0001');
    let entry = this.rows.get(key);
    if (!entry) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i]));
      entry = { labels, row: this.newRow() };
      this.rows.set(key, entry);
    }
    return entry.row;
  }

  protected abstract newRow(): Row;

  reset(): void {
    this.rows.clear();
  }
}

export class TallyCounter extends Tally<{ value: number }> {
  readonly type = 'counter';

  inc(values: readonly string[], by = 1): void {
    this.rowOf(values).value += by;
  }

  protected newRow() {
    return { value: 0 };
  }

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: 'sum',
      values: [...this.rows.values()].map(({ labels, row }) => ({ labels, value: row.value })),
    };
  }
}

export class TallyHistogram extends Tally<{ counts: number[]; sum: number; count: number }> {
  readonly type = 'histogram';

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[], registry: Registry) {
    super(name, help, labelNames, registry);
  }

  observe(values: readonly string[], value: number): void {
    const row = this.rowOf(values);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]) i++;
    row.counts[i]++;
    row.sum += value;
    row.count++;
  }

  protected newRow() {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, row } of this.rows.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += row.counts[i];
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: row.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: row.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: row.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }
}
