import { PROMPT_CLIENT_OVERRIDES } from '../config/prompt-schema.js';
import { GatewayError } from '../protocols/errors.js';
import { formatPath } from '../protocols/format-path.js';
import { describeIssue } from '../protocols/field-issue.js';
import type { CompiledPrompt } from './compiled.js';
import { renderTemplate, RenderTooLargeError } from './template.js';

/** What a client may send to `POST /v1/prompts/{name}`, beside nothing else. */
const CLIENT_FIELDS = new Set<string>(['variables', 'stream', 'stream_options', ...PROMPT_CLIENT_OVERRIDES]);

/**
 * A call of a template as a Chat Completions body: the client's variables
 * checked against the template's schema (a 400 naming the field), the
 * system prompt and messages rendered, the template's parameters, then the
 * few the client may override, then the model and streaming. `maxChars`
 * caps the rendered text (server.maxBodyBytes), so variables repeated by a
 * template cannot make a call of any size.
 */
export function renderCall(prompt: CompiledPrompt, body: Record<string, unknown>, maxChars: number): Record<string, unknown> {
  for (const field of Object.keys(body))
    if (!CLIENT_FIELDS.has(field))
      throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: not accepted by a prompt endpoint; send variables, stream, stream_options or ${PROMPT_CLIENT_OVERRIDES.join(', ')}`, field);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'stream: must be a boolean', 'stream');
  const given = body.variables ?? {};
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'variables: must be an object', 'variables');
  const checked = prompt.variables.safeParse(given);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = formatPath(['variables', ...issue.path]);
    throw new GatewayError('SB_ERR_BAD_REQUEST', `${field}: ${describeIssue(issue, given)}`, field);
  }
  // The client's own values are rendered (not the parsed ones: a schema's defaults are the template's to write).
  const variables = given as Record<string, unknown>;

  const budget = { left: maxChars };
  const messages: { role: string; content: string }[] = [];
  try {
    if (prompt.system) messages.push({ role: 'system', content: renderTemplate(prompt.system, variables, budget) });
    for (const m of prompt.messages) messages.push({ role: m.role, content: renderTemplate(m.parts, variables, budget) });
  } catch (err) {
    if (!(err instanceof RenderTooLargeError)) throw err;
    throw new GatewayError('SB_ERR_BAD_REQUEST', `variables: the rendered prompt would be over ${maxChars} characters`, 'variables');
  }

  const call: Record<string, unknown> = { ...prompt.record.spec.parameters };
  for (const field of PROMPT_CLIENT_OVERRIDES) if (body[field] !== undefined) call[field] = body[field];
  call.model = prompt.record.spec.model;
  call.messages = messages;
  if (body.stream === true) call.stream = true;
  if (body.stream_options !== undefined) call.stream_options = body.stream_options;
  return call;
}
