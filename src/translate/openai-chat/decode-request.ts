import type { IRRequest } from '../ir.js';
import { encodeKnownFields } from './encode-request.js';
import { jsonEqual, pick } from './json.js';
import { blankRequest, KNOWN_FIELDS, REQUEST_FACETS, ROUND_TRIP_FIELD } from './request-facets.js';
import { badRequest, requireRecord, requireString } from './validate.js';

/**
 * A client's OpenAI Chat Completions body -> IR. Throws a 400 naming the
 * field on bad input. Fields the IR has no place for go to `extra` verbatim
 * (`stream_options`, `n`, `logprobs`, `metadata`, …), and the raw spelling of
 * mapped fields the IR cannot tell apart goes to `extra.fields[ROUND_TRIP_FIELD]`,
 * so encoding back to OpenAI Chat gives the same body.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function decodeOpenAIChatRequest(input: unknown): IRRequest {
  const body = requireRecord(input, 'body');
  const model = requireString(body.model, 'model');
  if (model === '') throw badRequest('model', 'must not be empty');

  const request = blankRequest();
  request.model = model;
  for (const facet of REQUEST_FACETS) facet.decode(body, request);

  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!KNOWN_FIELDS.has(key)) fields[key] = value;

  // Keep the raw fields of every facet whose default encoding would differ from what the client sent.
  const plain = encodeKnownFields(request, () => {});
  const kept: Record<string, Record<string, unknown>> = {};
  for (const facet of REQUEST_FACETS) {
    const raw = pick(body, facet.fields);
    if (!jsonEqual(raw, pick(plain, facet.fields))) kept[facet.name] = raw;
  }
  if (Object.keys(kept).length > 0) fields[ROUND_TRIP_FIELD] = kept;

  request.extra = Object.keys(fields).length > 0 ? { protocol: 'openai-chat', fields } : null;
  return request;
}
