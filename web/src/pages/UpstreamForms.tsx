import { useState, type ReactNode } from 'react';
import { SubmitForm } from '../components/SubmitForm.js';
import { api } from '../api.js';
import { useSubmit } from '../use-submit.js';
import { Field, FormFooter, splitList } from '../components/ui.js';
import type { NewUpstream, Strategy, Upstream, UpstreamKind, UpstreamPatch, UpstreamSettings } from '../types.js';

/**
 * Adding and editing an upstream: the fields every kind has, then the ones
 * only its kind reads (docs/upstreams.md), then headers and timeouts folded
 * away. Edits send only what the form shows; a per-kind field emptied is
 * sent as null, which puts the kind's default back.
 */

export const KINDS: { kind: UpstreamKind; label: string }[] = [
  { kind: 'openai', label: 'OpenAI or compatible' },
  { kind: 'anthropic', label: 'Anthropic' },
  { kind: 'gemini', label: 'Google Gemini' },
  { kind: 'azure', label: 'Azure OpenAI' },
  { kind: 'copilot', label: 'GitHub Copilot' },
  { kind: 'codex', label: 'ChatGPT (Codex)' },
  { kind: 'ollama', label: 'Ollama (local or cloud)' },
  { kind: 'claude-code', label: 'Claude subscription (Claude Code)' },
  { kind: 'mock', label: 'Mock (offline demo)' },
  { kind: 'cohere', label: 'Cohere (rerank)' },
  { kind: 'jina', label: 'Jina (rerank)' },
  { kind: 'voyage', label: 'Voyage (rerank)' },
];

export const STRATEGIES: { value: Strategy; label: string }[] = [
  { value: 'round-robin', label: 'in turn' },
  { value: 'weighted', label: 'by weight' },
  { value: 'least-busy', label: 'least busy first' },
  { value: 'latency', label: 'fastest first' },
];

/** Kinds whose credentials come from a sign-in flow rather than a pasted key. */
const SIGN_IN_KINDS = new Set<UpstreamKind>(['copilot', 'codex']);

const URL_EXAMPLE: Record<UpstreamKind, string> = {
  openai: 'empty: https://api.openai.com/v1',
  anthropic: 'empty: https://api.anthropic.com',
  gemini: 'empty: https://generativelanguage.googleapis.com',
  azure: 'https://my-resource.openai.azure.com',
  copilot: 'empty: https://api.githubcopilot.com',
  codex: 'empty: https://chatgpt.com/backend-api/codex',
  ollama: 'empty: http://127.0.0.1:11434',
  'claude-code': 'empty: https://api.anthropic.com',
  mock: 'built in',
  cohere: 'empty: https://api.cohere.com',
  jina: 'empty: https://api.jina.ai/v1',
  voyage: 'empty: https://api.voyageai.com/v1',
};

/** An `openai` upstream's API shapes, first one the translation target. */
const SPEAKS: { value: string; label: string }[] = [
  { value: 'chat,responses', label: 'Chat and Responses (Chat first)' },
  { value: 'responses,chat', label: 'Responses and Chat (Responses first)' },
  { value: 'chat', label: 'Chat only' },
  { value: 'responses', label: 'Responses only' },
];

/** The form's fields as typed; turned into the API's body on submit. */
interface Draft {
  id: string;
  kind: UpstreamKind;
  baseUrl: string;
  key: string;
  keyLabel: string;
  models: string;
  strategy: Strategy;
  speaks: string;
  syncMinutes: string;
  headers: string;
  connectMs: string;
  firstByteMs: string;
  idleMs: string;
  enabled: boolean;
  // Per-kind settings.
  apiVersion: string;
  deployments: string;
  authHeader: '' | NonNullable<UpstreamSettings['authHeader']>;
  structuredOutput: '' | 'native' | 'tool' | 'prompt';
  githubUrl: string;
  githubApiUrl: string;
  clientId: string;
  authUrl: string;
}

