import { useEffect, useRef, useState } from 'react';
import { api, apiUrl, messageOf, savedKey } from '../api.js';
import { queryOf, useFilters } from '../components/FilterBar.js';
import { DataTable } from '../components/DataTable.js';
import { Badge, Card, ErrorNote } from '../components/ui.js';
import { count, ms, usd } from '../format.js';
import type { Key, LogRow, Page } from '../types.js';
import { useLoad } from '../use-load.js';
import { LogDetail } from './Logs.js';

/** What a `started` event carries: a request in flight, no usage yet. */
interface Started {
  id: string;
  ts: number;
  keyId: string | null;
  protocol: string;
  endpoint: string;
  model: string | null;
  upstreamId: string | null;
  stream: boolean;
}

/** One line of the page: in flight until its row comes. */
type LiveLine = { kind: 'started'; data: Started } | { kind: 'finished'; data: LogRow };

interface Filters {
  key: string;
  model: string;
  upstream: string;
  status: string;
}

const NO_FILTERS: Filters = { key: '', model: '', upstream: '', status: '' };
/** Lines the page keeps: the newest, the oldest fall off. */
const KEEP = 200;

/**
 * Requests as they happen (GET /admin/api/live, server-sent events read with
 * fetch, so the admin key stays in a header). Pause keeps the stream but
 * holds the list still; a row opens the request's detail, its bodies read
 * from /logs/{id} then.
 */
