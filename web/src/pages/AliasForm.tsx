import { useState } from 'react';
import { api } from '../api.js';
import { SubmitForm } from '../components/SubmitForm.js';
import { Field } from '../components/ui.js';
import type { Alias, AliasTarget } from '../types.js';

/**
 * An alias's selection, whether /v1/models lists it, and its targets in
 * order: each a public model, an optional weight (`random`), and overrides
 * as JSON in the config file's shape (docs/aliases.md). Adds an alias
 * (POST /aliases) or replaces one (PUT /aliases/{id}); the API checks the
 * targets against the catalog and names the field of each problem.
 */

interface TargetDraft {
  model: string;
  weight: string;
  overrides: string;
}

function draftOf(t: AliasTarget): TargetDraft {
  return { model: t.model, weight: t.weight === undefined ? '' : String(t.weight), overrides: t.overrides ? JSON.stringify(t.overrides) : '' };
}

/** A target as the API takes it; overrides that do not parse say which target they belong to. */
function targetOf(d: TargetDraft, n: number): AliasTarget {
  let overrides: AliasTarget['overrides'];
  if (d.overrides.trim()) {
    try {
      overrides = JSON.parse(d.overrides) as AliasTarget['overrides'];
    } catch {
      throw new Error(`Target ${n}: the overrides are not JSON`);
    }
  }
  return { model: d.model.trim(), ...(d.weight.trim() ? { weight: Number(d.weight) } : {}), ...(overrides ? { overrides } : {}) };
}

export function AliasForm(props: { alias?: Alias; models: string[]; onDone: () => void; onCancel: () => void }) {
  const a = props.alias;
  const [id, setId] = useState(a?.id ?? '');
  const [select, setSelect] = useState<Alias['select']>(a?.select ?? 'first-available');
  const [listed, setListed] = useState(a?.listed ?? true);
  const [targets, setTargets] = useState<TargetDraft[]>(a?.targets.map(draftOf) ?? [{ model: '', weight: '', overrides: '' }]);
  const change = (i: number, part: Partial<TargetDraft>) => setTargets(targets.map((t, j) => (j === i ? { ...t, ...part } : t)));

  const save = async () => {
    const body = { select, listed, targets: targets.map((t, i) => targetOf(t, i + 1)) };
    if (a) await api(`/aliases/${a.id.split('/').map(encodeURIComponent).join('/')}`, { method: 'PUT', body });
    else await api('/aliases', { method: 'POST', body: { id: id.trim(), ...body } });
    props.onDone();
  };

  return (
    <SubmitForm run={save} label={a ? 'Save' : 'Add alias'} onCancel={props.onCancel}>
      {!a && (
        <Field label="Alias" hint="The name clients ask for; not a model's id.">
          <input name="aliasId" value={id} onChange={(e) => setId(e.target.value)} required placeholder="smart" />
        </Field>
      )}
      <div className="row2">
        <Field label="Selection" hint="first-available: the first target that can serve now; random: drawn by weight. The others are the failover, in order.">
          <select name="select" value={select} onChange={(e) => setSelect(e.target.value as Alias['select'])}>
            <option value="first-available">first-available</option>
            <option value="random">random</option>
          </select>
        </Field>
        <label className="check">
          <input type="checkbox" name="listed" checked={listed} onChange={(e) => setListed(e.target.checked)} /> Listed in /v1/models
        </label>
      </div>
      <fieldset>
        <legend>Targets, in order</legend>
        <datalist id="alias-models">
          {props.models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <ol className="route-rows">
          {targets.map((t, i) => {
            const n = i + 1;
            return (
              <li key={i} className="route-row" data-target={n}>
                <span className="route-n muted">{n}.</span>
                <input aria-label={`Target ${n} model`} list="alias-models" value={t.model} onChange={(e) => change(i, { model: e.target.value })} required placeholder="a model" />
                <input
                  aria-label={`Target ${n} overrides`}
                  value={t.overrides}
                  onChange={(e) => change(i, { overrides: e.target.value })}
                  placeholder='overrides: {"temperature": 0.2}'
                />
                <input aria-label={`Target ${n} weight`} className="weight" type="number" min={0} value={t.weight} onChange={(e) => change(i, { weight: e.target.value })} placeholder="weight" />
                <span className="route-actions">
                  <button type="button" className="small danger" title="Remove" aria-label={`Remove target ${n}`} disabled={targets.length === 1} onClick={() => setTargets(targets.filter((_, j) => j !== i))}>
                    ×
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
        <button type="button" className="small" onClick={() => setTargets([...targets, { model: '', weight: '', overrides: '' }])}>
          Add target
        </button>
        <p className="field-hint">
          Overrides (optional) are JSON: <code>temperature</code>, <code>topP</code>, <code>maxTokens</code>, <code>reasoning</code> (<code>effort</code>, <code>budgetTokens</code>), <code>body</code>.
        </p>
      </fieldset>
    </SubmitForm>
  );
}
