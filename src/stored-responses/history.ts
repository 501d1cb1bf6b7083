import { isRecord } from '../translate/shared/json.js';
import type { Json, StoredResponse } from './stored-response.js';

/**
 * A request's `input` as a list of items: a string is one user message, in
 * the form OpenAI lists it back (`input_text` content).
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function inputItems(input: unknown): Json[] {
  if (input === undefined || input === null) return [];
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  if (Array.isArray(input)) return input.filter(isRecord);
  return [];
}

/**
 * What a stored answer leaves for the next turn: its input, then its
 * output. Reasoning items without `encrypted_content` are left out: the
 * upstream never keeps state for Switchboard's requests (`store: false`),
 * so it could not resolve them by id; a client that wants its reasoning
 * carried over asks for `include: ["reasoning.encrypted_content"]`.
 * @see https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items
 */
export function historyOf(stored: StoredResponse): Json[] {
  const output = Array.isArray(stored.response.output) ? stored.response.output.filter(isRecord) : [];
  return [...stored.input, ...output.filter(replayable)];
}

/** Whether an output item can be sent back as input to an upstream that keeps no state. */
export function replayable(item: Json): boolean {
  return item.type !== 'reasoning' || typeof item.encrypted_content === 'string';
}

/**
 * Input items as `GET /v1/responses/{id}/input_items` lists them: each
 * with an id (its own, or one made from the response id and its place, so
 * paging by `after` is stable) and a message's string content as a part.
 */
export function listedItems(stored: StoredResponse): Json[] {
  const base = stored.id.replace(/^resp_/, '');
  return stored.input.map((item, index) => {
    const listed: Json = { ...item };
    if (listed.type === undefined && listed.role !== undefined) listed.type = 'message';
    if (listed.type === 'message' && typeof listed.content === 'string') {
      listed.content = [{ type: listed.role === 'assistant' ? 'output_text' : 'input_text', text: listed.content }];
    }
    if (typeof listed.id !== 'string') listed.id = `${idPrefix(listed.type)}_${base}_${index}`;
    return listed;
  });
}

function idPrefix(type: unknown): string {
  switch (type) {
    case 'message':
      return 'msg';
    case 'function_call_output':
      return 'fco';
    default:
      return 'item';
  }
}
