import { useState } from 'react';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { RowActions } from '../components/RowActions.js';
import { ActionButton, Badge, Card, Empty, ErrorNote, Loading, Modal } from '../components/ui.js';
import type { Model, ModelRoutes, Page, PriceEntry, Route, Upstream } from '../types.js';
import { optional, useLoad } from '../use-load.js';
import { ModelForm } from './ModelForm.js';
import { KINDS } from './UpstreamForms.js';

/** The price in force for a model id: exact, else the longest priced id it is a dated snapshot of. */
function priceOf(prices: PriceEntry[], id: string): PriceEntry | undefined {
  return (
    prices.find((p) => p.model === id) ??
    prices.filter((p) => id.startsWith(`${p.model}-`)).sort((a, b) => b.model.length - a.model.length)[0]
  );
}

function PriceText(props: { entry: PriceEntry | undefined }) {
  if (!props.entry) return <span className="muted">no price</span>;
  const p = props.entry.price;
  return (
    <span title={`from ${props.entry.source} prices, USD per million tokens`}>
      ${p.input} in · ${p.output} out{p.cacheRead !== undefined ? ` · $${p.cacheRead} cached` : ''}
    </span>
  );
}

export function ModelsPage() {
  const [actionError, setActionError] = useState<string>();
  const [editing, setEditing] = useState<Model | 'new' | null>(null);
  const data = useLoad(async () => {
    const [models, upstreams, prices] = await Promise.all([
      api<Page<Model>>('/models'),
      api<Page<Upstream>>('/upstreams'),
      optional(api<Page<PriceEntry>>('/prices')),
    ]);
    return { models: models.data, upstreams: upstreams.data, prices: prices?.data ?? null };
  }, []);

  const saveRoutes = async (model: Model, routes: Route[]) => {
    setActionError(undefined);
    const body: ModelRoutes = { routes };
    await api(`/models/${encodeURIComponent(model.id)}`, { method: 'PUT', body });
    data.reload();
  };

  const declared = new Set(data.data?.models.map((m) => m.id));
  // Models no declaration covers, served by the first upstream that lists them (in id order, as the catalog does).
  const listed = (data.data?.upstreams ?? []).flatMap((u) => u.models.filter((m) => !declared.has(m)).map((m) => ({ model: m, upstream: u })));
  const firstListing = new Map<string, Upstream>();
  for (const l of listed) if (!firstListing.has(l.model)) firstListing.set(l.model, l.upstream);

  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add model
        </button>
      </div>
      <ErrorNote error={data.error} onRetry={data.reload} />
      <ErrorNote error={actionError} />
      <Loading when={data.loading && !data.data} />
      {data.data && (
        <>
          <Card title="Declared models">
            <DataTable columns={['Model', 'Routes, tried in order', 'Price (per 1M tokens)', '']} rows={data.data.models.length} empty="No models declared; clients can still ask for models an upstream lists (below)." testId="models-table">
              {data.data.models.map((m) => (
                <tr key={m.id} data-model={m.id}>
                  <td className="strong">{m.id}</td>
                  <td>
                    <ol className="routes">
                      {m.routes.map((r, i) => {
                        const upstream = data.data!.upstreams.find((u) => u.id === r.upstream);
                        const move = (to: number) => {
                          const routes = [...m.routes];
                          routes.splice(to, 0, routes.splice(i, 1)[0]);
                          return saveRoutes(m, routes);
                        };
                        return (
                          <li key={`${r.upstream}/${r.model}/${i}`}>
                            <span>
                              {r.upstream} <span className="muted">→</span> {r.model}
                              {r.weight !== undefined && <Badge>weight {r.weight}</Badge>}{' '}
                              {upstream && !upstream.enabled && <Badge tone="bad">upstream disabled</Badge>}
                              {!upstream && <Badge tone="bad">no such upstream</Badge>}
                            </span>
                            {m.routes.length > 1 && (
                              <span className="route-actions">
                                <ActionButton onError={setActionError} onClick={() => move(Math.max(0, i - 1))}>
                                  ↑
                                </ActionButton>
                                <ActionButton onError={setActionError} onClick={() => move(Math.min(m.routes.length - 1, i + 1))}>
                                  ↓
                                </ActionButton>
                              </span>
                            )}
                          </li>
                        );
                      })}
                    </ol>
                  </td>
                  <td>
                    {data.data!.prices === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <PriceText entry={priceOf(data.data!.prices, m.routes[0]?.model ?? m.id) ?? priceOf(data.data!.prices, m.id)} />
                    )}
                  </td>
                  <td className="nowrap">
                    <RowActions onEdit={() => setEditing(m)} editLabel="Edit routes" deletePath={`/models/${encodeURIComponent(m.id)}`} confirm={`Delete model ${m.id}? Clients asking for it are refused from the next request.`} onDeleted={data.reload} onError={setActionError} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </Card>
          <Card title="Served from upstream lists">
            {firstListing.size === 0 ? (
              <Empty>No upstream lists models of its own beyond the declared ones.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table compact">
                  <thead>
                    <tr>
                      <th>Model</th>
                      <th>Served by</th>
                      <th>Price (per 1M tokens)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...firstListing].map(([model, u]) => (
                      <tr key={model}>
                        <td>{model}</td>
                        <td>
                          {u.id} <Badge title={u.kind}>{KINDS.find((k) => k.kind === u.kind)?.label ?? u.kind}</Badge>
                        </td>
                        <td>{data.data!.prices === null ? '—' : <PriceText entry={priceOf(data.data!.prices, model)} />}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </>
      )}
      {editing && data.data && (
        <Modal title={editing === 'new' ? 'Add model' : `Routes of ${editing.id}`} onClose={() => setEditing(null)} wide>
          <ModelForm
            model={editing === 'new' ? undefined : editing}
            upstreams={data.data.upstreams}
            onCancel={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              data.reload();
            }}
          />
        </Modal>
      )}
    </div>
  );
}
