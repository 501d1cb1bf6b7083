import { useState } from 'react';
import { SubmitForm } from '../components/SubmitForm.js';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { RowActions } from '../components/RowActions.js';
import { LimitFields, limitsOf, limitsText, Meters, useLimitDraft } from '../components/LimitFields.js';
import { ActionButton, Card, Empty, ErrorNote, Field, Loading, Modal } from '../components/ui.js';
import { count, counted, dateTime } from '../format.js';
import type { Key, LimitsReport, Page, ScopeRule, ScopeStatus } from '../types.js';
import { useLoad } from '../use-load.js';

/**
 * Limits and budgets shared by every key of a group, and by the whole
 * gateway (a key's own are set on the Keys page), with their live counters
 * and the requests they refused.
 */

type Editing = { scope: 'global' } | { scope: 'group'; id: string | null; status: ScopeStatus | null };

/** `<scope>.<dimension>` of the API's refusal counts, in words. */
const SCOPE_WORDS: Record<string, string> = { key: "a key's", group: "a group's", global: 'the gateway-wide' };
const DIMENSION_WORDS: Record<string, string> = {
  rpm: 'requests / min',
  tpm: 'tokens / min',
  concurrent: 'requests at once',
  'budget-usd': 'spending budget',
  'budget-tokens': 'token budget',
};
function reasonText(reason: string): string {
  const [scope, dimension] = reason.split('.');
  return `${SCOPE_WORDS[scope] ?? scope} ${DIMENSION_WORDS[dimension] ?? dimension}`;
}

export function LimitsPage() {
  const [editing, setEditing] = useState<Editing | null>(null);
  const [actionError, setActionError] = useState<string>();
  const report = useLoad(() => api<LimitsReport>('/limits'), []);
  const groups = useLoad(() => api<Page<Key>>('/keys', { query: { revoked: 'exclude' } }).then((p) => [...new Set(p.data.map((k) => k.group))].sort()), []);

  const save = async (path: string, rule: ScopeRule) => {
    await api(path, { method: 'PUT', body: rule });
    setEditing(null);
    report.reload();
  };
  const r = report.data;

  return (
    <div className="page">
      <ErrorNote error={report.error} onRetry={report.reload} />
      <ErrorNote error={actionError} />
      <Loading when={report.loading && !r} />
      {r && (
        <>
          <Card
            title="Whole gateway"
            testId="limits-global"
            actions={
              <>
                <button type="button" className="small" onClick={() => setEditing({ scope: 'global' })}>
                  {r.global.limits || r.global.budget ? 'Edit' : 'Set limits'}
                </button>
                {(r.global.limits || r.global.budget) && (
                  <ActionButton
                    className="small danger"
                    confirm="Remove the gateway-wide limits and budget?"
                    onError={setActionError}
                    onClick={() => save('/limits/global', { limits: null, budget: null })}
                  >
                    Remove
                  </ActionButton>
                )}
              </>
            }
          >
            <p className="muted">Counted over every request, whatever its key or group.</p>
            <ScopeFigures status={r.global} />
          </Card>
          <Card
            title="Groups"
            testId="limits-groups"
            actions={
              <button type="button" className="small primary" onClick={() => setEditing({ scope: 'group', id: null, status: null })}>
                Add group limits
              </button>
            }
          >
            <p className="muted">
              Shared by every key of the group (and of its subgroups, <code>group/sub</code>), on top of each key's own.
            </p>
            <DataTable columns={['Group', 'Limits and budget', 'Now', { label: 'Refused', num: true }, '']} rows={r.groups.length} empty="No group has limits.">
              {r.groups.map((g) => (
                <tr key={g.id} data-group={g.id}>
                  <td className="strong">{g.id}</td>
                  <td>{limitsText(g.limits, g.budget) || <span className="muted">none</span>}</td>
                  <td>{g.counters.length > 0 ? <Meters counters={g.counters} /> : <span className="muted">—</span>}</td>
                  <td className="num">{count(Object.values(g.blocks).reduce((a, b) => a + (b ?? 0), 0))}</td>
                  <td className="nowrap">
                    <RowActions onEdit={() => setEditing({ scope: 'group', id: g.id, status: g })} deletePath={`/limits/groups/${encodeURIComponent(g.id)}`} confirm={`Remove the limits of group ${g.id}?`} deleteLabel="Remove" onDeleted={report.reload} onError={setActionError} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </Card>
          <Card title="Refused by limits">
            <p className="muted">
              {counted(r.blocks.total, 'request')} refused since the gateway started. Counted {r.countersHealth.store === 'memory' ? 'in this process' : `in ${r.countersHealth.store === 'redis' ? 'Redis' : 'Durable Objects'}`}
              {r.countersHealth.state === 'down' && <span className="bad-text"> (unreachable since {dateTime(r.countersHealth.downSince)})</span>}.
            </p>
            {Object.keys(r.blocks.byReason).length > 0 && (
              <table className="table compact">
                <tbody>
                  {Object.entries(r.blocks.byReason).map(([reason, n]) => (
                    <tr key={reason}>
                      <td>{reasonText(reason)}</td>
                      <td className="num">{count(n)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </>
      )}
      {editing?.scope === 'global' && r && (
        <Modal title="Gateway-wide limits" onClose={() => setEditing(null)}>
          <RuleForm status={r.global} label="Save" onCancel={() => setEditing(null)} onSubmit={(rule) => save('/limits/global', rule)} />
        </Modal>
      )}
      {editing?.scope === 'group' && (
        <Modal title={editing.id ? `Limits of group ${editing.id}` : 'Group limits'} onClose={() => setEditing(null)}>
          <RuleForm
            status={editing.status}
            groupId={editing.id}
            knownGroups={groups.data ?? []}
            label="Save"
            onCancel={() => setEditing(null)}
            onSubmit={(rule, id) => save(`/limits/groups/${encodeURIComponent(id ?? '')}`, rule)}
          />
        </Modal>
      )}
    </div>
  );
}

function ScopeFigures(props: { status: ScopeStatus }) {
  const s = props.status;
  const text = limitsText(s.limits, s.budget);
  if (!text) return <Empty>No gateway-wide limits or budget.</Empty>;
  return (
    <div className="scope-figures">
      <div className="strong">{text}</div>
      {s.counters.length > 0 && <Meters counters={s.counters} />}
    </div>
  );
}

/** A scope's whole rule: the group's id when it is new, then its limits and budget. */
function RuleForm(props: {
  status: ScopeStatus | null;
  /** Absent for the gateway-wide rule; null for a group not named yet. */
  groupId?: string | null;
  knownGroups?: string[];
  label: string;
  onCancel: () => void;
  onSubmit: (rule: ScopeRule, groupId: string | null) => Promise<void>;
}) {
  const [group, setGroup] = useState('');
  const [draft, setDraft] = useLimitDraft(props.status?.limits, props.status?.budget);
  const save = () => props.onSubmit(limitsOf(draft), props.groupId ?? (group.trim() || null));
  return (
    <SubmitForm run={save} label={props.label} onCancel={props.onCancel}>
      {props.groupId === null && (
        <Field label="Group" hint="The group keys are given on the Keys page.">
          <input name="group" list="known-groups" value={group} onChange={(e) => setGroup(e.target.value)} required placeholder="team-a" />
          <datalist id="known-groups">
            {props.knownGroups?.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </Field>
      )}
      <LimitFields draft={draft} onChange={setDraft} />
    </SubmitForm>
  );
}
