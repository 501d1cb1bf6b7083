import { useState } from 'react';
import { api } from '../api.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, Loading, Modal } from '../components/ui.js';
import { ago, count, counted, dateTime, ms } from '../format.js';
import type { CredentialCheck, CredentialHealth, ModelSync, Page, PoolHealth, Upstream, UsageReport, UsageRow } from '../types.js';
import { optional, useLoad } from '../use-load.js';
import { AddCredentialForm, AddUpstreamForm, EditUpstreamForm, KINDS, STRATEGIES } from './UpstreamForms.js';
import { SignIn } from './SignIn.js';

type Dialog =
  | { kind: 'add' }
  | { kind: 'edit'; upstream: Upstream }
  | { kind: 'credential'; upstream: Upstream }
  | { kind: 'sign-in'; upstream: Upstream };

export function UpstreamsPage() {
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [message, setMessage] = useState<string>();
  const [actionError, setActionError] = useState<string>();

  const data = useLoad(async () => {
    const [list, usage, health] = await Promise.all([
      api<Page<Upstream>>('/upstreams'),
      api<UsageReport>('/usage', { query: { by: 'upstream' } }),
      optional(api<Page<PoolHealth>>('/health')),
    ]);
    return {
      upstreams: list.data,
      usage: new Map(usage.rows.map((r) => [r.value, r])),
      health: new Map((health?.data ?? []).flatMap((p) => p.credentials.map((c) => [c.id, c] as const))),
    };
  }, []);

  const act = (run: () => Promise<string | void>) => async () => {
    setActionError(undefined);
    setMessage(undefined);
    const note = await run();
    if (note) setMessage(note);
    data.reload();
  };
  const done = () => {
    setDialog(null);
    data.reload();
  };

  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'add' })}>
          Add upstream
        </button>
        <button type="button" className="small" onClick={data.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={data.error} onRetry={data.reload} />
      <ErrorNote error={actionError} />
      {message && <div className="note">{message}</div>}
      <Loading when={data.loading && !data.data} />
      {data.data?.upstreams.length === 0 && <Empty>No upstreams yet.</Empty>}
      {data.data?.upstreams.map((u) => (
        <UpstreamCard
          key={u.id}
          upstream={u}
          usage={data.data!.usage.get(u.id)}
          health={data.data!.health}
          act={act}
          onError={setActionError}
          onDialog={setDialog}
        />
      ))}
      {dialog?.kind === 'add' && (
        <Modal title="Add upstream" onClose={() => setDialog(null)}>
          <AddUpstreamForm onDone={done} onCancel={() => setDialog(null)} />
        </Modal>
      )}
      {dialog?.kind === 'edit' && (
        <Modal title={`Edit ${dialog.upstream.id}`} onClose={() => setDialog(null)}>
          <EditUpstreamForm upstream={dialog.upstream} onDone={done} onCancel={() => setDialog(null)} />
        </Modal>
      )}
      {dialog?.kind === 'credential' && (
        <Modal title={`Add a credential to ${dialog.upstream.id}`} onClose={() => setDialog(null)}>
          <AddCredentialForm upstream={dialog.upstream} onDone={done} onCancel={() => setDialog(null)} />
        </Modal>
      )}
      {dialog?.kind === 'sign-in' && (
        <Modal title={`Sign in: ${dialog.upstream.id}`} onClose={() => setDialog(null)}>
          <SignIn upstream={dialog.upstream} onDone={done} />
        </Modal>
      )}
    </div>
  );
}

/** A subscription's usage limits as its last answer told them: each window's share used and when it resets. */
function QuotaNote(props: { quota: NonNullable<CredentialHealth['quota']> }) {
  const q = props.quota;
  return (
    <div className="muted tiny" data-testid="quota" title={`as of ${dateTime(q.observedAt)}`}>
      quota {q.status ?? '?'}
      {q.windows
        .filter((w) => w.utilization !== null)
        .map((w) => ` · ${w.name} ${Math.round((w.utilization ?? 0) * 100)}%${w.resetAt ? ` (resets ${dateTime(w.resetAt)})` : ''}`)
        .join('')}
    </div>
  );
}