function draftOf(u?: Upstream): Draft {
  const s: UpstreamSettings = u?.settings ?? {};
  return {
    id: u?.id ?? '',
    kind: u?.kind ?? 'openai',
    baseUrl: u?.baseUrl ?? '',
    key: '',
    keyLabel: '',
    models: u?.models.join(', ') ?? '',
    strategy: u?.strategy ?? 'round-robin',
    speaks: u?.speaks.join(',') ?? 'chat,responses',
    syncMinutes: s.modelSync ? String(s.modelSync.intervalMinutes) : '',
    headers: Object.entries(u?.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    connectMs: u ? String(u.timeouts.connectMs) : '',
    firstByteMs: u ? String(u.timeouts.firstByteMs) : '',
    idleMs: u ? String(u.timeouts.idleMs) : '',
    enabled: u?.enabled ?? true,
    apiVersion: s.apiVersion ?? '',
    deployments: Object.entries(s.deployments ?? {})
      .map(([model, deployment]) => `${model} = ${deployment}`)
      .join('\n'),
    authHeader: s.authHeader ?? '',
    structuredOutput: s.structuredOutput ?? '',
    githubUrl: s.auth?.githubUrl ?? '',
    githubApiUrl: s.auth?.githubApiUrl ?? '',
    clientId: s.auth?.clientId ?? '',
    authUrl: s.authUrl ?? '',
  };
}

/** `name SEPARATOR value` lines into a map; a line without the separator is an error naming it. */
function pairs(text: string, separator: string, what: string, shape: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf(separator);
    const name = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (at < 0 || !name || !value) throw new Error(`${what}: write each line as "${shape}" (not "${line}")`);
    out[name] = value;
  }
  return out;
}

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The kind's own settings from the draft; undefined for a field left empty. */
function settingsOf(d: Draft): UpstreamSettings {
  const deployments = pairs(d.deployments, '=', 'Deployments', 'model = deployment');
  const auth = { githubUrl: d.githubUrl.trim() || undefined, githubApiUrl: d.githubApiUrl.trim() || undefined, clientId: d.clientId.trim() || undefined };
  const minutes = number(d.syncMinutes);
  const all: UpstreamSettings = {
    modelSync: minutes === undefined ? undefined : { intervalMinutes: minutes },
    ...(d.kind === 'azure' && {
      apiVersion: d.apiVersion.trim() || undefined,
      deployments: Object.keys(deployments).length > 0 ? deployments : undefined,
      authHeader: d.authHeader || undefined,
    }),
    ...(d.kind === 'anthropic' && { structuredOutput: d.structuredOutput || undefined }),
    ...(d.kind === 'copilot' && { auth: Object.values(auth).some(Boolean) ? auth : undefined }),
    ...(d.kind === 'codex' && { authUrl: d.authUrl.trim() || undefined }),
  };
  return all;
}

/** The settings the form shows for a kind: these are sent on an edit, null when emptied. */
const SETTINGS_OF_KIND: Record<UpstreamKind, (keyof UpstreamSettings)[]> = {
  openai: ['modelSync'],
  anthropic: ['modelSync', 'structuredOutput'],
  gemini: ['modelSync'],
  azure: ['modelSync', 'apiVersion', 'deployments', 'authHeader'],
  copilot: ['modelSync', 'auth'],
  codex: ['modelSync', 'authUrl'],
  ollama: ['modelSync'],
  // Its sign-in endpoints (`oauth`) are set in the config file or the admin API; the form leaves them as they are.
  'claude-code': ['modelSync'],
  mock: [],
  cohere: ['modelSync'],
  jina: [],
  voyage: [],
};

function timeoutsOf(d: Draft) {
  return { connectMs: number(d.connectMs), firstByteMs: number(d.firstByteMs), idleMs: number(d.idleMs) };
}

function newUpstreamBody(d: Draft): NewUpstream {
  const settings = settingsOf(d);
  const timeouts = timeoutsOf(d);
  return {
    id: d.id.trim(),
    kind: d.kind,
    ...(d.baseUrl.trim() ? { baseUrl: d.baseUrl.trim() } : {}),
    credentials: d.key.trim() ? [{ key: d.key.trim(), ...(d.keyLabel.trim() ? { label: d.keyLabel.trim() } : {}) }] : [],
    models: splitList(d.models),
    strategy: d.strategy,
    ...(d.kind === 'openai' || d.kind === 'ollama' ? { speaks: d.speaks.split(',') as ('chat' | 'responses')[] } : {}),
    headers: pairs(d.headers, ':', 'Extra headers', 'Name: value'),
    timeouts: Object.fromEntries(Object.entries(timeouts).filter(([, v]) => v !== undefined)),
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
  };
}

function upstreamPatch(d: Draft, u: Upstream): UpstreamPatch {
  const settings = settingsOf(d);
  const patch: UpstreamPatch = {
    ...(d.baseUrl.trim() && d.baseUrl.trim() !== u.baseUrl ? { baseUrl: d.baseUrl.trim() } : {}),
    models: splitList(d.models),
    strategy: d.strategy,
    ...(d.kind === 'openai' || d.kind === 'ollama' ? { speaks: d.speaks.split(',') as ('chat' | 'responses')[] } : {}),
    headers: pairs(d.headers, ':', 'Extra headers', 'Name: value'),
    timeouts: timeoutsOf(d),
    enabled: d.enabled,
  };
  for (const name of SETTINGS_OF_KIND[d.kind]) Object.assign(patch, { [name]: settings[name] ?? null });
  return patch;
}

