import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, messageOf } from '../api.js';
import { Field, FormFooter } from '../components/ui.js';
import type { Prompt, PromptSpecBody } from '../types.js';

/**
 * A prompt template's spec: its model, system prompt and messages with
 * `{{variable}}` placeholders, the Chat Completions parameters and the JSON
 * Schema of its variables (both as JSON text). Saving is `PUT
 * /prompts/{name}`, which stores and publishes the next version. The API's
 * 400 names each problem by its field (`messages[0].content: …`); each is
 * shown under the field it names.
 */

type Role = PromptSpecBody['messages'] extends (infer M)[] | undefined ? (M extends { role: infer R } ? R : never) : never;
const ROLES: Role[] = ['system', 'developer', 'user', 'assistant'];
const FIELDS = ['name', 'description', 'model', 'system', 'messages', 'parameters', 'variables'] as const;
type FieldName = (typeof FIELDS)[number];

/** The 400's `path: message; path: message` split by the form field each path starts with; the rest stays general. */
export function problemsByField(message: string): { fields: Partial<Record<FieldName, string[]>>; rest: string[] } {
  const fields: Partial<Record<FieldName, string[]>> = {};
  const rest: string[] = [];
  for (const part of message.split(/; (?=[\w.[\]]+: )/)) {
    const field = FIELDS.find((f) => part === f || part.startsWith(`${f}:`) || part.startsWith(`${f}.`) || part.startsWith(`${f}[`));
    if (field) (fields[field] ??= []).push(part);
    else rest.push(part);
  }
  return { fields, rest };
}

function parseJsonField(text: string, field: FieldName): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below as the API would, under the field.
  }
  throw new ApiError(400, `${field}: must be a JSON object`, field);
}

export function PromptForm(props: { prompt?: Prompt; onDone: () => void; onCancel: () => void }) {
  const spec = props.prompt?.spec;
  const [name, setName] = useState(props.prompt?.name ?? '');
  const [description, setDescription] = useState(spec?.description ?? '');
  const [model, setModel] = useState(spec?.model ?? '');
  const [system, setSystem] = useState(spec?.system ?? '');
  const [messages, setMessages] = useState<{ role: Role; content: string }[]>(spec?.messages ?? [{ role: 'user', content: '' }]);
  const [parameters, setParameters] = useState(JSON.stringify(spec?.parameters ?? {}, null, 2));
  const [variables, setVariables] = useState(JSON.stringify(spec?.variables ?? { type: 'object', properties: {} }, null, 2));
  const [problems, setProblems] = useState<ReturnType<typeof problemsByField>>({ fields: {}, rest: [] });
  const [busy, setBusy] = useState(false);

  const change = (i: number, part: Partial<{ role: Role; content: string }>) => setMessages(messages.map((m, j) => (j === i ? { ...m, ...part } : m)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblems({ fields: {}, rest: [] });
    try {
      const body: PromptSpecBody = {
        model: model.trim(),
        messages,
        parameters: parseJsonField(parameters, 'parameters'),
        variables: parseJsonField(variables, 'variables'),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(system ? { system } : {}),
      };
      await api(`/prompts/${encodeURIComponent(name.trim())}`, { method: 'PUT', body });
      props.onDone();
    } catch (err) {
      setProblems(err instanceof ApiError && err.status === 400 ? problemsByField(err.message) : { fields: {}, rest: [messageOf(err)] });
    } finally {
      setBusy(false);
    }
  };

  const errorsOf = (field: FieldName): ReactNode =>
    problems.fields[field] && (
      <span className="field-error" role="alert" data-testid={`error-${field}`}>
        {problems.fields[field].join('; ')}
      </span>
    );

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="prompt-form">
      {!props.prompt && (
        <Field label="Name" hint={<>Published as POST /v1/prompts/{name || '{name}'}; letters, digits, . _ -</>}>
          <input name="promptName" value={name} onChange={(e) => setName(e.target.value)} required placeholder="weather" />
        </Field>
      )}
      {errorsOf('name')}
      <Field label="Model" hint="The public model id (or alias) it calls.">
        <input name="model" value={model} onChange={(e) => setModel(e.target.value)} required placeholder="gpt-4o" />
      </Field>
      {errorsOf('model')}
      <Field label="Description">
        <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {errorsOf('description')}
      <Field label="System prompt" hint="{{name}} is replaced by that variable; \{{ is a literal {{.">
        <textarea name="system" rows={3} value={system} onChange={(e) => setSystem(e.target.value)} />
      </Field>
      {errorsOf('system')}
      <fieldset>
        <legend>Messages</legend>
        <ol className="route-rows">
          {messages.map((m, i) => (
            <li key={i} className="message-row" data-message={i + 1}>
              <select aria-label={`Message ${i + 1} role`} value={m.role} onChange={(e) => change(i, { role: e.target.value as Role })}>
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
              <textarea aria-label={`Message ${i + 1} content`} rows={2} value={m.content} onChange={(e) => change(i, { content: e.target.value })} />
              <button type="button" className="small danger" aria-label={`Remove message ${i + 1}`} onClick={() => setMessages(messages.filter((_, j) => j !== i))}>
                ×
              </button>
            </li>
          ))}
        </ol>
        <button type="button" className="small" onClick={() => setMessages([...messages, { role: 'user', content: '' }])}>
          Add message
        </button>
        {errorsOf('messages')}
      </fieldset>
      <Field label="Variables (JSON Schema)" hint="The schema of the variables a call sends; its root is type: object.">
        <textarea name="variables" className="code" rows={6} value={variables} onChange={(e) => setVariables(e.target.value)} />
      </Field>
      {errorsOf('variables')}
      <Field label="Parameters (JSON)" hint="Chat Completions fields sent with every call: temperature, max_tokens, response_format…">
        <textarea name="parameters" className="code" rows={3} value={parameters} onChange={(e) => setParameters(e.target.value)} />
      </Field>
      {errorsOf('parameters')}
      <FormFooter
        error={problems.rest.length > 0 ? problems.rest.join('; ') : undefined}
        busy={busy}
        label={props.prompt ? 'Save new version' : 'Add template'}
        busyLabel="Saving…"
        onCancel={props.onCancel}
      />
    </form>
  );
}
