import { useState } from 'react';
import { useSubmit } from '../use-submit.js';
import { Field, FormFooter, splitList } from '../components/ui.js';
import { LimitFields, limitsOf, useLimitDraft } from '../components/LimitFields.js';
import type { Key, KeyBudget, KeyLimits } from '../types.js';

/** The fields of a key that can be set: name (at creation only), group, models, limits, budget, cache, IP allowlist, stored responses. */
export interface KeyFields {
  name: string;
  group: string;
  models: string[] | null;
  limits: KeyLimits | null;
  budget: KeyBudget | null;
  /** null: as the gateway and model settings say. */
  cache: boolean | { ttlSeconds: number } | null;
  ipAllowlist: string[] | null;
  /** null: the Responses API is served statelessly for this key. */
  responses: { store: boolean; retentionDays: number } | null;
  /** New keys only: also make a one-line agent setup link (served once, for 15 minutes). */
  setup: boolean;
}

const num = (text: string) => (text.trim() === '' ? undefined : Number(text));

export function KeyForm(props: { initial?: Key; knownModels: string[]; onSubmit: (fields: KeyFields) => Promise<void>; onCancel: () => void }) {
  const k = props.initial;
  const [name, setName] = useState(k?.name ?? '');
  const [group, setGroup] = useState(k?.group ?? 'default');
  const [models, setModels] = useState(k?.models?.join(', ') ?? '');
  const [limitDraft, setLimitDraft] = useLimitDraft(k?.limits, k?.budget);
  const [cache, setCache] = useState(k?.cache === undefined || k.cache === null ? 'inherit' : k.cache === false ? 'off' : 'on');
  const [allowlist, setAllowlist] = useState(k?.ipAllowlist?.join(', ') ?? '');
  const [retention, setRetention] = useState(k?.responses?.store ? String(k.responses.retentionDays) : '');
  const [setup, setSetup] = useState(true);
  const { error, busy, submit } = useSubmit(async () => {
    const { limits, budget } = limitsOf(limitDraft);
    const list = splitList(models);
    const addresses = splitList(allowlist);
    await props.onSubmit({
      name: name.trim(),
      group: group.trim() || 'default',
      models: list.length > 0 ? list : null,
      limits,
      budget,
      // A key that had a TTL of its own keeps it while "on" stays chosen.
      cache: cache === 'inherit' ? null : cache === 'off' ? false : typeof k?.cache === 'object' && k.cache !== null ? k.cache : true,
      ipAllowlist: addresses.length > 0 ? addresses : null,
      responses: num(retention) === undefined ? null : { store: true, retentionDays: num(retention)! },
      setup: !k && setup,
    });
  });

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      {!k && (
        <Field label="Name">
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} required placeholder="alice-laptop" />
        </Field>
      )}
      <Field label="Group" hint="Usage is also reported per group.">
        <input name="group" value={group} onChange={(e) => setGroup(e.target.value)} />
      </Field>
      <Field label="Models" hint={`Comma-separated; empty allows every model. Known: ${props.knownModels.slice(0, 12).join(', ') || 'none yet'}`}>
        <input name="models" value={models} onChange={(e) => setModels(e.target.value)} placeholder="all models" />
      </Field>
      <LimitFields draft={limitDraft} onChange={setLimitDraft} />
      <div className="row3">
        <Field label="Response cache" hint="Default: as the gateway and the model say. Off keeps this key's prompts out of the cache whatever is asked.">
          <select name="cache" value={cache} onChange={(e) => setCache(e.target.value)}>
            <option value="inherit">default</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
        </Field>
        <Field label="IP allowlist" hint="Comma-separated addresses or CIDRs; empty: any address.">
          <input name="ipAllowlist" value={allowlist} onChange={(e) => setAllowlist(e.target.value)} placeholder="10.0.0.0/8, 2001:db8::/32" />
        </Field>
        <Field label="Stored responses (days)" hint="Keeps this key's Responses answers, encrypted, for previous_response_id; empty: stateless.">
          <input name="responsesRetentionDays" type="number" min={1} max={3650} value={retention} onChange={(e) => setRetention(e.target.value)} placeholder="off" />
        </Field>
      </div>
      {!k && (
        <label className="check">
          <input type="checkbox" name="setup" checked={setup} onChange={(e) => setSetup(e.target.checked)} /> One-line agent setup: a link for Claude Code, Codex, Gemini CLI or opencode, served once, for 15 minutes
        </label>
      )}
      <FormFooter error={error} busy={busy} label={k ? 'Save' : 'Create key'} busyLabel="Saving…" onCancel={props.onCancel} />
    </form>
  );
}
