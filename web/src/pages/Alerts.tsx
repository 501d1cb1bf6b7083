import { useState } from 'react';
import { SubmitForm } from '../components/SubmitForm.js';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { RowActions } from '../components/RowActions.js';
import { ActionButton, Badge, Card, ErrorNote, Field, Loading, Modal, splitList } from '../components/ui.js';
import { ago, dateTime } from '../format.js';
import type { AlertDelivery, AlertKind, AlertRuleBody, AlertRuleState, AlertsReport, AlertWebhookBody, AlertWebhookState } from '../types.js';
import { useLoad } from '../use-load.js';

/**
 * Alerts (docs/alerts.md): the rules with what is firing now, the webhooks
 * they go to (URLs masked by the API) with a test message, and the latest
 * firings and deliveries.
 */

type Editing = { what: 'rule'; rule: AlertRuleState | null } | { what: 'webhook'; webhook: AlertWebhookState | null };

const KINDS: AlertKind[] = ['error-rate', 'latency-p95', 'limit-refusals', 'budget', 'credential-disabled', 'upstream-benched'];
const SCOPE_FIELDS = ['model', 'upstream', 'key', 'group'] as const;

/** A rule's threshold as the kind means it. */
function thresholdText(rule: { kind: string; threshold: number }): string {
  if (rule.kind === 'error-rate' || rule.kind === 'budget') return `≥ ${Math.round(rule.threshold * 1000) / 10} %`;
  if (rule.kind === 'latency-p95') return `≥ ${rule.threshold} ms`;
  if (rule.kind === 'limit-refusals') return `≥ ${rule.threshold} refused`;
  return '—';
}

function scopeText(rule: AlertRuleState): string {
  const parts = SCOPE_FIELDS.filter((f) => rule.scope[f]).map((f) => `${f}=${rule.scope[f]}`);
  if (rule.per) parts.push(`per ${rule.per}`);
  return parts.join(', ');
}

function deliveryTone(d: AlertDelivery): 'ok' | 'bad' {
  return d.ok ? 'ok' : 'bad';
}

