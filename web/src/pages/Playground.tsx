import { useState, type FormEvent } from 'react';
import { api, messageOf } from '../api.js';
import { Badge, Card, ErrorNote } from '../components/ui.js';
import { count, ms, usd } from '../format.js';
import { bodyFor, type Shape } from '../playground-body.js';
import type { Key, Model, Page, PlaygroundRun } from '../types.js';
import { useLoad } from '../use-load.js';

const SHAPES: { value: Shape; label: string }[] = [
  { value: 'openai-chat', label: 'OpenAI Chat' },
  { value: 'openai-responses', label: 'OpenAI Responses' },
  { value: 'anthropic-messages', label: 'Anthropic Messages' },
  { value: 'gemini', label: 'Gemini' },
];

type Message = { role: 'user' | 'assistant'; text: string };
type Side = PlaygroundRun['client'];

/**
 * Try a model without writing code: a conversation sent through the gateway
 * as the chosen client would (POST /admin/api/playground), and the raw wire
 * exchange on both sides, with the log row it made.
 */
export function PlaygroundPage() {
  const models = useLoad(() => api<{ data: Model[] }>('/models').then((r) => r.data), []);
  const keys = useLoad(() => api<Page<Key>>('/keys', { query: { revoked: 'exclude' } }).then((p) => p.data), []);
  const [model, setModel] = useState('');
  const [shape, setShape] = useState<Shape>('openai-chat');
  const [stream, setStream] = useState(false);
  const [key, setKey] = useState('');
  const [system, setSystem] = useState('');
  const [messages, setMessages] = useState<Message[]>([{ role: 'user', text: '' }]);
  const [tools, setTools] = useState('');
  const [image, setImage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [run, setRun] = useState<PlaygroundRun | null>(null);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let parsedTools: unknown[] | null = null;
    if (tools.trim()) {
      try {
        const value = JSON.parse(tools) as unknown;
        if (!Array.isArray(value)) throw new Error('tools must be a JSON array');
        parsedTools = value;
      } catch (err) {
        setError(`Tools: ${messageOf(err)}`);
        return;
      }
    }
    setBusy(true);
    try {
      const body = bodyFor(shape, { system, messages, tools: parsedTools, image });
      setRun(await api<PlaygroundRun>('/playground', { method: 'POST', body: { shape, model, stream, body, ...(key ? { key } : {}) } }));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  const upload = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => setImage(String(reader.result));
    reader.readAsDataURL(file);
  };
  const setMessage = (i: number, change: Partial<Message>) => setMessages(messages.map((m, j) => (j === i ? { ...m, ...change } : m)));

  return (
    <div className="page">
      <Card title="Request">
        <form className="form" onSubmit={send} aria-label="Playground">
          <div className="filters">
            <input list="playground-models" placeholder="model" value={model} onChange={(e) => setModel(e.target.value)} aria-label="Model" required />
            <datalist id="playground-models">
              {models.data?.map((m) => (
                <option key={m.id} value={m.id} />
              ))}
            </datalist>
            <select value={shape} onChange={(e) => setShape(e.target.value as Shape)} aria-label="Client shape">
              {SHAPES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            <select value={key} onChange={(e) => setKey(e.target.value)} aria-label="Run as">
              <option value="">the playground identity</option>
              {keys.data?.map((k) => (
                <option key={k.id} value={k.id}>
                  key {k.name}
                </option>
              ))}
            </select>
            <label className="check">
              <input type="checkbox" checked={stream} onChange={(e) => setStream(e.target.checked)} /> Stream
            </label>
          </div>
          <label>
            System prompt
            <textarea rows={2} value={system} onChange={(e) => setSystem(e.target.value)} aria-label="System prompt" />
          </label>
          {messages.map((m, i) => (
            <div className="filters" key={i}>
              <select value={m.role} onChange={(e) => setMessage(i, { role: e.target.value as Message['role'] })} aria-label={`Message ${i + 1} role`}>
                <option value="user">user</option>
                <option value="assistant">assistant</option>
              </select>
              <textarea rows={2} value={m.text} onChange={(e) => setMessage(i, { text: e.target.value })} aria-label={`Message ${i + 1}`} style={{ flex: 1 }} />
              {messages.length > 1 && (
                <button type="button" className="small" onClick={() => setMessages(messages.filter((_, j) => j !== i))} aria-label={`Remove message ${i + 1}`}>
                  ✕
                </button>
              )}
            </div>
          ))}
          <div className="filters">
            <button type="button" className="small" onClick={() => setMessages([...messages, { role: messages.at(-1)?.role === 'user' ? 'assistant' : 'user', text: '' }])}>
              Add message
            </button>
          </div>
          <label>
            Tools (a JSON array in the shape's own format)
            <textarea rows={3} value={tools} onChange={(e) => setTools(e.target.value)} aria-label="Tools" placeholder='[{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]' />
          </label>
          <div className="filters">
            <input placeholder="image URL (goes with the last user message)" value={image.startsWith('data:') ? '(uploaded image)' : image} onChange={(e) => setImage(e.target.value)} aria-label="Image URL" style={{ flex: 1 }} />
            <input type="file" accept="image/*" onChange={(e) => upload(e.target.files?.[0])} aria-label="Upload image" />
            {image && (
              <button type="button" className="small" onClick={() => setImage('')}>
                Clear image
              </button>
            )}
          </div>
          <ErrorNote error={error} />
          <div>
            <button type="submit" className="primary" disabled={busy || !model}>
              {busy ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      </Card>
      {run && <RunView run={run} />}
    </div>
  );
}

function RunView({ run }: { run: PlaygroundRun }) {
  const row = run.row;
  return (
    <>
      <Card title="Usage" testId="playground-usage">
        {row ? (
          <dl className="detail">
            <div>
              <dt>Request id</dt>
              <dd>
                <code>{row.id}</code>
              </dd>
            </div>
            <div>
              <dt>As</dt>
              <dd>{run.key.name}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone={row.status < 400 ? 'ok' : 'bad'}>{row.status}</Badge> {row.outcome}
              </dd>
            </div>
            <div>
              <dt>Route</dt>
              <dd>
                {row.model} → {row.upstreamId ?? '—'} {row.upstreamModel ?? ''} {row.translation ? `(${row.translation})` : ''}
              </dd>
            </div>
            <div>
              <dt>Tokens</dt>
              <dd>
                {count(row.inputTokens)} in · {count(row.cacheReadTokens)} cache read · {count(row.outputTokens)} out ({count(row.reasoningTokens)} reasoning)
              </dd>
            </div>
            <div>
              <dt>Cost</dt>
              <dd>{usd(row.costUsd)}</dd>
            </div>
            <div>
              <dt>Latency</dt>
              <dd>
                {ms(row.latencyMs)} total, {ms(row.ttfbMs)} to first byte
              </dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{row.attempts ? row.attempts.map((a) => `${a.upstream} ${a.status ?? a.error}`).join(', ') : '1'}</dd>
            </div>
          </dl>
        ) : (
          <p className="muted">The log row was not finished in time.</p>
        )}
      </Card>
      <div className="charts wire">
        <Card title="Client ↔ gateway" testId="playground-client">
          <SideView side={run.client} />
        </Card>
        <Card title="Gateway ↔ upstream" testId="playground-upstream">
          {run.upstream.length === 0 ? <p className="muted">No upstream call (refused before routing, or answered in the gateway).</p> : null}
          {run.upstream.map((side, i) => (
            <div key={i}>
              {run.upstream.length > 1 && <h3>Try {i + 1}</h3>}
              <SideView side={side} />
            </div>
          ))}
        </Card>
      </div>
    </>
  );
}

function SideView({ side }: { side: Side }) {
  const response = side.response;
  return (
    <>
      <h4>
        {side.request.method} {side.request.url}
      </h4>
      <pre className="json">{headerText(side.request.headers)}</pre>
      <pre className="json">{pretty(side.request.body)}</pre>
      {side.error && <p className="bad-text">{side.error}</p>}
      {response && (
        <>
          <h4>
            {response.status} {response.truncated ? '(truncated)' : ''}
          </h4>
          <pre className="json">{headerText(response.headers)}</pre>
          {response.chunks.length > 1 || (response.headers['content-type'] ?? '').includes('event-stream') ? (
            <ol className="frames">
              {response.chunks.map((chunk, i) => (
                <li key={i}>
                  <span className="muted">+{chunk.atMs} ms</span>
                  <pre className="json">{chunk.text}</pre>
                </li>
              ))}
            </ol>
          ) : (
            <pre className="json">{pretty(response.chunks.map((c) => c.text).join(''))}</pre>
          )}
        </>
      )}
    </>
  );
}

function headerText(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

function pretty(body: string | null): string {
  if (body === null) return '—';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
