/**
 * The connection's memory of its last response, which lets a turn send only
 * its new input items with `previous_response_id`, even with `store: false`:
 * the reference keeps the most recent response of each WebSocket connection
 * in memory and drops it when a turn fails
 * (https://developers.openai.com/api/docs/guides/websocket-mode). The Codex
 * CLI relies on it: after the first turn on a socket it sends the last
 * response's id and only the items that follow its output.
 *
 * The gateway expands such a turn into the whole conversation (the previous
 * turn's input, its output, the new items) before the turn takes the HTTP
 * path, so every upstream kind gets a self-contained request. A
 * `previous_response_id` this connection does not know is left as it is,
 * for the HTTP path to answer (from the key's stored responses, when it has
 * them). The expansion is the stored responses' own (stored-responses/history.ts):
 * a string input is one user message, and reasoning items without
 * `encrypted_content` are left out, since the upstream keeps no state.
 */
import { isRecord } from '../translate/shared/json.js';
import { inputItems, replayable } from '../stored-responses/history.js';
import type { Json } from '../stored-responses/stored-response.js';

/** The last completed turn: its response id, the whole input it was answered for, its output items. */
interface LastResponse {
  id: string;
  input: Json[];
  output: Json[];
}

export interface ChainedTurn {
  /** The body to send on: the frame's fields, expanded when it continues the last response. */
  body: Record<string, unknown>;
  /**
   * The whole input of this turn, to remember once it completes; undefined
   * when the turn continues a response this connection does not hold (its
   * context lives elsewhere, so it cannot be expanded later either).
   */
  input: Json[] | undefined;
}

export class SocketChain {
  #last: LastResponse | undefined;

  /** `maxBytes`: the largest conversation kept (the expanded body must still fit the gateway's body limit). */
  constructor(private readonly maxBytes: number) {}

  /** The turn's body, with the last response's conversation put back in front of the new items when it continues it. */
  continueFrom(frame: Record<string, unknown>): ChainedTurn {
    const previous = frame.previous_response_id;
    const newItems = inputItems(frame.input);
    if (previous === undefined || previous === null) return { body: frame, input: newItems };
    const last = this.#last;
    if (typeof previous !== 'string' || last?.id !== previous) return { body: frame, input: undefined };
    const input = [...last.input, ...last.output.filter(replayable), ...newItems];
    const body: Record<string, unknown> = { ...frame, input };
    delete body.previous_response_id;
    return { body, input };
  }

  /** After a turn: remember it when it completed and can be continued; otherwise forget (a failed turn clears the memory). */
  settle(input: Json[] | undefined, outcome: { responseId?: string; output: unknown[] }): void {
    this.#last = undefined;
    if (!input || !outcome.responseId) return;
    const kept: LastResponse = { id: outcome.responseId, input, output: outcome.output.filter(isRecord) };
    // Measured once per turn: a conversation past the body limit could not be sent on anyway.
    if (JSON.stringify(kept).length <= this.maxBytes) this.#last = kept;
  }

  forget(): void {
    this.#last = undefined;
  }
}
