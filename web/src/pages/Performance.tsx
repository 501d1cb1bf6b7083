import { useState } from 'react';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { TimeChart, type Series } from '../components/Chart.js';
import { RangePicker, rangeQuery, type Range } from '../components/RangePicker.js';
import { Card, ErrorNote, Loading } from '../components/ui.js';
import { count, ms } from '../format.js';
import type { Performance } from '../types.js';
import { useLoad } from '../use-load.js';

/**
 * How fast streamed answers come: time to first token and time per output
 * token after it, by model or by upstream, charted at p50 over the range
 * (the busiest few) and as p50 / p95 for each in a table.
 */

const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', 'var(--bad)'];
type By = Performance['by'];
type Figures = Performance['rows'][number];

export function PerformancePage() {
  const [range, setRange] = useState<Range>({ kind: 'named', name: '24h' });
  const [by, setBy] = useState<By>('model');
  const { data, error, loading, reload } = useLoad(() => api<Performance>('/performance', { query: { ...rangeQuery(range), by } }), [JSON.stringify(range), by]);
  const span = data ? data.to - data.from : 0;
  // One line per model (or upstream): the busiest, as many as there are colours.
  const charted = data?.rows.slice(0, COLORS.length) ?? [];
  const lines = (pick: (f: Figures) => number | null): Series[] =>
    charted.map((row, i) => {
      const at = new Map(data!.series.filter((s) => s.value === row.value).map((s) => [s.bucket, pick(s)]));
      return { label: row.value || '(none)', values: data!.buckets.map((b) => at.get(b) ?? null), color: COLORS[i]! };
    });

  return (
    <div className="page performance">
      <div className="toolbar">
        <RangePicker value={range} onChange={setRange} />
        <div className="range-picker" role="group" aria-label="Split by">
          {(['model', 'upstream'] as const).map((b) => (
            <button key={b} type="button" className={by === b ? 'seg active' : 'seg'} onClick={() => setBy(b)}>
              By {b}
            </button>
          ))}
        </div>
        <button type="button" className="small" onClick={reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={error} onRetry={reload} />
      <Loading when={loading && !data} />
      {data && (
        <>
          {data.sampled && <p className="muted">The range holds more streamed requests than are read at once: the figures are of the newest.</p>}
          <div className="charts">
            <Card>
              <TimeChart title="Time to first token (p50)" spanMs={span} buckets={data.buckets} format={ms} series={lines((f) => f.ttftP50)} />
            </Card>
            <Card>
              <TimeChart title="Time per output token (p50)" spanMs={span} buckets={data.buckets} format={perToken} series={lines((f) => f.perTokenP50)} />
            </Card>
          </div>
          <Card title={by === 'model' ? 'By model' : 'By upstream'}>
            <DataTable columns={[by === 'model' ? 'Model' : 'Upstream', { label: 'Requests', num: true }, { label: 'First token p50', num: true }, { label: 'First token p95', num: true }, { label: 'Per token p50', num: true }, { label: 'Per token p95', num: true }]} rows={data.rows.length} empty="No streamed requests in this range." className="compact" testId="performance-table">
              {data.rows.map((r) => (
                <tr key={r.value}>
                  <td className="ellipsis">{r.value || <span className="muted">(none)</span>}</td>
                  <td className="num">{count(r.requests)}</td>
                  <td className="num">{ms(r.ttftP50)}</td>
                  <td className="num">{ms(r.ttftP95)}</td>
                  <td className="num">{perToken(r.perTokenP50)}</td>
                  <td className="num">{perToken(r.perTokenP95)}</td>
                </tr>
              ))}
            </DataTable>
          </Card>
        </>
      )}
    </div>
  );
}

/** Milliseconds a token, with a decimal: a fast model spends well under 10 ms on one. */
function perToken(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
}