function UpstreamCard(props: {
  upstream: Upstream;
  usage: UsageRow | undefined;
  health: Map<string, CredentialHealth>;
  act: (run: () => Promise<string | void>) => () => Promise<void>;
  onError: (m: string) => void;
  onDialog: (d: Dialog) => void;
}) {
  const { upstream: u, usage, act } = props;
  const path = `/upstreams/${encodeURIComponent(u.id)}`;
  const signIn = u.kind === 'copilot' || u.kind === 'codex' || u.kind === 'claude-code';
  return (
    <Card
      testId={`upstream-${u.id}`}
      title={
        <>
          {u.id} <Badge title={u.kind}>{KINDS.find((k) => k.kind === u.kind)?.label ?? u.kind}</Badge> {u.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="bad">disabled</Badge>}
        </>
      }
      actions={
        <>
          <button type="button" className="small" onClick={() => props.onDialog({ kind: 'edit', upstream: u })}>
            Edit
          </button>
          <ActionButton onError={props.onError} onClick={act(async () => void (await api(path, { method: 'PATCH', body: { enabled: !u.enabled } })))}>
            {u.enabled ? 'Disable' : 'Enable'}
          </ActionButton>
          <ActionButton
            onError={props.onError}
            testId={`check-${u.id}`}
            onClick={act(async () => {
              const r = await api<Page<CredentialCheck>>(`${path}/check`, { method: 'POST' });
              return `Check of ${u.id}: ${r.data.map((c) => `${c.credentialId} ${c.ok ? 'ok' : `failed (${c.detail ?? 'no detail'})`}`).join('; ') || 'no enabled credential'}`;
            })}
          >
            Check
          </ActionButton>
          <ActionButton
            onError={props.onError}
            onClick={act(async () => {
              const r = await api<ModelSync>(`${path}/sync-models`, { method: 'POST' });
              return `${u.id} lists ${counted(r.models.length, 'model')}${r.models.length ? `: ${r.models.slice(0, 8).join(', ')}${r.models.length > 8 ? '…' : ''}` : ''}`;
            })}
          >
            Sync models
          </ActionButton>
          {signIn ? (
            <button type="button" className="small" onClick={() => props.onDialog({ kind: 'sign-in', upstream: u })}>
              Sign in
            </button>
          ) : (
            u.kind !== 'mock' && (
              <button type="button" className="small" onClick={() => props.onDialog({ kind: 'credential', upstream: u })}>
                Add credential
              </button>
            )
          )}
          <ActionButton
            className="small danger"
            confirm={`Delete upstream ${u.id} and its credentials?`}
            onError={props.onError}
            onClick={act(async () => void (await api(path, { method: 'DELETE' })))}
          >
            Delete
          </ActionButton>
        </>
      }
    >
      <dl className="facts">
        <div>
          <dt>Base URL</dt>
          <dd className="ellipsis">{u.baseUrl ?? <span className="muted">built in</span>}</dd>
        </div>
        <div>
          <dt>Credentials used</dt>
          <dd>{STRATEGIES.find((x) => x.value === u.strategy)?.label ?? u.strategy}</dd>
        </div>
        {u.kind === 'azure' && (
          <>
            <div>
              <dt>API version</dt>
              <dd>{u.settings?.apiVersion ?? <span className="muted">latest GA</span>}</dd>
            </div>
            <div>
              <dt>Deployments</dt>
              <dd className="ellipsis" data-testid="azure-deployments">
                {Object.entries(u.settings?.deployments ?? {})
                  .map(([model, deployment]) => `${model} → ${deployment}`)
                  .join(', ') || <span className="muted">model ids as they are</span>}
              </dd>
            </div>
            {u.settings?.authHeader === 'bearer' && (
              <div>
                <dt>Credentials are</dt>
                <dd>Entra ID tokens</dd>
              </div>
            )}
          </>
        )}
        {u.settings?.proxy && (
          <div>
            <dt>Through proxy</dt>
            {/* As the admin API shows it: the user and password masked, the host visible. */}
            <dd className="ellipsis" data-testid="upstream-proxy">{u.settings.proxy}</dd>
          </div>
        )}
        {u.settings?.modelSync && (
          <div>
            <dt>Model list synced</dt>
            <dd>every {counted(u.settings.modelSync.intervalMinutes, 'minute')}</dd>
          </div>
        )}
        <div>
          <dt>Requests (24 h)</dt>
          <dd>{count(usage?.requests ?? 0)}</dd>
        </div>
        <div>
          <dt>Errors (24 h)</dt>
          <dd className={usage?.errors ? 'bad-text' : undefined}>{count(usage?.errors ?? 0)}</dd>
        </div>
        <div>
          <dt>Avg latency</dt>
          <dd>{usage ? ms(usage.latencyMsAvg) : '—'}</dd>
        </div>
        {u.models.length > 0 && (
          <div>
            <dt>Own models</dt>
            <dd className="ellipsis">{u.models.join(', ')}</dd>
          </div>
        )}
      </dl>
      {u.credentials.length === 0 ? (
        u.kind === 'ollama' ? (
          <Empty>No credentials: requests go without one, as a local Ollama server wants.</Empty>
        ) : (
          u.kind !== 'mock' && <Empty>No credentials: requests routed here fail until one is added.</Empty>
        )
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th>Credential</th>
                <th>Health</th>
                <th>Since</th>
                <th className="num">Weight</th>
                <th className="num">Requests</th>
                <th className="num">Errors</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {u.credentials.map((c, i) => {
                const h = { ...c, ...props.health.get(c.id) };
                // The pool's order is its round-robin sequence and retry order.
                const move = (to: number) =>
                  act(async () => {
                    const ids = u.credentials.map((x) => x.id);
                    ids.splice(to, 0, ids.splice(i, 1)[0]);
                    await api(`${path}/credentials/order`, { method: 'PUT', body: { ids } });
                  });
                const credPath = `${path}/credentials/${encodeURIComponent(c.id)}`;
                const state = h.state ?? (c.enabled ? 'healthy' : 'disabled');
                return (
                  <tr key={c.id} data-credential={c.id}>
                    <td>
                      <code>{c.hint}</code> {c.label && <span className="muted">{c.label}</span>}
                      <div className="muted tiny">{c.id}</div>
                    </td>
                    <td>
                      <Badge tone={state === 'healthy' ? 'ok' : state === 'cooling' ? 'warn' : 'bad'} title={h.reason ?? undefined}>
                        {state}
                      </Badge>
                      {h.reason && <div className="muted tiny">{h.reason}</div>}
                      {h.until ? <div className="muted tiny">until {dateTime(h.until)}</div> : null}
                      {h.quota && <QuotaNote quota={h.quota} />}
                    </td>
                    <td className="nowrap" title={dateTime(h.since)}>
                      {h.since ? ago(h.since) : '—'}
                    </td>
                    <td className="num">{c.weight}</td>
                    <td className="num">{h.requests === undefined ? '—' : count(h.requests)}</td>
                    <td className="num">{h.errors === undefined ? '—' : count(h.errors)}</td>
                    <td className="ellipsis" title={h.lastError ?? undefined}>
                      {h.lastError ?? <span className="muted">—</span>}
                    </td>
                    <td className="nowrap">
                      {u.credentials.length > 1 && (
                        <>
                          <ActionButton className="small" title="Earlier in the pool" onError={props.onError} onClick={move(Math.max(0, i - 1))}>
                            ↑
                          </ActionButton>
                          <ActionButton className="small" title="Later in the pool" onError={props.onError} onClick={move(Math.min(u.credentials.length - 1, i + 1))}>
                            ↓
                          </ActionButton>{' '}
                        </>
                      )}
                      <ActionButton
                        onError={props.onError}
                        onClick={act(async () => {
                          const r = await api<CredentialCheck>(`${credPath}/check`, { method: 'POST' });
                          return `${c.id}: ${r.ok ? 'valid' : `check failed (${r.detail ?? 'no detail'})`}`;
                        })}
                      >
                        Check
                      </ActionButton>{' '}
                      <ActionButton onError={props.onError} onClick={act(async () => void (await api(`${credPath}/${state === 'disabled' ? 'enable' : 'disable'}`, { method: 'POST' })))}>
                        {state === 'disabled' ? 'Enable' : 'Disable'}
                      </ActionButton>{' '}
                      <ActionButton className="small danger" confirm={`Remove credential ${c.hint}?`} onError={props.onError} onClick={act(async () => void (await api(credPath, { method: 'DELETE' })))}>
                        Remove
                      </ActionButton>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