/** A new upstream; its first credential is written once and never shown again. */
export function AddUpstreamForm(props: { onDone: () => void; onCancel: () => void }) {
  const [draft, setDraft] = useState(() => draftOf());
  const { error, busy, submit } = useSubmit(async () => {
    await api('/upstreams', { method: 'POST', body: newUpstreamBody(draft) });
    props.onDone();
  });
  const d = draft;
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <div className="row2">
        <Field label="Id" hint="The name model routes use.">
          <input name="id" value={d.id} onChange={(e) => setDraft({ ...d, id: e.target.value })} required placeholder="openai-main" />
        </Field>
        <Field label="Kind">
          <select name="kind" value={d.kind} onChange={(e) => setDraft({ ...d, kind: e.target.value as UpstreamKind })}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <UpstreamFields
        draft={d}
        onChange={setDraft}
        credential={
          SIGN_IN_KINDS.has(d.kind) ? (
            <p className="muted">Credentials for {KINDS.find((k) => k.kind === d.kind)?.label} come from its sign-in: add the upstream, then use “Sign in” on it.</p>
          ) : (
            d.kind !== 'mock' && (
              <div className="row2">
                <Field
                  label={d.kind === 'azure' && d.authHeader === 'bearer' ? 'Entra ID token' : d.kind === 'claude-code' ? 'Setup token (from claude setup-token)' : 'API key'}
                  hint={d.kind === 'claude-code' ? 'Optional: or leave it empty and use “Sign in” on the upstream.' : 'Stored encrypted; never shown again.'}
                >
                  <input name="credential" type="password" autoComplete="off" value={d.key} onChange={(e) => setDraft({ ...d, key: e.target.value })} />
                </Field>
                <Field label="Label">
                  <input name="credentialLabel" value={d.keyLabel} onChange={(e) => setDraft({ ...d, keyLabel: e.target.value })} />
                </Field>
              </div>
            )
          )
        }
      />
      <FormFooter error={error} busy={busy} label="Add upstream" busyLabel="Adding…" onCancel={props.onCancel} />
    </form>
  );
}

export function EditUpstreamForm(props: { upstream: Upstream; onDone: () => void; onCancel: () => void }) {
  const [draft, setDraft] = useState(() => draftOf(props.upstream));
  const save = async () => {
    await api(`/upstreams/${encodeURIComponent(props.upstream.id)}`, { method: 'PATCH', body: upstreamPatch(draft, props.upstream) });
    props.onDone();
  };
  return (
    <SubmitForm run={save} label="Save" onCancel={props.onCancel}>
      <p className="muted">Kind: {KINDS.find((k) => k.kind === draft.kind)?.label ?? draft.kind}</p>
      <UpstreamFields draft={draft} onChange={setDraft} />
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} /> Enabled
      </label>
    </SubmitForm>
  );
}

