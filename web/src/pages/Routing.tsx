import { useState, type ReactNode } from 'react';
import { api } from '../api.js';
import { RangePicker, type Range } from '../components/RangePicker.js';
import { RowActions } from '../components/RowActions.js';
import { Card, Empty, ErrorNote, Loading, Modal, Stat } from '../components/ui.js';
import { count, percent, usd } from '../format.js';
import type { Model, Page, Router, TierUsage, Upstream } from '../types.js';
import { useLoad } from '../use-load.js';
import { RouterForm, routerPath } from './RouterForm.js';

const HOUR = 3_600_000;
const NAMED_MS = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR } as const;

/** GET /usage/tiers takes instants: a named range ends now. */
function rangeBounds(range: Range): { from: number; to: number } {
  if (range.kind === 'custom') return { from: range.from, to: range.to };
  const to = Date.now();
  return { from: to - NAMED_MS[range.name], to };
}

/**
 * Routers (docs/routing-tiers.md): each router's requests split by tier over
 * a range, what they cost against what they would have cost on the
 * reference tier, the classifier's calls, and the rules as configured;
 * add, edit and delete a router.
 */
export function RoutingPage() {
  const [range, setRange] = useState<Range>({ kind: 'named', name: '24h' });
  const usage = useLoad(() => api<TierUsage>('/usage/tiers', { query: rangeBounds(range) }), [JSON.stringify(range)]);
  const routers = useLoad(() => api<Page<Router>>('/routers'), []);
  const [editing, setEditing] = useState<Router | 'new' | null>(null);
  const [actionError, setActionError] = useState<string>();
  // What a tier may send to: declared models and the ones upstreams list, read when the form opens.
  const models = useLoad(async () => {
    if (!editing) return [];
    const [declared, upstreams] = await Promise.all([api<Page<Model>>('/models'), api<Page<Upstream>>('/upstreams')]);
    return [...new Set([...declared.data.map((m) => m.id), ...upstreams.data.flatMap((u) => u.models)])].sort();
  }, [editing === null]);
  const reload = () => {
    usage.reload();
    routers.reload();
  };
  const ids = [...new Set([...(routers.data?.data.map((r) => r.id) ?? []), ...(usage.data?.routers.map((r) => r.router) ?? [])])];

  return (
    <div className="page routing">
      <div className="toolbar">
        <RangePicker value={range} onChange={setRange} />
        <button type="button" className="small" onClick={reload}>
          Refresh
        </button>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add router
        </button>
      </div>
      <ErrorNote error={usage.error ?? routers.error} onRetry={reload} />
      <ErrorNote error={actionError} />
      <Loading when={(usage.loading && !usage.data) || (routers.loading && !routers.data)} />
      {usage.data && routers.data && ids.length === 0 && (
        <Card>
          <Empty>No routers yet. Add one here, or declare it under `routers:` in the config file (docs/routing-tiers.md).</Empty>
        </Card>
      )}
      {usage.data &&
        routers.data &&
        ids.map((id) => (
          <RouterCard
            key={id}
            router={routers.data!.data.find((r) => r.id === id)}
            split={usage.data!.routers.find((r) => r.router === id)}
            id={id}
            onEdit={setEditing}
            onDeleted={reload}
            onError={setActionError}
          />
        ))}
      {editing && (
        <Modal title={editing === 'new' ? 'Add router' : `Router ${editing.id}`} onClose={() => setEditing(null)} wide>
          <RouterForm
            router={editing === 'new' ? undefined : editing}
            models={models.data ?? []}
            onCancel={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              reload();
            }}
          />
        </Modal>
      )}
    </div>
  );
}

