import { useState, type ReactNode } from 'react';
import { api, download, messageOf } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { Facts } from '../components/Facts.js';
import { FilterBar, queryOf, useFilters } from '../components/FilterBar.js';
import { Pager } from '../components/Pager.js';
import { Badge, Card, ErrorNote, Loading, Modal } from '../components/ui.js';
import { count, dateTime, ms, unitsText, usd } from '../format.js';
import type { Key, LogDetail as LogDetailView, LogRow, Page } from '../types.js';
import { useLoad } from '../use-load.js';

const PAGE_SIZE = 50;

/** The filters as the API names them (GET /logs and /logs/export take the same ones). */
interface Filters {
  q: string;
  key: string;
  group: string;
  model: string;
  upstream: string;
  status: string;
  outcome: string;
  cache: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { q: '', key: '', group: '', model: '', upstream: '', status: '', outcome: '', cache: '', from: '', to: '' };

export function LogsPage() {
  const [offset, setOffset] = useState(0);
  const { draft, filters, set, apply, clear } = useFilters(NO_FILTERS, () => setOffset(0));
  const [open, setOpen] = useState<LogRow | null>(null);
  const [exportError, setExportError] = useState<string>();

  const keys = useLoad(() => api<Page<Key>>('/keys').then((p) => p.data), []);
  const names = new Map(keys.data?.map((k) => [k.id, k.name]));
  const page = useLoad(
    () => api<Page<LogRow>>('/logs', { query: { ...queryOf(filters), limit: PAGE_SIZE, offset } }),
    [JSON.stringify(filters), offset],
  );

  const exportAs = async (format: 'csv' | 'jsonl') => {
    setExportError(undefined);
    try {
      await download('/logs/export', { ...queryOf(filters), format }, `switchboard-logs.${format}`);
    } catch (err) {
      setExportError(messageOf(err));
    }
  };

  return (
    <div className="page">
      <Card>
        <FilterBar
          onSubmit={apply}
          onClear={clear}
          after={
            <>
              <span className="spacer" />
              <button type="button" className="small" onClick={() => void exportAs('csv')}>
                Export CSV
              </button>
              <button type="button" className="small" onClick={() => void exportAs('jsonl')}>
                Export JSONL
              </button>
            </>
          }
        >
          <input className="search" type="search" placeholder="Search id, model, error…" value={draft.q} onChange={set('q')} aria-label="Search" />
          <select value={draft.key} onChange={set('key')} aria-label="Key">
            <option value="">any key</option>
            {keys.data?.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name}
              </option>
            ))}
          </select>
          <input placeholder="group" value={draft.group} onChange={set('group')} aria-label="Group" />
          <input placeholder="model" value={draft.model} onChange={set('model')} aria-label="Model" />
          <input placeholder="upstream" value={draft.upstream} onChange={set('upstream')} aria-label="Upstream" />
          <input placeholder="status" inputMode="numeric" value={draft.status} onChange={set('status')} aria-label="Status" className="narrow" />
          <select value={draft.outcome} onChange={set('outcome')} aria-label="Outcome">
            <option value="">any outcome</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
            <option value="upstream_error">upstream error</option>
            <option value="incomplete">incomplete</option>
            <option value="interrupted">interrupted (gateway stopped)</option>
          </select>
          <select value={draft.cache} onChange={set('cache')} aria-label="Cache">
            <option value="">any cache</option>
            <option value="HIT">hit</option>
            <option value="MISS">miss</option>
            <option value="none">not cached</option>
          </select>
          <input type="datetime-local" value={draft.from} onChange={set('from')} aria-label="From" />
          <input type="datetime-local" value={draft.to} onChange={set('to')} aria-label="To" />
        </FilterBar>
      </Card>
      <ErrorNote error={page.error} onRetry={page.reload} />
      <ErrorNote error={exportError} />
      <Loading when={page.loading && !page.data} />
      {page.data && (
        <Card>
          <DataTable
            columns={['Time', 'Key', 'Group', 'Model', 'Upstream', { label: 'Status', num: true }, 'Cache', { label: 'Tokens', num: true }, { label: 'Cost', num: true }, { label: 'Latency', num: true }]}
            rows={page.data.data.length}
            empty="No requests match."
            className="logs"
            testId="logs-table"
          >
                  {page.data.data.map((r) => (
                    <tr key={r.id} className="clickable" onClick={() => setOpen(r)} data-log-id={r.id}>
                      <td className="nowrap">{dateTime(r.ts)}</td>
                      <td>{r.keyId ? (names.get(r.keyId) ?? r.keyId) : <span className="muted">—</span>}</td>
                      <td>{r.group ?? '—'}</td>
                      <td>{r.model ?? '—'}</td>
                      <td>{r.upstreamId ?? '—'}</td>
                      <td className="num">
                        <Badge tone={r.outcome === 'ok' ? 'ok' : r.status >= 500 ? 'bad' : 'warn'} title={r.error ?? r.outcome}>
                          {r.status}
                        </Badge>
                      </td>
                      <td>{r.cacheStatus ?? '—'}</td>
                      <td className="num" title={unitsText(r.units) || undefined}>
                        {count(r.inputTokens + r.cacheReadTokens + r.cacheWriteTokens + r.outputTokens)}
                        {r.units && <span className="muted"> + {unitsText(r.units)}</span>}
                      </td>
                      <td className="num">{usd(r.costUsd)}</td>
                      <td className="num">{ms(r.latencyMs)}</td>
                    </tr>
                  ))}
          </DataTable>
          <Pager offset={offset} shown={page.data.data.length} hasMore={page.data.hasMore} pageSize={PAGE_SIZE} noun="rows" onOffset={setOffset} />
        </Card>
      )}
      {open && <LogDetail row={open} keyName={open.keyId ? names.get(open.keyId) : undefined} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** One request: the row already in hand, then GET /logs/:id for what only it has (bodies, when logged). */
export function LogDetail(props: { row: LogRow; keyName?: string; onClose: () => void }) {
  const full = useLoad(() => api<LogDetailView>(`/logs/${encodeURIComponent(props.row.id)}`), [props.row.id]);
  const r = full.data ?? props.row;
  const bodies = full.data?.bodies;
  const facts: [string, ReactNode][] = [
    ['Request id', <code key="id">{r.id}</code>],
    ['Time', dateTime(r.ts)],
    ['Key', props.keyName ?? r.keyId ?? '—'],
    ['Group', r.group ?? '—'],
    ['Endpoint', `${r.protocol} ${r.endpoint}${r.stream ? ' (stream)' : ''}`],
    ['Model', `${r.alias && r.alias !== r.model ? `${r.alias} (alias) → ` : ''}${r.model ?? '—'}${r.upstreamModel && r.upstreamModel !== r.model ? ` → ${r.upstreamModel}` : ''}`],
    ['Upstream', `${r.upstreamId ?? '—'}${r.credentialId ? ` · ${r.credentialId}` : ''}`],
    ['Status', `${r.status} (${r.outcome})`],
    ['Cache', r.cacheStatus ?? '—'],
    ['Latency', `${ms(r.latencyMs)} total, ${ms(r.ttfbMs)} to first byte`],
    ['Tokens', `${count(r.inputTokens)} in · ${count(r.cacheReadTokens)} cache read · ${count(r.cacheWriteTokens)} cache write · ${count(r.outputTokens)} out (${count(r.reasoningTokens)} reasoning)${r.usageEstimated ? ' · estimated' : ''}`],
    ['Cost', usd(r.costUsd)],
  ];
  if (r.units) facts.splice(facts.length - 1, 0, ['Units', unitsText(r.units)]);
  // A router's request: the tier and why, and what the reference tier would have cost; a classifier call: whom it decided for.
  if (r.router) facts.splice(6, 0, ['Router', r.tier ? `${r.router} → tier ${r.tier} (${r.tierReason ?? '—'})` : `${r.router}: ${r.tierReason ?? 'classifier call'}`]);
  if (r.router && r.tier) facts.push(['Reference tier cost', usd(r.referenceCostUsd ?? null)]);
  if (r.translation) facts.push(['Translation', r.translation]);
  if (r.error) facts.push(['Error', <span key="e" className="bad-text">{r.error}</span>]);
  return (
    <Modal title="Request" onClose={props.onClose} wide>
      <ErrorNote error={full.error} />
      <Facts facts={facts} testId="log-detail" />
      {r.warnings && r.warnings.length > 0 && (
        <>
          <h3>Translation warnings</h3>
          <ul>
            {r.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      )}
      {r.attempts && r.attempts.length > 0 && (
        <>
          <h3>Attempts</h3>
          <table className="table compact">
            <thead>
              <tr>
                <th>#</th>
                <th>Upstream</th>
                <th>Credential</th>
                <th className="num">Status</th>
                <th className="num">Time</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {r.attempts.map((a, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td>{a.upstream}</td>
                  <td>{a.credential ?? '—'}</td>
                  <td className="num">{a.status ?? '—'}</td>
                  <td className="num">{ms(a.ms)}</td>
                  <td>{a.error ?? <span className="muted">served</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Metadata</h3>
      {r.metadata === null || r.metadata === undefined ? <p className="muted">none</p> : <pre className="json">{JSON.stringify(r.metadata, null, 2)}</pre>}
      <h3>Bodies</h3>
      {bodies ? (
        <>
          <h4>Request{bodies.requestTruncated ? ' (truncated)' : ''}</h4>
          <pre className="json">{show(bodies.request)}</pre>
          <h4>Response{bodies.responseTruncated ? ' (truncated)' : ''}</h4>
          <pre className="json">{show(bodies.response)}</pre>
        </>
      ) : (
        <p className="muted">{full.loading ? 'Loading…' : 'Not logged for this request (body logging is set in Settings).'}</p>
      )}
    </Modal>
  );
}

/** A logged body: pretty JSON when it parses, else the text as it is. */
function show(body: unknown): string {
  if (body === null || body === undefined) return '—';
  if (typeof body !== 'string') return JSON.stringify(body, null, 2);
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
