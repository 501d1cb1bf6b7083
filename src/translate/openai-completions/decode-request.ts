import { isEmptyValue, makeExtra } from '../extra.js';
import type { IRRequest } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { badRequest, optionalBoolean, optionalInteger, optionalNumber, optionalString, requireString } from '../shared/validate.js';

/** What `max_tokens` is when the client leaves it out ("Defaults to 16"). */
export const DEFAULT_MAX_TOKENS = 16;

/** Why a request is being decoded at all: its upstream does not serve /completions, so it goes out in another shape. */
const TRANSLATED = "this model's upstream does not serve /v1/completions, so the request is translated to a chat shape";

/** The fields this codec maps to the IR or acts on itself; every other one goes to `extra`. */
const MAPPED = new Set(['model', 'prompt', 'max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'user', 'stream', 'suffix', 'echo', 'n']);

/** Unmapped values that ask for nothing beyond the API's default: kept for the record, never warned. */
const DEFAULT_VALUES: Record<string, unknown> = { best_of: 1, frequency_penalty: 0, presence_penalty: 0 };

/**
 * A client's legacy Completions body -> IR, for an upstream that does not
 * serve /completions (Anthropic, Gemini, a Chat-only server): the prompt
 * becomes one user turn; `max_tokens` is 16 when absent, as OpenAI documents
 * (null: no limit asked for); `temperature`, `top_p`, `stop`, `seed`,
 * `user` and `stream` map as they are.
 *
 * What a chat turn cannot mean is a 400 naming the field: more than one
 * prompt, a prompt of token ids, `n` above 1 (one answer per request), a
 * `suffix` (insertion). `echo` is kept (`extra.replay`), and the encoders
 * put the prompt back in front of the answer. Fields the IR has no place
 * for (`logprobs`, `best_of`, `logit_bias`, `presence_penalty`,
 * `frequency_penalty`, …) go to `extra.fields`: the upstream's encoder
 * drops them and the row's warnings name them. `stream_options` is the
 * client's own (its usage chunk), kept in `extra.replay`.
 * @see https://platform.openai.com/docs/api-reference/completions/create
 */
export function decodeOpenAICompletionsRequest(input: unknown): IRRequest {
  if (!isRecord(input)) throw badRequest('body', 'must be an object');
  const body = input;
  const model = requireString(body.model, 'model');
  if (model === '') throw badRequest('model', 'must not be empty');
  const prompt = decodePrompt(body.prompt);

  const suffix = optionalString(body.suffix, 'suffix');
  if (suffix !== undefined && suffix !== '') throw badRequest('suffix', `not supported: ${TRANSLATED}, which cannot insert text before a suffix`);
  const n = optionalInteger(body.n, 'n');
  if (n !== undefined && n > 1) throw badRequest('n', `must be 1: ${TRANSLATED}, which gives one answer a request; send ${n} requests`);
  const echo = optionalBoolean(body.echo, 'echo');

  const request: IRRequest = {
    model,
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
    tools: [],
    stream: optionalBoolean(body.stream, 'stream') ?? false,
    extra: null,
  };
  const maxTokens = body.max_tokens === null ? undefined : (optionalInteger(body.max_tokens, 'max_tokens') ?? DEFAULT_MAX_TOKENS);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) request.topP = topP;
  const stop = decodeStop(body.stop);
  if (stop !== undefined) request.stopSequences = stop;
  const seed = optionalInteger(body.seed, 'seed');
  if (seed !== undefined) request.seed = seed;
  const user = optionalString(body.user, 'user');
  if (user !== undefined) request.user = user;

  const fields: Record<string, unknown> = {};
  const replay: Record<string, unknown> = {};
  if (echo === true) replay.echo = true;
  for (const [key, value] of Object.entries(body)) {
    if (MAPPED.has(key)) continue;
    if (key === 'stream_options' && isRecord(value)) replay[key] = value;
    else if (isEmptyValue(value) || (Object.hasOwn(DEFAULT_VALUES, key) && DEFAULT_VALUES[key] === value)) replay[key] = value;
    else fields[key] = value;
  }
  request.extra = makeExtra('openai-completions', { fields, replay });
  return request;
}

/** One prompt as text: a string, or an array holding one string. */
function decodePrompt(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) throw badRequest('prompt', 'is required');
  if (!Array.isArray(value)) throw badRequest('prompt', 'must be a string or an array of strings');
  if (value.length === 0) throw badRequest('prompt', 'must not be empty');
  if (value.some((p) => typeof p === 'number' || Array.isArray(p)))
    throw badRequest('prompt', `token ids are not supported: ${TRANSLATED}; send the prompt as text`);
  if (!value.every((p) => typeof p === 'string')) throw badRequest('prompt', 'must be a string or an array of strings');
  if (value.length > 1) throw badRequest('prompt', `must hold one prompt: ${TRANSLATED}, which gives one answer a request; send ${value.length} requests`);
  return value[0] as string;
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw badRequest('stop', 'must be a string or an array of strings');
  return value as string[];
}

/** The prompt of a decoded request and whether the client asked for it back (`echo`). */
export function echoedPrompt(request: IRRequest): string {
  if (request.extra?.protocol !== 'openai-completions' || request.extra.replay?.echo !== true) return '';
  const first = request.messages[0]?.content[0];
  return first?.type === 'text' ? first.text : '';
}

/** Whether the client asked for the usage chunk (`stream_options.include_usage`). */
export function completionsClientWantsUsage(request: IRRequest): boolean {
  const options = request.extra?.protocol === 'openai-completions' ? request.extra.replay?.stream_options : undefined;
  return isRecord(options) && options.include_usage === true;
}
