import { useState } from 'react';
import { api } from '../api.js';
import { useSubmit } from '../use-submit.js';
import { Field, FormFooter } from '../components/ui.js';
import type { Model, ModelRoutes, NewModel, Upstream } from '../types.js';

/**
 * A public model id and its routes, tried in order: each route is an
 * upstream and the model id that upstream knows it by, with an optional
 * weight (when any route has one, the first try is drawn by weight and the
 * rest follow in order). Adds a model (POST /models) or replaces an existing
 * model's routes (PUT /models/{id}).
 */

interface RouteDraft {
  upstream: string;
  model: string;
  weight: string;
}

export function ModelForm(props: { model?: Model; upstreams: Upstream[]; onDone: () => void; onCancel: () => void }) {
  const first = props.upstreams.find((u) => u.enabled)?.id ?? props.upstreams[0]?.id ?? '';
  const [id, setId] = useState(props.model?.id ?? '');
  const [routes, setRoutes] = useState<RouteDraft[]>(
    props.model?.routes.map((r) => ({ upstream: r.upstream, model: r.model, weight: r.weight === undefined ? '' : String(r.weight) })) ?? [
      { upstream: first, model: '', weight: '' },
    ],
  );
  const change = (i: number, part: Partial<RouteDraft>) => setRoutes(routes.map((r, j) => (j === i ? { ...r, ...part } : r)));
  const move = (i: number, to: number) => {
    const next = [...routes];
    next.splice(to, 0, next.splice(i, 1)[0]);
    setRoutes(next);
  };

  const { error, busy, submit } = useSubmit(async () => {
    const body: ModelRoutes = {
      routes: routes.map((r) => ({ upstream: r.upstream, model: r.model.trim(), ...(r.weight.trim() ? { weight: Number(r.weight) } : {}) })),
    };
    if (props.model) await api(`/models/${encodeURIComponent(props.model.id)}`, { method: 'PUT', body });
    else await api('/models', { method: 'POST', body: { id: id.trim(), ...body } satisfies NewModel });
    props.onDone();
  });

  return (
    <form className="form" onSubmit={(e) => void submit(e)}>
      {!props.model && (
        <Field label="Model id" hint="What clients ask for, e.g. gpt-4o or team/fast.">
          <input name="modelId" value={id} onChange={(e) => setId(e.target.value)} required placeholder="gpt-4o" />
        </Field>
      )}
      <fieldset>
        <legend>Routes, tried in this order</legend>
        <ol className="route-rows">
          {routes.map((r, i) => {
            const upstream = props.upstreams.find((u) => u.id === r.upstream);
            const n = i + 1;
            return (
              <li key={i} className="route-row" data-route={n}>
                <span className="route-n muted">{n}.</span>
                <select aria-label={`Route ${n} upstream`} value={r.upstream} onChange={(e) => change(i, { upstream: e.target.value })} required>
                  {!upstream && <option value={r.upstream}>{r.upstream || 'choose an upstream'}</option>}
                  {props.upstreams.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.id}
                      {u.enabled ? '' : ' (disabled)'}
                    </option>
                  ))}
                </select>
                <input
                  aria-label={`Route ${n} model`}
                  list={`route-models-${i}`}
                  value={r.model}
                  onChange={(e) => change(i, { model: e.target.value })}
                  required
                  placeholder="its model id"
                />
                <datalist id={`route-models-${i}`}>
                  {upstream?.models.map((m) => (
                    <option key={m} value={m} />
                  ))}
                </datalist>
                <input
                  aria-label={`Route ${n} weight`}
                  className="weight"
                  type="number"
                  min={0}
                  value={r.weight}
                  onChange={(e) => change(i, { weight: e.target.value })}
                  placeholder="weight"
                />
                <span className="route-actions">
                  <button type="button" className="small" title="Earlier" aria-label={`Route ${n} earlier`} disabled={i === 0} onClick={() => move(i, i - 1)}>
                    ↑
                  </button>
                  <button type="button" className="small" title="Later" aria-label={`Route ${n} later`} disabled={i === routes.length - 1} onClick={() => move(i, i + 1)}>
                    ↓
                  </button>
                  <button
                    type="button"
                    className="small danger"
                    title="Remove"
                    aria-label={`Remove route ${n}`}
                    disabled={routes.length === 1}
                    onClick={() => setRoutes(routes.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
        <button type="button" className="small" onClick={() => setRoutes([...routes, { upstream: first, model: '', weight: '' }])}>
          Add route
        </button>
        <p className="field-hint">
          The next route is tried when one fails before answering. Weights (optional) draw the first route by weight; the rest follow in order.
        </p>
      </fieldset>
      <FormFooter error={error} busy={busy} label={props.model ? 'Save routes' : 'Add model'} busyLabel="Saving…" onCancel={props.onCancel} />
    </form>
  );
}
