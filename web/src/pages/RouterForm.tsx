import { useState } from 'react';
import { api } from '../api.js';
import { SubmitForm } from '../components/SubmitForm.js';
import { Field } from '../components/ui.js';
import type { Router } from '../types.js';

/**
 * A router as the config file declares one (docs/routing-tiers.md): its
 * tiers in order (a name and the model it sends to), the tier when nothing
 * decides and the one savings are measured against, and its rules and
 * classifier as JSON in the config file's shape. Adds a router
 * (POST /routers) or replaces one (PUT /routers/{id}); the API checks it
 * against the catalog and names the field of each problem.
 */

interface TierDraft {
  name: string;
  model: string;
}

/** A JSON field's value, or a message that names the field when it does not parse. */
function parsed(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${field}: not JSON`);
  }
}

export function routerPath(id: string): string {
  return `/routers/${id.split('/').map(encodeURIComponent).join('/')}`;
}

export function RouterForm(props: { router?: Router; models: string[]; onDone: () => void; onCancel: () => void }) {
  const r = props.router;
  const [id, setId] = useState(r?.id ?? '');
  const [tiers, setTiers] = useState<TierDraft[]>(r?.tiers.map((t) => ({ name: t.name, model: t.model })) ?? [{ name: 'small', model: '' }]);
  const [fallback, setFallback] = useState(r?.default ?? '');
  const [reference, setReference] = useState(r?.reference ?? '');
  const [listed, setListed] = useState(r?.listed ?? true);
  const [rules, setRules] = useState(JSON.stringify(r?.rules ?? [], null, 2));
  const [classifier, setClassifier] = useState(r?.classifier ? JSON.stringify(r.classifier, null, 2) : '');
  const change = (i: number, part: Partial<TierDraft>) => setTiers(tiers.map((t, j) => (j === i ? { ...t, ...part } : t)));
  const names = tiers.map((t) => t.name.trim()).filter(Boolean);

  const save = async () => {
    const body = {
      tiers: tiers.map((t) => ({ name: t.name.trim(), model: t.model.trim() })),
      rules: parsed(rules.trim() || '[]', 'Rules'),
      ...(fallback ? { default: fallback } : {}),
      ...(reference ? { reference } : {}),
      ...(classifier.trim() ? { classifier: parsed(classifier, 'Classifier') } : {}),
      listed,
    };
    if (r) await api(routerPath(r.id), { method: 'PUT', body });
    else await api('/routers', { method: 'POST', body: { id: id.trim(), ...body } });
    props.onDone();
  };

  return (
    <SubmitForm run={save} label={r ? 'Save' : 'Add router'} onCancel={props.onCancel}>
      {!r && (
        <Field label="Router" hint="The model name clients ask for, e.g. auto.">
          <input name="routerId" value={id} onChange={(e) => setId(e.target.value)} required placeholder="auto" />
        </Field>
      )}
      <fieldset>
        <legend>Tiers, smallest first</legend>
        <datalist id="router-models">
          {props.models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <ol className="route-rows">
          {tiers.map((t, i) => {
            const n = i + 1;
            return (
              <li key={i} className="tier-row" data-tier={n}>
                <span className="route-n muted">{n}.</span>
                <input aria-label={`Tier ${n} name`} value={t.name} onChange={(e) => change(i, { name: e.target.value })} required placeholder="name" />
                <input aria-label={`Tier ${n} model`} list="router-models" value={t.model} onChange={(e) => change(i, { model: e.target.value })} required placeholder="a model" />
                <button type="button" className="small danger" title="Remove" aria-label={`Remove tier ${n}`} disabled={tiers.length === 1} onClick={() => setTiers(tiers.filter((_, j) => j !== i))}>
                  ×
                </button>
              </li>
            );
          })}
        </ol>
        <button type="button" className="small" onClick={() => setTiers([...tiers, { name: '', model: '' }])}>
          Add tier
        </button>
      </fieldset>
      <div className="row3">
        <Field label="Default tier" hint="When no rule matches and there is no classifier.">
          <select name="default" value={fallback} onChange={(e) => setFallback(e.target.value)}>
            <option value="">the first tier</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </Field>
        <Field label="Reference tier" hint="What savings are measured against.">
          <select name="reference" value={reference} onChange={(e) => setReference(e.target.value)}>
            <option value="">the last tier</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </Field>
        <label className="check">
          <input type="checkbox" name="listed" checked={listed} onChange={(e) => setListed(e.target.checked)} /> Listed in /v1/models
        </label>
      </div>
      <Field label="Rules (JSON)" hint='Tried in order, e.g. [{"name": "long", "when": {"minInputTokens": 8000}, "tier": "large"}] (docs/routing-tiers.md).'>
        <textarea name="rules" className="code" rows={5} value={rules} onChange={(e) => setRules(e.target.value)} />
      </Field>
      <Field label="Classifier (JSON)" hint='Optional: {"model": "…", "timeoutMs": 2000}; blank: none.'>
        <textarea name="classifier" className="code" rows={3} value={classifier} onChange={(e) => setClassifier(e.target.value)} />
      </Field>
    </SubmitForm>
  );
}
