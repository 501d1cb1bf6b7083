import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api.js';
import { Field, FormFooter, splitList } from '../components/ui.js';
import type { Upstream } from '../types.js';

export const KINDS = ['openai', 'anthropic', 'gemini', 'azure', 'copilot', 'codex', 'mock'];
export const STRATEGIES = ['round-robin', 'weighted', 'least-busy', 'latency'];
/** Kinds whose credentials come from a sign-in flow rather than a pasted key. */
const SIGN_IN_KINDS = new Set(['copilot', 'codex']);

function useSubmit(run: () => Promise<void>) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

/** A new upstream; its first credential is written once and never shown again. */
export function AddUpstreamForm(props: { onDone: () => void; onCancel: () => void }) {
  const [id, setId] = useState('');
  const [kind, setKind] = useState('openai');
  const [baseUrl, setBaseUrl] = useState('');
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [models, setModels] = useState('');
  const [strategy, setStrategy] = useState('round-robin');
  const { error, busy, submit } = useSubmit(async () => {
    await api('/upstreams', {
      method: 'POST',
      body: {
        id: id.trim(),
        kind,
        ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
        credentials: key.trim() ? [{ key: key.trim(), ...(label.trim() ? { label: label.trim() } : {}) }] : [],
        models: splitList(models),
        ...(strategy !== 'round-robin' ? { strategy } : {}),
      },
    });
    props.onDone();
  });
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <div className="row2">
        <Field label="Id">
          <input name="id" value={id} onChange={(e) => setId(e.target.value)} required placeholder="openai-main" />
        </Field>
        <Field label="Kind">
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Base URL" hint="Empty: the kind's public endpoint.">
        <input name="baseUrl" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://api.openai.com/v1" />
      </Field>
      {SIGN_IN_KINDS.has(kind) ? (
        <p className="muted">Credentials for {kind} come from its sign-in: create the upstream, then use “Sign in” on it.</p>
      ) : (
        kind !== 'mock' && (
          <div className="row2">
            <Field label="API key" hint="Stored encrypted; never shown again.">
              <input name="credential" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
            </Field>
            <Field label="Label">
              <input name="credentialLabel" value={label} onChange={(e) => setLabel(e.target.value)} />
            </Field>
          </div>
        )
      )}
      <div className="row2">
        <Field label="Models it serves under their own ids" hint="Comma-separated; optional.">
          <input name="models" value={models} onChange={(e) => setModels(e.target.value)} />
        </Field>
        <StrategyField value={strategy} onChange={setStrategy} />
      </div>
      <FormFooter error={error} busy={busy} label="Add upstream" busyLabel="Adding…" onCancel={props.onCancel} />
    </form>
  );
}

export function EditUpstreamForm(props: { upstream: Upstream; onDone: () => void; onCancel: () => void }) {
  const u = props.upstream;
  const [baseUrl, setBaseUrl] = useState(u.baseUrl ?? '');
  const [models, setModels] = useState(u.models.join(', '));
  const [strategy, setStrategy] = useState(u.strategy);
  const [enabled, setEnabled] = useState(u.enabled);
  const { error, busy, submit } = useSubmit(async () => {
    await api(`/upstreams/${encodeURIComponent(u.id)}`, {
      method: 'PATCH',
      body: {
        ...(baseUrl.trim() && baseUrl.trim() !== u.baseUrl ? { baseUrl: baseUrl.trim() } : {}),
        models: splitList(models),
        ...(strategy !== u.strategy ? { strategy } : {}),
        enabled,
      },
    });
    props.onDone();
  });
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      <Field label="Base URL">
        <input name="baseUrl" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
      </Field>
      <Field label="Models it serves under their own ids" hint="Comma-separated.">
        <input name="models" value={models} onChange={(e) => setModels(e.target.value)} />
      </Field>
      <StrategyField value={strategy} onChange={setStrategy} />
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
      </label>
      <FormFooter error={error} busy={busy} label="Save" busyLabel="Saving…" onCancel={props.onCancel} />
    </form>
  );
}

/** Another credential into the pool (write-only). */
export function AddCredentialForm(props: { upstream: Upstream; onDone: () => void; onCancel: () => void }) {
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [weight, setWeight] = useState('1');
  const { error, busy, submit } = useSubmit(async () => {
    await api(`/upstreams/${encodeURIComponent(props.upstream.id)}/credentials`, {
      method: 'POST',
      body: { key: key.trim(), weight: Number(weight) || 1, ...(label.trim() ? { label: label.trim() } : {}) },
    });
    props.onDone();
  });
  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
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
      <FormFooter error={error} busy={busy} label="Add credential" busyLabel="Adding…" onCancel={props.onCancel} />
    </form>
  );
}

/** How the pool spreads requests (docs/pools.md). */
function StrategyField(props: { value: string; onChange: (value: string) => void }) {
  return (
    <Field label="Credential strategy">
      <select name="strategy" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {STRATEGIES.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
    </Field>
  );
}
