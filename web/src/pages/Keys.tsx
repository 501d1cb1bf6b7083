import { useState } from 'react';
import { api, ApiError } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { ActionButton, Badge, Card, CopyButton, ErrorNote, Loading, Modal } from '../components/ui.js';
import { count, dateTime, usd } from '../format.js';
import { clientSnippets } from '../snippets.js';
import { limitsText, Meters } from '../components/LimitFields.js';
import type { CreatedKey as CreatedKeyView, Key, KeyPatch, KeyStatus, NewKey, Page, UsageReport, UsageRow } from '../types.js';
import { isAdmin, useSession } from '../session.js';
import { navigate } from '../router.js';
import { KeyRequestForm } from './Requests.js';
import { capsText } from './Users.js';
import { optional, useLoad } from '../use-load.js';
import { KeyForm, type KeyFields } from './KeyForm.js';

const DAY_MS = 86_400_000;
/** Keys per page; the list pages on the server. */
const PAGE_SIZE = 50;

export function KeysPage() {
  const session = useSession();
  const member = !isAdmin(session);
  const [asking, setAsking] = useState<{ name: string; refusal?: string } | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const [editing, setEditing] = useState<Key | 'new' | null>(null);
  const [created, setCreated] = useState<(CreatedKeyView & { setupRefused?: string }) | null>(null);
  const [actionError, setActionError] = useState<string>();
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);

  const keys = useLoad(async () => {
    const query = { limit: PAGE_SIZE, offset, revoked: showRevoked ? 'include' : 'exclude', ...(search.trim() ? { q: search.trim() } : {}) };
    const [list, usage] = await Promise.all([
      api<Page<Key>>('/keys', { query }),
      api<UsageReport>('/usage', { query: { by: 'key', from: Date.now() - 30 * DAY_MS } }),
    ]);
    const active = list.data.filter((k) => k.revokedAt === null);
    const statuses = await Promise.all(active.map((k) => optional(api<KeyStatus>(`/keys/${encodeURIComponent(k.id)}/limits`)).catch(() => null)));
    return {
      keys: list.data,
      hasMore: list.hasMore ?? false,
      total: list.total ?? list.data.length,
      usage: new Map(usage.rows.map((r) => [r.value, r])),
      status: new Map(active.map((k, i) => [k.id, statuses[i]])),
      // The models a key of the caller's may have (a member's within their caps), from GET /session.
      models: session.models,
    };
  }, [offset, showRevoked, search]);

  const save = async (fields: KeyFields) => {
    if (editing === 'new') {
      const body: NewKey = {
        name: fields.name,
        group: fields.group,
        ...(fields.models ? { models: fields.models } : {}),
        ...(fields.limits ? { limits: fields.limits } : {}),
        ...(fields.budget ? { budget: fields.budget } : {}),
        ...(fields.cache !== null ? { cache: fields.cache } : {}),
        ...(fields.ipAllowlist ? { ipAllowlist: fields.ipAllowlist } : {}),
        ...(fields.responses ? { responses: fields.responses } : {}),
      };
      try {
        setCreated(await api<CreatedKeyView>('/keys', { method: 'POST', body: fields.setup ? { ...body, setup: true } : body }));
      } catch (err) {
        // Past a member's caps: the key can be asked of an admin instead.
        if (err instanceof ApiError && err.code === 'cap_exceeded') {
          setEditing(null);
          setAsking({ name: fields.name, refusal: err.message });
          return;
        }
        // A gateway without a secret cannot seal the key into a link: the key is still made, without one, and the dialog says why.
        if (!(fields.setup && err instanceof ApiError && err.status === 400 && /setup links cannot be made/.test(err.message))) throw err;
        setCreated({ ...(await api<CreatedKeyView>('/keys', { method: 'POST', body })), setupRefused: err.message });
      }
    } else if (editing) {
      const patch: KeyPatch = {
        group: fields.group,
        models: fields.models,
        limits: fields.limits,
        budget: fields.budget,
        cache: fields.cache,
        ipAllowlist: fields.ipAllowlist,
        responses: fields.responses,
      };
      await api(`/keys/${encodeURIComponent(editing.id)}`, { method: 'PATCH', body: patch });
    }
    setEditing(null);
    keys.reload();
  };

  const shown = keys.data?.keys ?? [];
  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New key
        </button>
        {member && (
          <button type="button" onClick={() => setAsking({ name: '' })}>
            Ask for a key
          </button>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={showRevoked}
            onChange={(e) => {
              setShowRevoked(e.target.checked);
              setOffset(0);
            }}
          />{' '}
          Show revoked
        </label>
        <input
          type="search"
          name="keySearch"
          aria-label="Search keys"
          placeholder="name, group or prefix"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setOffset(0);
          }}
        />
      </div>
      {member && session.caps && <p className="muted" data-testid="my-caps">Your keys stay within: {capsText(session.caps)}. Beyond that, ask for a key: an admin approves it.</p>}
      <ErrorNote error={keys.error} onRetry={keys.reload} />
      <ErrorNote error={actionError} />
      <Loading when={keys.loading && !keys.data} />
      {keys.data && (
        <Card>
          <DataTable columns={['Name', 'Group', 'Models', { label: 'Requests (30 d)', num: true }, { label: 'Tokens (30 d)', num: true }, { label: 'Spend (30 d)', num: true }, 'Limits & budget', 'Created', '']} rows={shown.length} empty="No keys yet. Create one to give a client access." testId="keys-table">
            {shown.map((k) => (
              <KeyRow
                key={k.id}
                k={k}
                usage={keys.data!.usage.get(k.id)}
                status={keys.data!.status.get(k.id) ?? null}
                onEdit={() => setEditing(k)}
                onRevoke={async () => {
                  setActionError(undefined);
                  await api(`/keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
                  keys.reload();
                }}
                onError={setActionError}
              />
            ))}
          </DataTable>
          {(offset > 0 || keys.data.hasMore) && (
            <div className="pager">
              <button type="button" className="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                Newer
              </button>
              <span className="muted">
                {offset + 1}–{offset + shown.length} of {keys.data.total}
              </span>
              <button type="button" className="small" disabled={!keys.data.hasMore} onClick={() => setOffset(offset + PAGE_SIZE)}>
                More
              </button>
            </div>
          )}
        </Card>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'New key' : `Edit ${editing.name}`} onClose={() => setEditing(null)}>
          <KeyForm initial={editing === 'new' ? undefined : editing} knownModels={keys.data?.models ?? []} onSubmit={save} onCancel={() => setEditing(null)} />
        </Modal>
      )}
      {asking && (
        <Modal title="Ask for a key" onClose={() => setAsking(null)} wide>
          {asking.refusal && <ErrorNote error={asking.refusal} />}
          <KeyRequestForm
            initialName={asking.name}
            onDone={() => {
              setAsking(null);
              navigate('/requests');
            }}
            onCancel={() => setAsking(null)}
          />
        </Modal>
      )}
      {created && <CreatedKey created={created} models={keys.data?.models ?? []} onClose={() => setCreated(null)} />}
    </div>
  );
}

function KeyRow(props: { k: Key; usage: UsageRow | undefined; status: KeyStatus | null; onEdit: () => void; onRevoke: () => Promise<void>; onError: (m: string) => void }) {
  const { k, usage } = props;
  const revoked = k.revokedAt !== null;
  return (
    <tr className={revoked ? 'revoked' : undefined} data-key-name={k.name}>
      <td>
        <div className="strong">{k.name}</div>
        <code className="muted">{k.prefix}</code> {revoked && <Badge tone="bad">revoked</Badge>}
        {k.source !== 'admin' && <Badge>{k.source}</Badge>}
      </td>
      <td>{k.group}</td>
      <td className="ellipsis">{k.models?.join(', ') ?? <span className="muted">all</span>}</td>
      <td className="num">{count(usage?.requests ?? 0)}</td>
      <td className="num">{count((usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0) + (usage?.cacheReadTokens ?? 0) + (usage?.cacheWriteTokens ?? 0))}</td>
      <td className="num">{usd(usage ? usage.costUsd : 0)}</td>
      <td>
        <Limits k={k} status={props.status} />
      </td>
      <td className="nowrap">{dateTime(k.createdAt)}</td>
      <td className="nowrap">
        {!revoked && (
          <>
            <button type="button" className="small" onClick={props.onEdit}>
              Edit
            </button>{' '}
            <ActionButton className="small danger" confirm={`Revoke key ${k.name}? Clients using it are refused from the next request.`} onClick={props.onRevoke} onError={props.onError}>
              Revoke
            </ActionButton>
          </>
        )}
        {revoked && <span className="muted">{dateTime(k.revokedAt)}</span>}
      </td>
    </tr>
  );
}

/** Live counters against each limit when the API reports them; else the configured limits as text. */
function Limits(props: { k: Key; status: KeyStatus | null }) {
  const counters = props.status?.counters ?? [];
  if (counters.length > 0) return <Meters counters={counters} />;
  const text = limitsText(props.k.limits, props.k.budget);
  return text ? <span>{text}</span> : <span className="muted">none</span>;
}

function CreatedKey(props: { created: CreatedKeyView & { setupRefused?: string }; models: string[]; onClose: () => void }) {
  const model = props.created.models?.[0] ?? props.models[0] ?? 'MODEL';
  const snippets = clientSnippets(window.location.origin, props.created.key, model);
  const [tab, setTab] = useState(snippets[0].id);
  const current = snippets.find((s) => s.id === tab) ?? snippets[0];
  return (
    <Modal title={`Key ${props.created.name} created`} onClose={props.onClose} wide>
      <p>Copy the key now: it is shown only this once. Switchboard keeps only its hash.</p>
      <div className="secret" data-testid="created-key">
        <code>{props.created.key}</code>
        <CopyButton text={props.created.key} label="Copy key" />
      </div>
      {props.created.setup && <AgentSetup setup={props.created.setup} />}
      {props.created.setupRefused && <p className="muted">No one-line setup link: {props.created.setupRefused}</p>}
      <div className="tabs" role="tablist">
        {snippets.map((s) => (
          <button key={s.id} type="button" role="tab" aria-selected={s.id === tab} className={s.id === tab ? 'tab active' : 'tab'} onClick={() => setTab(s.id)}>
            {s.title}
          </button>
        ))}
      </div>
      <div className="snippet">
        <pre>{current.text}</pre>
        <CopyButton text={current.text} />
      </div>
      <div className="form-actions">
        <button type="button" className="primary" onClick={props.onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

const AGENT_TITLES = { claude: 'Claude Code', codex: 'Codex CLI', gemini: 'Gemini CLI', opencode: 'opencode' } as const;

/** The one-liners of the key's setup link: one of them, once, on the machine the agent runs on. */
function AgentSetup(props: { setup: NonNullable<CreatedKeyView['setup']> }) {
  const [shell, setShell] = useState<'sh' | 'ps1'>('sh');
  return (
    <div className="agent-setup" data-testid="agent-setup">
      <h3>Set up an agent in one line</h3>
      <p className="muted">
        Run one of these where the agent runs: it writes the agent&apos;s settings with this key. The link works once, until {dateTime(props.setup.expiresAt)}.
      </p>
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={shell === 'sh'} className={shell === 'sh' ? 'tab active' : 'tab'} onClick={() => setShell('sh')}>
          macOS, Linux (sh)
        </button>
        <button type="button" role="tab" aria-selected={shell === 'ps1'} className={shell === 'ps1' ? 'tab active' : 'tab'} onClick={() => setShell('ps1')}>
          Windows (PowerShell)
        </button>
      </div>
      {(Object.keys(AGENT_TITLES) as (keyof typeof AGENT_TITLES)[]).map((agent) => (
        <div className="secret" key={agent} data-agent={agent}>
          <strong>{AGENT_TITLES[agent]}</strong>
          <code>{props.setup.commands[agent][shell]}</code>
          <CopyButton text={props.setup.commands[agent][shell]} />
        </div>
      ))}
    </div>
  );
}