/** The fields both forms share: base URL, the kind's own settings, models and pool strategy, then headers and timeouts folded away. */
function UpstreamFields(props: { draft: Draft; onChange: (draft: Draft) => void; credential?: ReactNode }) {
  const d = props.draft;
  const set =
    <K extends keyof Draft>(name: K) =>
    (e: { target: { value: string } }) =>
      props.onChange({ ...d, [name]: e.target.value as Draft[K] });
  return (
    <>
      {d.kind !== 'mock' && (
        <Field label={d.kind === 'azure' ? 'Resource endpoint' : 'Base URL'} hint={d.kind === 'azure' ? 'Required: the Azure OpenAI resource.' : "Empty: the kind's public endpoint."}>
          <input name="baseUrl" value={d.baseUrl} onChange={set('baseUrl')} placeholder={URL_EXAMPLE[d.kind]} required={d.kind === 'azure'} />
        </Field>
      )}
      {props.credential}
      {(d.kind === 'openai' || d.kind === 'ollama') && (
        <Field label="API shapes it serves" hint="Clients of another shape are translated to the first one.">
          <select name="speaks" value={d.speaks} onChange={set('speaks')}>
            {SPEAKS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>
      )}
      {d.kind === 'anthropic' && (
        <Field label="Structured output" hint="How a translated request asks for a JSON-schema answer.">
          <select name="structuredOutput" value={d.structuredOutput} onChange={set('structuredOutput')}>
            <option value="">native (default)</option>
            <option value="tool">a forced tool</option>
            <option value="prompt">the schema in the system prompt</option>
          </select>
        </Field>
      )}
      {d.kind === 'azure' && (
        <fieldset>
          <legend>Azure OpenAI</legend>
          <div className="form">
            <div className="row2">
              <Field label="API version" hint="Empty: the latest GA version the gateway knows.">
                <input name="apiVersion" value={d.apiVersion} onChange={set('apiVersion')} placeholder="2024-10-21" />
              </Field>
              <Field label="Credentials are">
                <select name="authHeader" value={d.authHeader} onChange={set('authHeader')}>
                  <option value="">API keys (api-key header)</option>
                  <option value="bearer">Entra ID tokens (Bearer)</option>
                </select>
              </Field>
            </div>
            <Field label="Deployments" hint="One per line, model = deployment name; a model not listed is its own deployment name.">
              <textarea name="deployments" rows={3} value={d.deployments} onChange={set('deployments')} placeholder="gpt-4o = prod-gpt4o" spellCheck={false} />
            </Field>
          </div>
        </fieldset>
      )}
      {d.kind === 'copilot' && (
        <fieldset>
          <legend>GitHub sign-in (for GitHub Enterprise; empty: github.com)</legend>
          <div className="row3">
            <Field label="GitHub URL">
              <input name="githubUrl" value={d.githubUrl} onChange={set('githubUrl')} placeholder="https://github.com" />
            </Field>
            <Field label="GitHub API URL">
              <input name="githubApiUrl" value={d.githubApiUrl} onChange={set('githubApiUrl')} placeholder="https://api.github.com" />
            </Field>
            <Field label="OAuth client id">
              <input name="clientId" value={d.clientId} onChange={set('clientId')} placeholder="default" />
            </Field>
          </div>
        </fieldset>
      )}
      {d.kind === 'codex' && (
        <Field label="Sign-in server" hint="Empty: https://auth.openai.com.">
          <input name="authUrl" value={d.authUrl} onChange={set('authUrl')} placeholder="https://auth.openai.com" />
        </Field>
      )}
      <div className="row2">
        <Field label="Models it serves under their own ids" hint="Comma-separated; optional.">
          <input name="models" value={d.models} onChange={set('models')} />
        </Field>
        <Field label="Use its credentials" hint="How requests spread over the pool.">
          <select name="strategy" value={d.strategy} onChange={set('strategy')}>
            {STRATEGIES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {d.kind !== 'mock' && (
        <details className="more">
          <summary>Model sync, headers and timeouts</summary>
          <div className="form">
            <Field label="Sync its model list every (minutes)" hint="Empty: only when asked (Sync models).">
              <input name="syncMinutes" type="number" min={1} value={d.syncMinutes} onChange={set('syncMinutes')} />
            </Field>
            <Field label="Extra headers" hint="One per line, Name: value; sent with every request.">
              <textarea name="headers" rows={2} value={d.headers} onChange={set('headers')} spellCheck={false} />
            </Field>
            <div className="row3">
              <Field label="Connect (ms)">
                <input name="connectMs" type="number" min={1} value={d.connectMs} onChange={set('connectMs')} placeholder="10000" />
              </Field>
              <Field label="First byte (ms)">
                <input name="firstByteMs" type="number" min={1} value={d.firstByteMs} onChange={set('firstByteMs')} placeholder="120000" />
              </Field>
              <Field label="Idle (ms)">
                <input name="idleMs" type="number" min={1} value={d.idleMs} onChange={set('idleMs')} placeholder="default" />
              </Field>
            </div>
          </div>
        </details>
      )}
    </>
  );
}

/** Another credential into the pool (write-only). */
export function AddCredentialForm(props: { upstream: Upstream; onDone: () => void; onCancel: () => void }) {
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [weight, setWeight] = useState('1');
  const save = async () => {
    await api(`/upstreams/${encodeURIComponent(props.upstream.id)}/credentials`, {
      method: 'POST',
      body: { key: key.trim(), weight: Number(weight) || 1, ...(label.trim() ? { label: label.trim() } : {}) },
    });
    props.onDone();
  };
  return (
    <SubmitForm run={save} label="Add credential" busyLabel="Adding…" onCancel={props.onCancel}>
      <Field label="API key" hint="Stored encrypted; only a masked hint is ever shown.">
        <input name="credential" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
      </Field>
      <div className="row2">
        <Field label="Label">
          <input name="label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </Field>
        <Field label="Weight">
          <input name="weight" type="number" min={1} value={weight} onChange={(e) => setWeight(e.target.value)} />
        </Field>
      </div>
    </SubmitForm>
  );
}
