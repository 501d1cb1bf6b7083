import { useState } from 'react';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { TimeChart } from '../components/Chart.js';
import { RangePicker, rangeQuery, type Range } from '../components/RangePicker.js';
import { Card, ErrorNote, Loading, Stat } from '../components/ui.js';
import { count, counted, ms, percent, usd } from '../format.js';
import type { Overview, TopRow } from '../types.js';
import { useLoad } from '../use-load.js';

export function OverviewPage() {
  const [range, setRange] = useState<Range>({ kind: 'named', name: '24h' });
  const { data, error, loading, reload } = useLoad(() => api<Overview>('/overview', { query: rangeQuery(range) }), [JSON.stringify(range)]);
  const t = data?.totals;
  const buckets = data?.series.map((s) => s.bucket) ?? [];
  const span = data ? data.to - data.from : 0;
  const column = (k: 'errors' | 'outputTokens' | 'costUsd' | 'latencyP50' | 'latencyP95') => data?.series.map((s) => s[k]) ?? [];

  return (
    <div className="page overview">
      <div className="toolbar">
        <RangePicker value={range} onChange={setRange} />
        <button type="button" className="small" onClick={reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={error} onRetry={reload} />
      <Loading when={loading && !data} />
      {t && (
        <>
          <div className="stats" data-testid="overview-totals">
            <Stat label="Requests" value={count(t.requests)} testId="stat-requests" />
            <Stat label="Tokens" value={count(t.tokens)} hint={`${count(t.inputTokens + t.cacheReadTokens + t.cacheWriteTokens)} in · ${count(t.outputTokens)} out`} testId="stat-tokens" />
            <Stat label="Cost" value={usd(t.costUsd)} testId="stat-cost" />
            <Stat label="Error rate" value={percent(t.errorRate)} hint={counted(t.errors, 'error')} testId="stat-errors" />
            <Stat label="Cache hit ratio" value={percent(t.cacheHitRatio)} hint={`${count(t.cacheHits)} of ${counted(t.cacheLookups, 'lookup')}`} />
            <Stat label="Latency p50" value={ms(t.latencyP50)} />
            <Stat label="Latency p95" value={ms(t.latencyP95)} />
          </div>
          <div className="charts">
            <Card>
              <TimeChart
                title="Requests"
                kind="bar"
                whole
                spanMs={span}
                buckets={buckets}
                format={count}
                series={[
                  { label: 'ok', values: data.series.map((s) => s.requests - s.errors), color: 'var(--c1)' },
                  { label: 'errors', values: column('errors'), color: 'var(--bad)' },
                ]}
              />
            </Card>
            <Card>
              <TimeChart
                title="Tokens"
                whole
                spanMs={span}
                buckets={buckets}
                format={count}
                series={[
                  { label: 'input', values: data.series.map((s) => s.inputTokens + s.cacheReadTokens + s.cacheWriteTokens), color: 'var(--c1)' },
                  { label: 'output', values: column('outputTokens'), color: 'var(--c2)' },
                ]}
              />
            </Card>
            <Card>
              <TimeChart title="Cost" spanMs={span} buckets={buckets} format={usd} series={[{ label: 'USD', values: column('costUsd'), color: 'var(--c3)' }]} />
            </Card>
            <Card>
              <TimeChart
                title="Latency"
                spanMs={span}
                buckets={buckets}
                format={ms}
                series={[
                  { label: 'p50', values: column('latencyP50'), color: 'var(--c1)' },
                  { label: 'p95', values: column('latencyP95'), color: 'var(--c4)' },
                ]}
              />
            </Card>
          </div>
          <div className="tops">
            <TopTable title="Top keys" rows={data.top.key.map((r) => ({ ...r, value: r.name ?? r.value }))} />
            <TopTable title="Top groups" rows={data.top.group} />
            <TopTable title="Top models" rows={data.top.model} />
            <TopTable title="Top upstreams" rows={data.top.upstream} />
          </div>
        </>
      )}
    </div>
  );
}

function TopTable(props: { title: string; rows: TopRow[] }) {
  return (
    <Card title={props.title}>
      <DataTable columns={['Name', { label: 'Requests', num: true }, { label: 'Tokens', num: true }, { label: 'Cost', num: true }]} rows={props.rows.length} empty="No requests in this range." className="compact">
        {props.rows.map((r) => (
          <tr key={r.value}>
            <td className="ellipsis">{r.value || <span className="muted">(none)</span>}</td>
            <td className="num">
              {count(r.requests)}
              {r.errors > 0 && <span className="bad-text"> ({counted(r.errors, 'error')})</span>}
            </td>
            <td className="num">{count(r.tokens)}</td>
            <td className="num">{usd(r.costUsd)}</td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