function RouterCard(props: {
  id: string;
  router: Router | undefined;
  split: TierUsage['routers'][number] | undefined;
  onEdit: (router: Router) => void;
  onDeleted: () => void;
  onError: (message: string) => void;
}) {
  const { router, split } = props;
  const reference = split?.reference ?? router?.reference ?? router?.tiers.at(-1)?.name ?? '—';
  const savedShare = split && split.referenceCostUsd > 0 ? split.savedUsd / split.referenceCostUsd : null;
  const tierNames = [...new Set([...(router?.tiers.map((t) => t.name) ?? []), ...(split?.tiers.map((t) => t.tier) ?? [])])];
  return (
    <Card
      title={<code>{props.id}</code>}
      testId={`router-${props.id}`}
      actions={
        // A router deleted since its requests were routed shows its split, but there is nothing to edit.
        router && (
          <RowActions
            onEdit={() => props.onEdit(router)}
            deletePath={routerPath(router.id)}
            confirm={`Delete router ${router.id}? Clients asking for it are refused from the next request.`}
            onDeleted={props.onDeleted}
            onError={props.onError}
          />
        )
      }
    >
      {split ? (
        <div className="stats">
          <Stat label="Requests routed" value={count(split.requests)} />
          <Stat label="Cost" value={usd(split.costUsd)} hint={split.classifier.requests > 0 ? `${usd(split.classifier.costUsd)} of it classifier calls` : undefined} />
          <Stat label={`On ${reference} it would have cost`} value={usd(split.referenceCostUsd)} />
          <Stat label="Saved" value={usd(split.savedUsd)} hint={savedShare === null ? undefined : `${percent(savedShare)} of the reference cost`} testId={`saved-${props.id}`} />
          <Stat label="Classifier calls" value={count(split.classifier.requests)} />
        </div>
      ) : (
        <Empty>No requests in this range.</Empty>
      )}
      <div className="table-wrap">
        <table className="table" data-testid={`tiers-${props.id}`}>
          <thead>
            <tr>
              <th>Tier</th>
              <th>Model</th>
              <th className="num">Requests</th>
              <th>Share</th>
              <th className="num">Cost</th>
              <th className="num">On {reference}</th>
            </tr>
          </thead>
          <tbody>
            {tierNames.map((name) => {
              const row = split?.tiers.find((t) => t.tier === name);
              const share = split && split.requests > 0 ? (row?.requests ?? 0) / split.requests : 0;
              return (
                <tr key={name}>
                  <td>
                    {name}
                    {name === reference ? <span className="muted"> (reference)</span> : null}
                  </td>
                  <td>{router?.tiers.find((t) => t.name === name)?.model ?? <span className="muted">no longer a tier</span>}</td>
                  <td className="num">{count(row?.requests ?? 0)}</td>
                  <td>
                    <span className="meters">
                      <span className="meter-label">{percent(share)}</span>
                      <span className="meter-bar">
                        <i style={{ width: `${Math.round(share * 100)}%` }} />
                      </span>
                    </span>
                  </td>
                  <td className="num">{row ? usd(row.costUsd) : '—'}</td>
                  <td className="num">{row ? usd(row.referenceCostUsd) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {router && <RulesList router={router} />}
    </Card>
  );
}

/** The router's rules in the order they are tried, then what decides when none holds. */
function RulesList(props: { router: Router }) {
  const { router } = props;
  const fallback: ReactNode = router.classifier ? (
    <>
      ask <code>{router.classifier.model}</code> (within {count(router.classifier.timeoutMs)} ms, else {router.classifier.fallback ?? router.default ?? router.tiers[0].name})
    </>
  ) : (
    <>tier {router.default ?? router.tiers[0].name}</>
  );
  return (
    <ol className="rules" data-testid={`rules-${router.id}`}>
      {router.rules.map((rule, i) => (
        <li key={i}>
          <strong>{rule.name ?? `rules[${i}]`}</strong>: {conditionsText(rule.when)} → {rule.classify ? 'ask the classifier' : `tier ${rule.tier}`}
        </li>
      ))}
      <li>
        <strong>otherwise</strong>: {fallback}
      </li>
    </ol>
  );
}

function conditionsText(when: Router['rules'][number]['when']): string {
  const parts: string[] = [];
  if (when.minInputTokens !== undefined) parts.push(`≥ ${count(when.minInputTokens)} input tokens`);
  if (when.maxInputTokens !== undefined) parts.push(`≤ ${count(when.maxInputTokens)} input tokens`);
  if (when.minTurns !== undefined) parts.push(`≥ ${when.minTurns} turns`);
  if (when.maxTurns !== undefined) parts.push(`≤ ${when.maxTurns} turns`);
  if (when.tools !== undefined) parts.push(when.tools ? 'tools' : 'no tools');
  if (when.images !== undefined) parts.push(when.images ? 'images' : 'no images');
  if (when.reasoning !== undefined) parts.push(when.reasoning ? 'reasoning asked' : 'no reasoning');
  if (when.keywords) parts.push(`says ${when.keywords.map((k) => `“${k}”`).join(' or ')}`);
  if (when.pattern) parts.push(`matches /${when.pattern}/i`);
  if (when.groups) parts.push(`group ${when.groups.join(' or ')}`);
  if (when.protocols) parts.push(when.protocols.join(' or '));
  return parts.length > 0 ? parts.join(', ') : 'always';
}
