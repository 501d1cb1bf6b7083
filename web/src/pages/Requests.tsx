import { useState } from 'react';
import { SubmitForm } from '../components/SubmitForm.js';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { ActionButton, Badge, Card, CopyButton, ErrorNote, Field, Loading, Modal, splitList } from '../components/ui.js';
import { dateTime } from '../format.js';
import { isAdmin, useSession } from '../session.js';
import type { Page } from '../types.js';
import type { ClaimedKey, KeyRequest } from '../types-users.js';
import { useLoad } from '../use-load.js';

/**
 * Key requests: a member asks for a key beyond their caps; an admin approves
 * (the key is made for the member) or rejects it, with a note. A member sees
 * their own requests and their outcome, and fetches an approved key's secret
 * once; an admin sees everyone's, pending first.
 */
export function RequestsPage() {
  const session = useSession();
  const admin = isAdmin(session);
  const [state, setState] = useState(admin ? 'pending' : '');
  const [asking, setAsking] = useState(false);
  const [deciding, setDeciding] = useState<{ request: KeyRequest; verdict: 'approve' | 'reject' } | null>(null);
  const [claimed, setClaimed] = useState<ClaimedKey | null>(null);
  const [actionError, setActionError] = useState<string>();
  const requests = useLoad(() => api<Page<KeyRequest>>('/key-requests', { query: { state: state || undefined } }).then((p) => p.data), [state]);

  return (
    <div className="page">
      <div className="toolbar">
        {!admin && (
          <button type="button" className="primary" onClick={() => setAsking(true)}>
            Ask for a key
          </button>
        )}
        <select value={state} onChange={(e) => setState(e.target.value)} aria-label="State">
          <option value="">every state</option>
          <option value="pending">pending</option>
          <option value="approved">approved</option>
          <option value="rejected">rejected</option>
        </select>
      </div>
      <ErrorNote error={requests.error} onRetry={requests.reload} />
      <ErrorNote error={actionError} />
      <Loading when={requests.loading && !requests.data} />
      {requests.data && (
        <Card>
          <DataTable columns={['Asked', admin && 'Who', 'Key', 'Reason', 'State', 'Note', '']} rows={requests.data.length} empty={admin ? 'No key requests in this state.' : 'No key requests yet. Ask for a key when you need one beyond your caps.'} testId="requests-table">
            {requests.data.map((r) => (
              <tr key={r.id} data-request={r.spec.name}>
                <td className="nowrap">{dateTime(r.createdAt)}</td>
                {admin && <td>{r.userName ?? <span className="muted">deleted user</span>}</td>}
                <td>
                  <strong>{r.spec.name}</strong>
                  <div className="muted">{specText(r.spec)}</div>
                </td>
                <td>{r.reason}</td>
                <td>
                  <Badge tone={r.state === 'approved' ? 'ok' : r.state === 'rejected' ? 'bad' : 'warn'}>{r.state}</Badge>
                  {r.decidedBy && <div className="muted">by {r.decidedBy}</div>}
                </td>
                <td>{r.note ?? <span className="muted">—</span>}</td>
                <td className="actions">
                  {admin && r.state === 'pending' && (
                    <>
                      <button type="button" className="small primary" onClick={() => setDeciding({ request: r, verdict: 'approve' })}>
                        Approve
                      </button>
                      <button type="button" className="small" onClick={() => setDeciding({ request: r, verdict: 'reject' })}>
                        Reject
                      </button>
                    </>
                  )}
                  {!admin && r.state === 'approved' && !r.claimed && (
                    <ActionButton
                      className="small primary"
                      onClick={async () => {
                        setActionError(undefined);
                        setClaimed(await api<ClaimedKey>(`/key-requests/${encodeURIComponent(r.id)}/claim`, { method: 'POST' }));
                        requests.reload();
                      }}
                      onError={setActionError}
                    >
                      Show the key
                    </ActionButton>
                  )}
                  {!admin && r.claimed && <span className="muted">key fetched</span>}
                </td>
              </tr>
            ))}
          </DataTable>
        </Card>
      )}
      {asking && (
        <Modal title="Ask for a key" onClose={() => setAsking(false)} wide>
          <KeyRequestForm
            onDone={() => {
              setAsking(false);
              setState('');
              requests.reload();
            }}
            onCancel={() => setAsking(false)}
          />
        </Modal>
      )}
      {deciding && (
        <Modal title={`${deciding.verdict === 'approve' ? 'Approve' : 'Reject'} ${deciding.request.spec.name}`} onClose={() => setDeciding(null)}>
          <DecisionForm
            {...deciding}
            onDone={() => {
              setDeciding(null);
              requests.reload();
            }}
            onCancel={() => setDeciding(null)}
          />
        </Modal>
      )}
      {claimed && (
        <Modal title="Your new key" onClose={() => setClaimed(null)}>
          <p>This is the only time the key is shown: copy it now.</p>
          <div className="secret-box">
            <code data-testid="claimed-key">{claimed.key}</code> <CopyButton text={claimed.key} />
          </div>
          <div className="form-actions">
            <button type="button" className="primary" onClick={() => setClaimed(null)}>
              Done
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

const num = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** Fired on the window after a request was decided, so the side bar's pending count is read again. */
export const REQUESTS_CHANGED = 'switchboard:key-requests-changed';

/** What a member asks for: a key's name, models, limits and budget, and why. */
export function KeyRequestForm(props: { initialName?: string; onDone: () => void; onCancel: () => void }) {
  const [name, setName] = useState(props.initialName ?? '');
  const [models, setModels] = useState('');
  const [rpm, setRpm] = useState('');
  const [tpm, setTpm] = useState('');
  const [usd, setUsd] = useState('');
  const [period, setPeriod] = useState('month');
  const [reason, setReason] = useState('');
  const save = async () => {
    const list = splitList(models);
    const limits = { ...(num(rpm) !== undefined ? { rpm: num(rpm) } : {}), ...(num(tpm) !== undefined ? { tpm: num(tpm) } : {}) };
    await api('/key-requests', {
      method: 'POST',
      body: {
        name: name.trim(),
        ...(list.length > 0 ? { models: list } : {}),
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        ...(num(usd) !== undefined ? { budget: { usd: num(usd), period } } : {}),
        reason: reason.trim(),
      },
    });
    props.onDone();
  };
  return (
    <SubmitForm run={save} label="Send request" busyLabel="Sending…" onCancel={props.onCancel}>
      <p className="muted">An admin approves or rejects it, with a note; once approved, the key is shown to you once on this page.</p>
      <div className="row3">
        <Field label="Key name">
          <input name="requestName" value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <Field label="Models" hint="Comma-separated; empty: as your caps allow.">
          <input name="requestModels" value={models} onChange={(e) => setModels(e.target.value)} />
        </Field>
        <Field label="Requests per minute">
          <input name="requestRpm" type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </Field>
        <Field label="Tokens per minute">
          <input name="requestTpm" type="number" min={1} value={tpm} onChange={(e) => setTpm(e.target.value)} />
        </Field>
        <Field label="Budget (USD)">
          <input name="requestBudget" type="number" min={0} step="any" value={usd} onChange={(e) => setUsd(e.target.value)} />
        </Field>
        <Field label="Budget period">
          <select name="requestPeriod" value={period} onChange={(e) => setPeriod(e.target.value)}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
            <option value="total">total</option>
          </select>
        </Field>
      </div>
      <Field label="Why you need it">
        <textarea name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required rows={3} />
      </Field>
    </SubmitForm>
  );
}

function DecisionForm(props: { request: KeyRequest; verdict: 'approve' | 'reject'; onDone: () => void; onCancel: () => void }) {
  const [note, setNote] = useState('');
  const save = async () => {
    await api(`/key-requests/${encodeURIComponent(props.request.id)}/${props.verdict}`, { method: 'POST', body: note.trim() ? { note: note.trim() } : {} });
    window.dispatchEvent(new Event(REQUESTS_CHANGED));
    props.onDone();
  };
  return (
    <SubmitForm run={save} label={props.verdict === 'approve' ? 'Approve and make the key' : 'Reject'} onCancel={props.onCancel}>
      <p>
        {props.request.userName ?? 'A deleted user'} asks for <strong>{props.request.spec.name}</strong> ({specText(props.request.spec)}): {props.request.reason}
      </p>
      <Field label="Note" hint="Shown to the member.">
        <textarea name="note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
      </Field>
    </SubmitForm>
  );
}

function specText(spec: KeyRequest['spec']): string {
  const parts = [
    spec.models ? `models ${spec.models.join(', ')}` : 'models as the caps allow',
    spec.group && `group ${spec.group}`,
    spec.limits?.rpm !== undefined && `${spec.limits.rpm} rpm`,
    spec.limits?.tpm !== undefined && `${spec.limits.tpm} tpm`,
    spec.budget && `${spec.budget.usd !== undefined ? `$${spec.budget.usd}` : `${spec.budget.tokens} tokens`} / ${spec.budget.period}`,
  ].filter(Boolean);
  return parts.join(' · ');
}
