import { isEmptyValue, makeExtra } from '../extra.js';
import type { IRRequest } from '../ir.js';
import { isRecord, jsonEqual, pick } from '../shared/json.js';
import { badRequest, requireString } from '../shared/validate.js';
import { encodeKnownFields } from './encode-request.js';
import { blankRequest, KNOWN_FIELDS, REQUEST_FACETS, ROUND_TRIP_FIELD } from './request-facets.js';
import { requireRecord } from './validate.js';

/**
 * Unmapped top-level values that ask for nothing beyond the API's default,
 * so another protocol loses nothing by not sending them (they are kept for
 * the round trip only, unwarned).
 */
const DEFAULT_VALUES: Record<string, unknown> = { n: 1, logprobs: false, frequency_penalty: 0, presence_penalty: 0, store: false };

/**
 * `stream_options` keys that carry nothing another upstream would need:
 * `include_usage` is honoured by this codec's own stream encoder whatever the
 * upstream (encode-stream.ts), and `include_obfuscation` pads only OpenAI's
 * own stream, which a translated answer is not.
 */
const CLIENT_SIDE_STREAM_OPTIONS = ['include_usage', 'include_obfuscation'];

/**
 * A client's OpenAI Chat Completions body -> IR. Throws a 400 naming the
 * field on bad input. Fields the IR has no place for go to `extra.fields`
 * verbatim (`n: 2`, `logprobs`, `metadata`, … : real losses for another
 * protocol), while `extra.replay` keeps what carries nothing the IR lacks:
 * `stream_options`, default values, and under ROUND_TRIP_FIELD the raw
 * spelling of mapped fields the IR cannot tell apart, so encoding back to
 * OpenAI Chat gives the same body. What a raw spelling holds that the IR
 * cannot (an `allowed_tools` choice, a message `name`) is named in `extra.lost`.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function decodeOpenAIChatRequest(input: unknown): IRRequest {
  const body = requireRecord(input, 'body');
  const model = requireString(body.model, 'model');
  if (model === '') throw badRequest('model', 'must not be empty');

  const request = blankRequest();
  request.model = model;
  const lost: string[] = [];
  for (const facet of REQUEST_FACETS) facet.decode(body, request, (what) => void lost.push(what));

  const fields: Record<string, unknown> = {};
  const replay: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (KNOWN_FIELDS.has(key)) continue;
    if (key === 'stream_options' && isRecord(value)) {
      replay[key] = value;
      for (const option of Object.keys(value)) if (!CLIENT_SIDE_STREAM_OPTIONS.includes(option)) lost.push(`stream_options.${option}`);
    } else if (isEmptyValue(value) || (Object.hasOwn(DEFAULT_VALUES, key) && DEFAULT_VALUES[key] === value)) replay[key] = value;
    else fields[key] = value;
  }

  // Keep the raw fields of every facet whose default encoding would differ from what the client sent.
  const plain = encodeKnownFields(request, () => {});
  const kept: Record<string, Record<string, unknown>> = {};
  for (const facet of REQUEST_FACETS) {
    const raw = pick(body, facet.fields);
    if (!jsonEqual(raw, pick(plain, facet.fields))) kept[facet.name] = raw;
  }
  if (Object.keys(kept).length > 0) replay[ROUND_TRIP_FIELD] = kept;

  request.extra = makeExtra('openai-chat', { fields, replay, lost });
  return request;
}
