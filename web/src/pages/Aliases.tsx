import { useState } from 'react';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { RowActions } from '../components/RowActions.js';
import { Badge, Card, ErrorNote, Loading, Modal } from '../components/ui.js';
import type { Alias, AliasTarget, Model, Page, Upstream } from '../types.js';
import { useLoad } from '../use-load.js';
import { AliasForm } from './AliasForm.js';

/**
 * Aliases (docs/aliases.md): public names that resolve to several models,
 * with how a target is picked, the targets in order with their weights and
 * overrides; add, edit and delete one, as the config file's `aliases:` do.
 */
export function AliasesPage() {
  const [actionError, setActionError] = useState<string>();
  const [editing, setEditing] = useState<Alias | 'new' | null>(null);
  const data = useLoad(async () => {
    const [aliases, models, upstreams] = await Promise.all([api<Page<Alias>>('/aliases'), api<Page<Model>>('/models'), api<Page<Upstream>>('/upstreams')]);
    // What a target may name: declared models and the ones upstreams list.
    const names = new Set([...models.data.map((m) => m.id), ...upstreams.data.flatMap((u) => u.models)]);
    return { aliases: aliases.data, models: [...names].sort() };
  }, []);

  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add alias
        </button>
      </div>
      <ErrorNote error={data.error} onRetry={data.reload} />
      <ErrorNote error={actionError} />
      <Loading when={data.loading && !data.data} />
      {data.data && (
        <Card title="Aliases">
          <DataTable columns={['Alias', 'Selection', 'Targets, in order', 'Listed', '']} rows={data.data.aliases.length} empty="No aliases: add one, or list them under aliases: in the config file." testId="aliases-table">
            {data.data.aliases.map((a) => (
              <tr key={a.id} data-alias={a.id}>
                <td className="strong">{a.id}</td>
                <td>{a.select}</td>
                <td>
                  <ol className="targets">
                    {a.targets.map((t, i) => (
                      <li key={i}>{targetText(t, a.select)}</li>
                    ))}
                  </ol>
                </td>
                <td>{a.listed ? <Badge tone="ok">listed</Badge> : <Badge>hidden</Badge>}</td>
                <td className="nowrap">
                  <RowActions
                    onEdit={() => setEditing(a)}
                    deletePath={`/aliases/${a.id.split('/').map(encodeURIComponent).join('/')}`}
                    confirm={`Delete alias ${a.id}? Clients asking for it are refused from the next request.`}
                    onDeleted={data.reload}
                    onError={setActionError}
                  />
                </td>
              </tr>
            ))}
          </DataTable>
        </Card>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Add alias' : `Alias ${editing.id}`} onClose={() => setEditing(null)} wide>
          <AliasForm
            alias={editing === 'new' ? undefined : editing}
            models={data.data?.models ?? []}
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

/** `gpt-4o ×3 · temperature 0.2`: the model, its weight when drawn at random, its overrides in a line. */
function targetText(t: AliasTarget, select: Alias['select']): string {
  const parts = [select === 'random' ? `${t.model} ×${t.weight ?? 1}` : t.model];
  const o = t.overrides;
  if (o?.temperature !== undefined) parts.push(`temperature ${o.temperature}`);
  if (o?.topP !== undefined) parts.push(`top-p ${o.topP}`);
  if (o?.maxTokens !== undefined) parts.push(`max ${o.maxTokens} tokens`);
  if (o?.reasoning?.effort) parts.push(`effort ${o.reasoning.effort}`);
  if (o?.reasoning?.budgetTokens !== undefined) parts.push(`thinking ${o.reasoning.budgetTokens} tokens`);
  if (o?.body) parts.push(`body ${JSON.stringify(o.body)}`);
  return parts.join(' · ');
}
