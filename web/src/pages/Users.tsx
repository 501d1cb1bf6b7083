import { useState } from 'react';
import { SubmitForm } from '../components/SubmitForm.js';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { ActionButton, Badge, Card, ErrorNote, Field, Loading, Modal, splitList } from '../components/ui.js';
import { dateTime } from '../format.js';
import type { Page } from '../types.js';
import type { Caps, Role, User } from '../types-users.js';
import { useLoad } from '../use-load.js';

/** Users (admins only): who may sign in, their role, and the caps a member's own keys stay within. */
export function UsersPage() {
  const users = useLoad(() => api<Page<User>>('/users').then((p) => p.data), []);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [actionError, setActionError] = useState<string>();

  const done = () => {
    setEditing(null);
    setResetting(null);
    users.reload();
  };

  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New user
        </button>
      </div>
      <ErrorNote error={users.error} onRetry={users.reload} />
      <ErrorNote error={actionError} />
      <Loading when={users.loading && !users.data} />
      {users.data && (
        <Card>
          <DataTable columns={['Name', 'Role', 'Caps', 'Created', '']} rows={users.data.length} empty="No users yet. The admin key signs in; add users so people sign in as themselves." testId="users-table">
            {users.data.map((u) => (
              <tr key={u.id} data-user={u.name}>
                <td>
                  {u.name} {u.disabled && <Badge tone="bad">disabled</Badge>}
                </td>
                <td>{u.role}</td>
                <td className="muted">{u.role === 'admin' ? 'none (admins are not capped)' : capsText(u.caps)}</td>
                <td className="nowrap">{dateTime(u.createdAt)}</td>
                <td className="actions">
                  <button type="button" className="small" onClick={() => setEditing(u)}>
                    Edit
                  </button>
                  <button type="button" className="small" onClick={() => setResetting(u)}>
                    Reset password
                  </button>
                  <ActionButton
                    onClick={async () => {
                      setActionError(undefined);
                      await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { disabled: !u.disabled } });
                      users.reload();
                    }}
                    onError={setActionError}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </ActionButton>
                  <ActionButton
                    confirm={`Delete ${u.name}? Their sessions end and their keys are revoked.`}
                    onClick={async () => {
                      setActionError(undefined);
                      await api(`/users/${encodeURIComponent(u.id)}`, { method: 'DELETE' });
                      users.reload();
                    }}
                    onError={setActionError}
                  >
                    Delete
                  </ActionButton>
                </td>
              </tr>
            ))}
          </DataTable>
        </Card>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'New user' : `Edit ${editing.name}`} onClose={() => setEditing(null)} wide>
          <UserForm initial={editing === 'new' ? undefined : editing} onDone={done} onCancel={() => setEditing(null)} />
        </Modal>
      )}
      {resetting && (
        <Modal title={`Reset ${resetting.name}'s password`} onClose={() => setResetting(null)}>
          <PasswordForm user={resetting} onDone={done} onCancel={() => setResetting(null)} />
        </Modal>
      )}
    </div>
  );
}

const num = (text: string) => (text.trim() === '' ? null : Number(text));
const listOrNull = (text: string) => {
  const list = splitList(text);
  return list.length > 0 ? list : null;
};

