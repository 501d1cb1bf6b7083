import { GatewayError } from '../protocols/errors.js';
import type { ClientBody } from '../protocols/requests.js';
import type { KeyRecord } from '../store/types.js';
import { captureResponse } from './capture-response.js';
import { historyOf, inputItems } from './history.js';
import type { Json } from './stored-response.js';
import type { ResponseKeeper } from './response-keeper.js';

/** What a request's Responses state uses: the keeper of stored answers and the clock. */
export interface ResponseStateDeps {
  responses: ResponseKeeper;
  now: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The largest answer kept (the final Response object, or a stream's finished items); a larger one is sent but not stored. */
const MAX_STORED_BYTES = 32 * 1024 * 1024;

/** What a Responses request keeps of its answer, decided before it is sent upstream. */
export interface ResponseState {
  /** Wraps the HTTP answer on its way out; stores it once sent whole (only when storing). */
  keep(response: Response): Response;
}

/**
 * The stateful part of a Responses request, before routing. For a key with
 * `responses.store` on, `previous_response_id` is replaced by the stored
 * history in `input` (the one database read a request may wait for; the
 * client's own key only) and the answer is stored unless `store: false`.
 * For any key, the upstream is sent `store: false`: Switchboard keeps
 * whatever is kept, so no vendor keeps a conversation behind its back, and
 * every upstream, translated or not, gets the whole conversation.
 */
export async function prepareResponseState(ctx: ResponseStateDeps, key: KeyRecord, body: ClientBody): Promise<ResponseState> {
  const json = body.json;
  const settings = key.responses?.store ? key.responses : null;
  const asked = json.store;
  if (asked === true && !settings)
    throw new GatewayError('SB_ERR_BAD_REQUEST', 'store: stored responses are not enabled for this key; send store: false or leave it out', 'store');

  const previousId = await expandPreviousResponse(ctx, key, json);
  json.store = false;

  if (!settings || asked === false) return NOT_STORED;
  const input = inputItems(json.input);
  const remember = (response: Json) => {
    if (typeof response.id !== 'string') return;
    const now = ctx.now();
    ctx.responses.keep({
      id: response.id,
      keyId: key.id,
      model: typeof response.model === 'string' ? response.model : body.model,
      createdAt: now,
      expiresAt: now + settings.retentionDays * DAY_MS,
      // As OpenAI shows a stored response: stored, chained to the one it continued.
      response: { ...response, store: true, previous_response_id: previousId },
      input,
    });
  };
  return {
    keep: (response) =>
      response.status !== 200
        ? response
        : captureResponse(response, MAX_STORED_BYTES, (finished) => {
            if (finished) remember(finished);
          }),
  };
}

/** The state of a request that stores nothing (every other endpoint, keys without stored responses). */
export const NOT_STORED: ResponseState = { keep: (response) => response };

/**
 * Replaces `previous_response_id` by the stored history at the head of
 * `input` (the key's own answers only); returns the id, or null when the
 * request named none. Refused for keys without stored responses.
 */
export async function expandPreviousResponse(ctx: ResponseStateDeps, key: KeyRecord, json: Json): Promise<string | null> {
  const previousId = typeof json.previous_response_id === 'string' ? json.previous_response_id : null;
  delete json.previous_response_id;
  if (previousId === null) return null;
  if (!key.responses?.store)
    throw new GatewayError(
      'SB_ERR_BAD_REQUEST',
      'previous_response_id: stored responses are not enabled for this key; send the whole conversation in `input`',
      'previous_response_id',
    );
  const previous = await ctx.responses.get(key.id, previousId);
  if (!previous)
    throw new GatewayError('SB_ERR_PREVIOUS_RESPONSE_NOT_FOUND', `Previous response with id '${previousId}' not found.`, 'previous_response_id');
  json.input = [...historyOf(previous), ...inputItems(json.input)];
  return previousId;
}
