import { useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { auditEntryView, auditPageView } from '../../../src/admin/audit.js';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { Facts } from '../components/Facts.js';
import { FilterBar, queryOf, useFilters } from '../components/FilterBar.js';
import { Pager } from '../components/Pager.js';
import { Badge, Card, ErrorNote, Loading, Modal } from '../components/ui.js';
import { dateTime } from '../format.js';
import { useLoad } from '../use-load.js';

type AuditEntry = z.output<typeof auditEntryView>;
type AuditPage = z.output<typeof auditPageView>;

const PAGE_SIZE = 50;

/** The filters as GET /audit names them. */
interface Filters {
  actor: string;
  action: string;
  target: string;
  outcome: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', target: '', outcome: '', from: '', to: '' };

/** The audit log: who changed what through the admin API, and who signed in, newest first. */
export function AuditPage() {
  const [offset, setOffset] = useState(0);
  const { draft, filters, set, apply, clear } = useFilters(NO_FILTERS, () => setOffset(0));
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const page = useLoad(() => api<AuditPage>('/audit', { query: { ...queryOf(filters), limit: PAGE_SIZE, offset } }), [JSON.stringify(filters), offset]);

  return (
    <div className="page">
      <Card>
        <FilterBar onSubmit={apply} onClear={clear}>
          <input placeholder="who" title="admin-key, anonymous (failed sign-ins), or a user's name or id" value={draft.actor} onChange={set('actor')} aria-label="Who" />
          <input placeholder="action" title="text in the action: DELETE, /keys, sign-in" value={draft.action} onChange={set('action')} aria-label="Action" />
          <input placeholder="target" title="an id, and the ids under it" value={draft.target} onChange={set('target')} aria-label="Target" />
          <select value={draft.outcome} onChange={set('outcome')} aria-label="Outcome">
            <option value="">any outcome</option>
            <option value="ok">ok</option>
            <option value="denied">denied (401, 403)</option>
            <option value="rejected">rejected (other 4xx)</option>
            <option value="error">error (5xx)</option>
          </select>
          <input type="datetime-local" value={draft.from} onChange={set('from')} aria-label="From" />
          <input type="datetime-local" value={draft.to} onChange={set('to')} aria-label="To" />
        </FilterBar>
      </Card>
      <ErrorNote error={page.error} onRetry={page.reload} />
      <Loading when={page.loading && !page.data} />
      {page.data && (
        <Card>
          <DataTable columns={['Time', 'Who', 'Action', 'Target', { label: 'Outcome', num: true }, 'Address']} rows={page.data.data.length} empty="No audit entries match." testId="audit-table">
            {page.data.data.map((r) => (
              <tr key={r.id} className="clickable" onClick={() => setOpen(r)} data-audit-id={r.id}>
                <td className="nowrap">{dateTime(r.at)}</td>
                <td>{actorText(r.actor)}</td>
                <td>
                  <code>{r.action}</code>
                </td>
                <td>{r.target ?? <span className="muted">—</span>}</td>
                <td className="num">
                  <Badge tone={toneOf(r)} title={r.outcome}>
                    {r.status}
                  </Badge>
                </td>
                <td>{r.address ?? <span className="muted">unknown</span>}</td>
              </tr>
            ))}
          </DataTable>
          <Pager offset={offset} shown={page.data.data.length} hasMore={page.data.hasMore} pageSize={PAGE_SIZE} noun="entries" onOffset={setOffset} />
        </Card>
      )}
      {open && <AuditDetail entry={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function AuditDetail(props: { entry: AuditEntry; onClose: () => void }) {
  const r = props.entry;
  const facts: [string, ReactNode][] = [
    ['Time', dateTime(r.at)],
    ['Who', actorText(r.actor)],
    ['Action', <code key="a">{r.action}</code>],
    ['Target', r.target ?? '—'],
    ['Outcome', `${r.status} (${r.outcome})`],
    ['Address', r.address ?? 'unknown'],
  ];
  return (
    <Modal title="Audit entry" onClose={props.onClose} wide>
      <Facts facts={facts} testId="audit-detail" />
      <h3>Input (secrets masked)</h3>
      {r.summary === null ? <p className="muted">none</p> : <pre className="json">{pretty(r.summary)}</pre>}
    </Modal>
  );
}

function actorText(actor: AuditEntry['actor']): string {
  if (actor.kind === 'user') return actor.name;
  return actor.kind === 'admin-key' ? 'admin key' : 'nobody (failed sign-in)';
}

function toneOf(r: AuditEntry): 'ok' | 'warn' | 'bad' {
  if (r.outcome === 'ok') return 'ok';
  return r.outcome === 'error' || r.outcome === 'denied' ? 'bad' : 'warn';
}

function pretty(summary: string): string {
  try {
    return JSON.stringify(JSON.parse(summary), null, 2);
  } catch {
    return summary;
  }
}