export function AlertsPage() {
  const [editing, setEditing] = useState<Editing | null>(null);
  const [actionError, setActionError] = useState<string>();
  const [tested, setTested] = useState<AlertDelivery>();
  const report = useLoad(() => api<AlertsReport>('/alerts'), []);
  const r = report.data;
  const close = () => {
    setEditing(null);
    report.reload();
  };
  const sinceOf = (ruleId: string) => r?.open.filter((f) => f.ruleId === ruleId).reduce((a, f) => Math.min(a, f.startedAt), Infinity);

  return (
    <div className="page">
      <ErrorNote error={report.error} onRetry={report.reload} />
      <ErrorNote error={actionError} />
      <Loading when={report.loading && !r} />
      {r && (
        <>
          <Card
            title="Rules"
            testId="alert-rules"
            actions={
              <>
                <button type="button" className="small" onClick={report.reload}>
                  Refresh
                </button>
                <button type="button" className="small primary" onClick={() => setEditing({ what: 'rule', rule: null })}>
                  Add rule
                </button>
              </>
            }
          >
            <DataTable columns={['Rule', 'Kind', 'Fires at', 'Scope', 'Webhooks', 'State', '']} rows={r.rules.length} empty="No rules: add one, or list them under alerts.rules in the config file.">
              {r.rules.map((rule) => (
                <tr key={rule.id} data-rule={rule.id}>
                  <td className="strong">{rule.id}</td>
                  <td>{rule.kind}</td>
                  <td className="nowrap">
                    {thresholdText(rule)}
                    {(rule.kind === 'error-rate' || rule.kind === 'latency-p95' || rule.kind === 'limit-refusals') && <span className="muted"> over {rule.windowMinutes} min</span>}
                  </td>
                  <td>{scopeText(rule) || <span className="muted">all</span>}</td>
                  <td>{rule.webhooks.length > 0 ? rule.webhooks.join(', ') : <span className="muted">every webhook</span>}</td>
                  <td className="nowrap">
                    {!rule.enabled ? (
                      <Badge>off</Badge>
                    ) : rule.firing > 0 ? (
                      <span title={ago(sinceOf(rule.id))}>
                        <Badge tone="bad">firing{rule.firing > 1 ? ` ×${rule.firing}` : ''}</Badge> <span className="muted">since {dateTime(sinceOf(rule.id))}</span>
                      </span>
                    ) : (
                      <Badge tone="ok">ok</Badge>
                    )}
                  </td>
                  <td className="nowrap">
                    <RowActions onEdit={() => setEditing({ what: 'rule', rule })} deletePath={`/alerts/rules/${encodeURIComponent(rule.id)}`} confirm={`Delete the rule ${rule.id}? Its open firings resolve without a message.`} onDeleted={report.reload} onError={setActionError} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </Card>
          <Card
            title="Webhooks"
            testId="alert-webhooks"
            actions={
              <button type="button" className="small primary" onClick={() => setEditing({ what: 'webhook', webhook: null })}>
                Add webhook
              </button>
            }
          >
            {tested && (
              <div className={tested.ok ? 'note' : 'error-note'} role="status" data-testid="alert-test-result">
                Test to {tested.webhookId}: {tested.ok ? 'delivered' : 'not delivered'} (status {tested.status ?? 'none'}, {tested.tries} {tested.tries === 1 ? 'try' : 'tries'})
                {tested.error && `: ${tested.error}`}
              </div>
            )}
            <DataTable columns={['Webhook', 'URL', 'Format', 'Headers', '']} rows={r.webhooks.length} empty="No webhooks: rules fire, but nothing is sent.">
              {r.webhooks.map((w) => (
                <tr key={w.id} data-webhook={w.id}>
                  <td className="strong">
                    {w.id} {!w.enabled && <Badge>off</Badge>}
                  </td>
                  <td>
                    <code>{w.url}</code>
                  </td>
                  <td>{w.format}</td>
                  <td>{w.headers.length > 0 ? w.headers.join(', ') : <span className="muted">—</span>}</td>
                  <td className="nowrap">
                    <ActionButton
                      onError={setActionError}
                      onClick={async () => {
                        setTested(await api<AlertDelivery>(`/alerts/webhooks/${encodeURIComponent(w.id)}/test`, { method: 'POST' }));
                        report.reload();
                      }}
                    >
                      Send a test
                    </ActionButton>{' '}
                    <RowActions onEdit={() => setEditing({ what: 'webhook', webhook: w })} deletePath={`/alerts/webhooks/${encodeURIComponent(w.id)}`} confirm={`Delete the webhook ${w.id}?`} onDeleted={report.reload} onError={setActionError} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </Card>
          <Card title="Recent firings" testId="alert-firings">
            <DataTable columns={['Started', 'Rule', 'Scope', 'Message', 'Resolved']} rows={r.firings.length} empty="Nothing has fired." className="compact">
              {r.firings.map((f) => (
                <tr key={f.id}>
                  <td className="nowrap">{dateTime(f.startedAt)}</td>
                  <td className="strong">{f.ruleId}</td>
                  <td>{f.scope || <span className="muted">all</span>}</td>
                  <td>{f.message}</td>
                  <td className="nowrap">{f.resolvedAt === null ? <Badge tone="bad">open</Badge> : dateTime(f.resolvedAt)}</td>
                </tr>
              ))}
            </DataTable>
          </Card>
          <Card title="Recent deliveries" testId="alert-deliveries">
            <DataTable columns={['At', 'Webhook', 'Event', 'Outcome', { label: 'Status', num: true }, { label: 'Tries', num: true }, 'Error']} rows={r.deliveries.length} empty="No message sent yet." className="compact">
              {r.deliveries.map((d) => (
                <tr key={d.id} data-testid="alert-delivery">
                  <td className="nowrap">{dateTime(d.at)}</td>
                  <td className="strong">{d.webhookId}</td>
                  <td>{d.event}</td>
                  <td>
                    <Badge tone={deliveryTone(d)}>{d.ok ? 'delivered' : 'failed'}</Badge>
                  </td>
                  <td className="num">{d.status ?? '—'}</td>
                  <td className="num">{d.tries}</td>
                  <td className="bad-text">{d.error ?? ''}</td>
                </tr>
              ))}
            </DataTable>
          </Card>
        </>
      )}
      {editing?.what === 'rule' && (
        <Modal title={editing.rule ? `Rule ${editing.rule.id}` : 'New rule'} onClose={() => setEditing(null)}>
          <RuleForm rule={editing.rule} webhookIds={r?.webhooks.map((w) => w.id) ?? []} onCancel={() => setEditing(null)} onSaved={close} />
        </Modal>
      )}
      {editing?.what === 'webhook' && (
        <Modal title={editing.webhook ? `Webhook ${editing.webhook.id}` : 'New webhook'} onClose={() => setEditing(null)}>
          <WebhookForm webhook={editing.webhook} onCancel={() => setEditing(null)} onSaved={close} />
        </Modal>
      )}
    </div>
  );
}

/** A number field's text, or undefined when empty (the API's default applies). */
function numberOf(text: string): number | undefined {
  return text.trim() === '' ? undefined : Number(text);
}

function RuleForm(props: { rule: AlertRuleState | null; webhookIds: string[]; onCancel: () => void; onSaved: () => void }) {
  const rule = props.rule;
  const [id, setId] = useState(rule?.id ?? '');
  const [kind, setKind] = useState<AlertKind>((rule?.kind as AlertKind | undefined) ?? 'error-rate');
  const [threshold, setThreshold] = useState(rule ? String(rule.threshold) : '');
  const [windowMinutes, setWindowMinutes] = useState(rule ? String(rule.windowMinutes) : '');
  const [minRequests, setMinRequests] = useState(rule ? String(rule.minRequests) : '');
  const [per, setPer] = useState<string>(rule?.per ?? '');
  const [scope, setScope] = useState<Record<string, string>>({ ...rule?.scope });
  const [webhooks, setWebhooks] = useState((rule?.webhooks ?? []).join(', '));
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const save = async () => {
    const body: AlertRuleBody = {
      kind,
      threshold: numberOf(threshold),
      windowMinutes: numberOf(windowMinutes),
      minRequests: numberOf(minRequests),
      per: (per || undefined) as AlertRuleBody['per'],
      scope: Object.fromEntries(Object.entries(scope).filter(([, v]) => v.trim() !== '')),
      webhooks: splitList(webhooks),
      enabled,
    };
    await api(`/alerts/rules/${encodeURIComponent(id.trim())}`, { method: 'PUT', body });
    props.onSaved();
  };
  return (
    <SubmitForm run={save} label="Save" onCancel={props.onCancel}>
      {!rule && (
        <Field label="Id" hint="Names the rule in messages.">
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} required placeholder="errors" />
        </Field>
      )}
      <div className="row2">
        <Field label="Kind">
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as AlertKind)}>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
        <Field label="Threshold" hint="A share 0–1 (error rate, budget), ms (latency p95), a count (refusals).">
          <input name="threshold" inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} placeholder="0.2" />
        </Field>
      </div>
      <div className="row3">
        <Field label="Window (minutes)">
          <input name="windowMinutes" inputMode="numeric" value={windowMinutes} onChange={(e) => setWindowMinutes(e.target.value)} placeholder="5" />
        </Field>
        <Field label="Least requests">
          <input name="minRequests" inputMode="numeric" value={minRequests} onChange={(e) => setMinRequests(e.target.value)} placeholder="10" />
        </Field>
        <Field label="Per">
          <select name="per" value={per} onChange={(e) => setPer(e.target.value)}>
            <option value="">—</option>
            {SCOPE_FIELDS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </Field>
      </div>
      <div className="row2">
        {SCOPE_FIELDS.map((f) => (
          <Field key={f} label={`Only ${f}`}>
            <input name={`scope-${f}`} value={scope[f] ?? ''} onChange={(e) => setScope({ ...scope, [f]: e.target.value })} />
          </Field>
        ))}
      </div>
      <Field label="Webhooks" hint={`Empty: every webhook.${props.webhookIds.length > 0 ? ` Known: ${props.webhookIds.join(', ')}.` : ''}`}>
        <input name="webhooks" value={webhooks} onChange={(e) => setWebhooks(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Evaluated
      </label>
    </SubmitForm>
  );
}

/** `name: value` per line. */
function headersOf(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (line.trim() === '') continue;
    if (at < 1) throw new Error(`"${line.trim()}" is not "name: value"`);
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

function WebhookForm(props: { webhook: AlertWebhookState | null; onCancel: () => void; onSaved: () => void }) {
  const webhook = props.webhook;
  const [id, setId] = useState(webhook?.id ?? '');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState(webhook?.format ?? 'json');
  const [headers, setHeaders] = useState('');
  const [dropHeaders, setDropHeaders] = useState(false);
  const [enabled, setEnabled] = useState(webhook?.enabled ?? true);
  const save = async () => {
    // On an edit, a blank URL and blank headers are left out: the API keeps the stored ones (it shows them masked).
    const body: AlertWebhookBody = {
      format: format as AlertWebhookBody['format'],
      enabled,
      ...(url.trim() || !webhook ? { url: url.trim() } : {}),
      ...(headers.trim() ? { headers: headersOf(headers) } : dropHeaders ? { headers: {} } : {}),
    };
    await api(`/alerts/webhooks/${encodeURIComponent(id.trim())}`, { method: 'PUT', body });
    props.onSaved();
  };
  const storedHeaders = webhook?.headers ?? [];
  return (
    <SubmitForm run={save} label="Save" onCancel={props.onCancel}>
      {!webhook && (
        <Field label="Id">
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} required placeholder="ops" />
        </Field>
      )}
      <Field label="URL" hint={webhook ? `Now ${webhook.url}; leave it blank to keep it.` : 'Stored encrypted; shown masked.'}>
        <input name="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={webhook ? 'the stored URL' : 'https://hooks.example.com/…'} />
      </Field>
      <Field label="Format">
        <select name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
          <option value="json">json</option>
          <option value="slack">slack</option>
        </select>
      </Field>
      <Field label="Headers" hint={storedHeaders.length > 0 ? `Now ${storedHeaders.join(', ')} (values not shown); leave blank to keep them, or give them all again.` : 'name: value, one a line.'}>
        <textarea name="headers" rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} placeholder="authorization: Bearer …" />
      </Field>
      {storedHeaders.length > 0 && (
        <label className="check">
          <input type="checkbox" name="dropHeaders" checked={dropHeaders} disabled={headers.trim() !== ''} onChange={(e) => setDropHeaders(e.target.checked)} /> Remove the stored headers
        </label>
      )}
      <label className="check">
        <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Send to it
      </label>
    </SubmitForm>
  );
}
