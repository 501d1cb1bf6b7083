import { useState } from 'react';
import { api } from '../api.js';
import { DataTable } from '../components/DataTable.js';
import { RowActions } from '../components/RowActions.js';
import { ActionButton, Badge, Card, ErrorNote, Loading, Modal } from '../components/ui.js';
import { dateTime } from '../format.js';
import type { Page, Prompt, PromptVersion } from '../types.js';
import { useLoad } from '../use-load.js';
import { PromptForm } from './PromptForm.js';

/**
 * Prompt templates published as `POST /v1/prompts/{name}` (docs/prompts.md):
 * the list at their published version, a form to add one or save its next
 * version, its versions with a rollback to any of them, and delete. There is
 * no "try it" here: the dashboard holds no client key and the playground
 * sends only the four client shapes, not a template call.
 */
export function PromptsPage() {
  const [actionError, setActionError] = useState<string>();
  const [editing, setEditing] = useState<Prompt | 'new' | null>(null);
  const [history, setHistory] = useState<Prompt | null>(null);
  const data = useLoad(() => api<Page<Prompt>>('/prompts').then((p) => p.data), []);

  return (
    <div className="page">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add template
        </button>
      </div>
      <ErrorNote error={data.error} onRetry={data.reload} />
      <ErrorNote error={actionError} />
      <Loading when={data.loading && !data.data} />
      {data.data && (
        <Card title="Prompt templates">
          <DataTable columns={['Name', 'Model', 'Published version', 'Versions', 'Updated', '']} rows={data.data.length} empty="No templates yet; a template is published as POST /v1/prompts/{name}." testId="prompts-table">
            {data.data.map((p) => (
              <tr key={p.name} data-prompt={p.name}>
                <td>
                  <div className="strong">{p.name}</div>
                  <div className="muted">{p.spec.description ?? p.endpoint}</div>
                </td>
                <td>{p.spec.model}</td>
                <td data-testid="published-version">
                  v{p.version} {p.version < p.latestVersion && <Badge tone="warn">rolled back</Badge>}
                </td>
                <td data-testid="versions-count">{p.latestVersion}</td>
                <td className="nowrap">{dateTime(p.updatedAt)}</td>
                <td className="nowrap">
                  <button type="button" className="small" onClick={() => setEditing(p)}>
                    Edit
                  </button>{' '}
                  <RowActions onEdit={() => setHistory(p)} editLabel="Versions" deletePath={`/prompts/${encodeURIComponent(p.name)}`} confirm={`Delete template ${p.name} with every version? Calls to ${p.endpoint} are refused from then on.`} onDeleted={data.reload} onError={setActionError} />
                </td>
              </tr>
            ))}
          </DataTable>
        </Card>
      )}
      {editing && (
        <Modal title={editing === 'new' ? 'Add template' : `Edit ${editing.name} (saves version ${editing.latestVersion + 1})`} onClose={() => setEditing(null)} wide>
          <PromptForm
            prompt={editing === 'new' ? undefined : editing}
            onCancel={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              data.reload();
            }}
          />
        </Modal>
      )}
      {history && (
        <Modal title={`Versions of ${history.name}`} onClose={() => setHistory(null)} wide>
          <PromptVersions
            prompt={history}
            onRolledBack={(p) => {
              setHistory(p);
              data.reload();
            }}
          />
        </Modal>
      )}
    </div>
  );
}

/** A template's saved versions, newest first; any but the published one can be published again. */
function PromptVersions(props: { prompt: Prompt; onRolledBack: (p: Prompt) => void }) {
  const [error, setError] = useState<string>();
  const name = encodeURIComponent(props.prompt.name);
  const versions = useLoad(() => api<Page<PromptVersion>>(`/prompts/${name}/versions`).then((p) => p.data), [name]);
  return (
    <div data-testid="prompt-versions">
      <ErrorNote error={versions.error ?? error} onRetry={versions.reload} />
      <Loading when={versions.loading && !versions.data} />
      {versions.data?.map((v) => (
        <details key={v.version} className="card" data-version={v.version} open={v.version === props.prompt.version}>
          <summary>
            <span className="strong">v{v.version}</span> <span className="muted">{dateTime(v.createdAt)}</span> · {v.spec.model}{' '}
            {v.version === props.prompt.version ? (
              <Badge tone="ok">published</Badge>
            ) : (
              <ActionButton
                onError={setError}
                onClick={async () => {
                  setError(undefined);
                  props.onRolledBack(await api<Prompt>(`/prompts/${name}/rollback`, { method: 'POST', body: { version: v.version } }));
                }}
              >
                Roll back to this version
              </ActionButton>
            )}
          </summary>
          <pre className="json">{JSON.stringify(v.spec, null, 2)}</pre>
        </details>
      ))}
    </div>
  );
}