function UserForm(props: { initial?: User; onDone: () => void; onCancel: () => void }) {
  const u = props.initial;
  const caps = u?.caps;
  const [name, setName] = useState(u?.name ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(u?.role ?? 'member');
  const [models, setModels] = useState(caps?.models?.join(', ') ?? '');
  const [upstreams, setUpstreams] = useState(caps?.upstreams?.join(', ') ?? '');
  const [group, setGroup] = useState(caps?.group ?? '');
  const [rpm, setRpm] = useState(caps?.rpm?.toString() ?? '');
  const [tpm, setTpm] = useState(caps?.tpm?.toString() ?? '');
  const [budgetUsd, setBudgetUsd] = useState(caps?.budget?.usd?.toString() ?? '');
  const [period, setPeriod] = useState(caps?.budget?.period ?? 'month');
  const [maxKeys, setMaxKeys] = useState(caps?.maxKeys?.toString() ?? '');
  const save = async () => {
    const usd = num(budgetUsd);
    const capsBody: Caps = {
      models: listOrNull(models),
      upstreams: listOrNull(upstreams),
      group: group.trim() || null,
      rpm: num(rpm),
      tpm: num(tpm),
      budget: usd === null ? null : { usd, period },
      maxKeys: num(maxKeys),
    };
    if (u) await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PATCH', body: { role, caps: capsBody } });
    else await api('/users', { method: 'POST', body: { name: name.trim(), password, role, caps: capsBody } });
    props.onDone();
  };
  return (
    <SubmitForm run={save} label={u ? 'Save' : 'Create user'} onCancel={props.onCancel}>
      {!u && (
        <div className="row3">
          <Field label="User name">
            <input name="userName" value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
          </Field>
          <Field label="Password" hint="At least 12 characters; they can change it after signing in.">
            <input name="newPassword" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" />
          </Field>
        </div>
      )}
      <Field label="Role" hint="Admins see and change everything; members only their own keys, usage, logs and key requests.">
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="member">member</option>
          <option value="admin">admin</option>
        </select>
      </Field>
      <h3>Caps of a member's own keys</h3>
      <p className="muted">Empty: no cap of that kind. A key past them waits for an admin's approval as a key request.</p>
      <div className="row3">
        <Field label="Models cap" hint="Comma-separated public model ids.">
          <input name="capModels" value={models} onChange={(e) => setModels(e.target.value)} placeholder="any model" />
        </Field>
        <Field label="Upstreams cap" hint="Comma-separated upstream ids.">
          <input name="capUpstreams" value={upstreams} onChange={(e) => setUpstreams(e.target.value)} placeholder="any upstream" />
        </Field>
        <Field label="Group cap">
          <input name="capGroup" value={group} onChange={(e) => setGroup(e.target.value)} placeholder="any group" />
        </Field>
        <Field label="Requests per minute cap">
          <input name="capRpm" type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </Field>
        <Field label="Tokens per minute cap">
          <input name="capTpm" type="number" min={1} value={tpm} onChange={(e) => setTpm(e.target.value)} />
        </Field>
        <Field label="Most keys">
          <input name="capMaxKeys" type="number" min={0} value={maxKeys} onChange={(e) => setMaxKeys(e.target.value)} />
        </Field>
        <Field label="Budget cap (USD)">
          <input name="capBudgetUsd" type="number" min={0} step="any" value={budgetUsd} onChange={(e) => setBudgetUsd(e.target.value)} />
        </Field>
        <Field label="Budget period">
          <select name="capBudgetPeriod" value={period} onChange={(e) => setPeriod(e.target.value as typeof period)}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
            <option value="total">total</option>
          </select>
        </Field>
      </div>
    </SubmitForm>
  );
}

function PasswordForm(props: { user: User; onDone: () => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const save = async () => {
    await api(`/users/${encodeURIComponent(props.user.id)}/password`, { method: 'PUT', body: { password } });
    props.onDone();
  };
  return (
    <SubmitForm run={save} label="Set password" onCancel={props.onCancel}>
      <p className="muted">Their sessions end; they sign in again with the new password.</p>
      <Field label="New password">
        <input name="resetPassword" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="new-password" />
      </Field>
    </SubmitForm>
  );
}

/** The caps in a line: `models gpt-4o · 60 rpm · 3 keys`; `none` when uncapped. */
export function capsText(caps: Caps): string {
  const parts = [
    caps.models && `models ${caps.models.join(', ')}`,
    caps.upstreams && `upstreams ${caps.upstreams.join(', ')}`,
    caps.group && `group ${caps.group}`,
    caps.rpm !== null && `${caps.rpm} rpm`,
    caps.tpm !== null && `${caps.tpm} tpm`,
    caps.budget && `${caps.budget.usd !== undefined ? `$${caps.budget.usd}` : `${caps.budget.tokens} tokens`} / ${caps.budget.period}`,
    caps.maxKeys !== null && `at most ${caps.maxKeys} key${caps.maxKeys === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'none';
}