export function LivePage() {
  const { draft, filters, set, apply, setFilters } = useFilters(NO_FILTERS);
  const [lines, setLines] = useState<LiveLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<'connecting' | 'live' | 'closed'>('connecting');
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [open, setOpen] = useState<LogRow | null>(null);
  const held = useRef<LiveLine[]>([]);
  const [waiting, setWaiting] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  const keys = useLoad(() => api<Page<Key>>('/keys').then((p) => p.data), []);
  const names = new Map(keys.data?.map((k) => [k.id, k.name]));

  useEffect(() => {
    const abort = new AbortController();
    setLines([]);
    setError(undefined);
    setState('connecting');
    const add = (incoming: LiveLine[]) => {
      if (pausedRef.current) {
        held.current.push(...incoming);
        held.current = held.current.slice(-KEEP);
        setWaiting(new Set(held.current.map((l) => l.data.id)).size);
        return;
      }
      setLines((now) => merge(now, incoming));
    };
    void (async () => {
      try {
        const query = queryOf(filters);
        // The admin key in its header when the page holds one; a signed-in user's session cookie goes by itself.
        const key = savedKey();
        const headers: Record<string, string> = { accept: 'text/event-stream', ...(key ? { authorization: `Bearer ${key}` } : {}) };
        const res = await fetch(apiUrl('/live', query), { headers, signal: abort.signal });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
          throw new Error(body?.error?.message ?? `${res.status}`);
        }
        setState('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          const cut = buffer.lastIndexOf('\n\n');
          if (cut === -1) continue;
          const events = parseEvents(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          const incoming: LiveLine[] = [];
          for (const { event, data } of events) {
            if (event === 'hello') for (const s of (data as { inFlight: Started[] }).inFlight) incoming.push({ kind: 'started', data: s });
            else if (event === 'started') incoming.push({ kind: 'started', data: data as Started });
            else if (event === 'finished') incoming.push({ kind: 'finished', data: data as LogRow });
            else if (event === 'gap' || event === 'dropped') setNote((data as { reason: string }).reason);
          }
          if (incoming.length > 0) add(incoming);
        }
        setState('closed');
      } catch (err) {
        if (abort.signal.aborted) return;
        setState('closed');
        setError(messageOf(err));
      }
    })();
    return () => abort.abort();
  }, [JSON.stringify(filters)]);

  const togglePause = () => {
    if (paused) {
      setLines((now) => merge(now, held.current));
      held.current = [];
      setWaiting(0);
    }
    setPaused(!paused);
  };

  return (
    <div className="page">
      <Card>
        <form className="filters" onSubmit={apply} aria-label="Filters">
          <select value={draft.key} onChange={set('key')} aria-label="Key">
            <option value="">any key</option>
            {keys.data?.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name}
              </option>
            ))}
          </select>
          <input placeholder="model" value={draft.model} onChange={set('model')} aria-label="Model" />
          <input placeholder="upstream" value={draft.upstream} onChange={set('upstream')} aria-label="Upstream" />
          <input placeholder="status: 5xx" value={draft.status} onChange={set('status')} aria-label="Status" />
          <button type="submit">Apply</button>
          <button type="button" onClick={togglePause} aria-pressed={paused}>
            {paused ? `Resume${waiting > 0 ? ` (${waiting} waiting)` : ''}` : 'Pause'}
          </button>
          <Badge tone={state === 'live' ? (paused ? 'warn' : 'ok') : 'muted'}>{state === 'live' ? (paused ? 'paused' : 'live') : state}</Badge>
        </form>
        <ErrorNote error={error} onRetry={() => setFilters({ ...filters })} />
        {note && <p className="muted">{note}</p>}
      </Card>
      <Card title="Requests" testId="live-requests">
        <DataTable
          columns={['Time', 'Key', 'Model', 'Upstream', { label: 'Status', num: true }, { label: 'Tokens in / out', num: true }, { label: 'Cost', num: true }, { label: 'Latency', num: true }]}
          rows={lines.length}
          empty="Waiting for requests… Requests in flight on this replica show as they start; every replica's show as they finish."
        >
                {lines.map((line) => {
                  const r = line.data;
                  const done = line.kind === 'finished' ? line.data : null;
                  return (
                    <tr key={r.id} className={done ? 'clickable' : 'clickable muted'} onClick={() => setOpen(done ?? inFlightRow(line.data as Started))} data-testid="live-row">
                      <td>{new Date(r.ts).toLocaleTimeString()}</td>
                      <td>{(r.keyId && names.get(r.keyId)) ?? r.keyId ?? '—'}</td>
                      <td>{r.model ?? '—'}</td>
                      <td>{r.upstreamId ?? '—'}</td>
                      <td className="num">{done ? <Badge tone={done.status < 400 ? 'ok' : done.status < 500 ? 'warn' : 'bad'}>{done.status}</Badge> : <Badge tone="muted">in flight</Badge>}</td>
                      <td className="num">{done ? `${count(done.inputTokens)} / ${count(done.outputTokens)}` : '—'}</td>
                      <td className="num">{done ? usd(done.costUsd) : '—'}</td>
                      <td className="num">{done ? ms(done.latencyMs) : '—'}</td>
                    </tr>
                  );
                })}
        </DataTable>
      </Card>
      {open && <LogDetail row={open} keyName={open.keyId ? names.get(open.keyId) : undefined} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** New lines on top; a finished row takes its started line's place. */
function merge(now: LiveLine[], incoming: LiveLine[]): LiveLine[] {
  const byId = new Map(now.map((l) => [l.data.id, l]));
  const order = now.map((l) => l.data.id);
  for (const line of incoming) {
    const known = byId.get(line.data.id);
    if (known && known.kind === 'finished') continue;
    if (!known) order.unshift(line.data.id);
    byId.set(line.data.id, line);
  }
  return order.slice(0, KEEP).map((id) => byId.get(id)!);
}

/** A request still in flight, shaped as a row for the detail view (its log row is not written yet). */
function inFlightRow(s: Started): LogRow {
  return {
    ...s,
    group: null,
    alias: null,
    upstreamModel: null,
    credentialId: null,
    status: 0,
    outcome: 'ok',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    latencyMs: 0,
    ttfbMs: null,
    cacheStatus: null,
    error: null,
    metadata: null,
    translation: null,
    warnings: null,
    usageEstimated: false,
    attempts: null,
  } as unknown as LogRow;
}

function parseEvents(text: string): { event: string; data: unknown }[] {
  const out: { event: string; data: unknown }[] = [];
  for (const block of text.split('\n\n')) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) continue;
    try {
      out.push({ event, data: JSON.parse(data.join('\n')) });
    } catch {
      // Not an event of ours.
    }
  }
  return out;
}
