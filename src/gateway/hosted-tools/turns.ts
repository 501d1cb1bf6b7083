import type { Usage } from '../../translate/ir.js';
import type { SseEvent } from '../../translate/sse.js';
import type { SearchOutcome } from './web-search.js';

/** A call the model made to one of the gateway's function tools. */
export interface HostedCall {
  /** The call's id in the client's shape (Messages `tool_use.id`, Responses `call_id`). */
  callId: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
}

/** What the gateway did for one call. */
export type ToolRun =
  | { kind: 'search'; call: HostedCall; outcome: SearchOutcome }
  | { kind: 'image'; call: HostedCall; prompt: string; result: { ok: true; b64: string; format: string; size?: string; quality?: string } | { ok: false; message: string } };

/** One answer of the model, in the client's shape, and the tool runs it asked for. */
export interface Turn {
  json: Record<string, unknown>;
  runs: ToolRun[];
}

/** The text the model reads as a run's result. */
export type RunText = (run: ToolRun) => string;

/** What one hosted-tool request added up to, for the client's usage figures. */
export interface Totals {
  usage: Usage;
  searches: number;
  images: number;
}

/**
 * One client protocol's view of the loop: the working request in that
 * protocol's shape (the hosted tools swapped for function tools, earlier
 * hosted blocks in the history turned into calls and results), the calls in
 * an answer, how a turn is added to the request, and how the turns become
 * the client's answer, whole or as the protocol's stream.
 */
export interface Dialect {
  request: Record<string, unknown>;
  /** The calls to the gateway's tools in a turn. */
  hostedCalls(turn: Record<string, unknown>): HostedCall[];
  /** Whether a turn also calls the client's own tools (the loop ends: the client runs those). */
  callsClientTools(turn: Record<string, unknown>): boolean;
  /** Adds the turn and its runs' results to the request. */
  append(turn: Turn, text: RunText): void;
  /** The client's whole answer. */
  answer(turns: Turn[], totals: Totals): Record<string, unknown>;
  /** A writer of the client's stream, for a streamed request. */
  streamWriter(): StreamWriter;
}

/**
 * The client's one stream, written as the turns happen: each turn's events
 * (in the client's shape) rewritten into the one sequence (block and output
 * indexes, sequence numbers, one opening), the model's calls of the gateway's
 * tools shown as the vendor's hosted-tool events, each run's start and
 * result as it happens, and one closing with the joined answer's figures.
 * Every method returns the SSE text to send now.
 */
export interface StreamWriter {
  /** One event of the model's current turn. */
  event(event: SseEvent): string;
  /** The current turn's stream ended: the turn as a whole answer in the client's shape. */
  endTurn(): Record<string, unknown>;
  /** A run of a gateway tool is about to start. */
  running(call: HostedCall): string;
  /** A run finished. */
  ran(run: ToolRun): string;
  /** The closing events, with the joined answer (`Dialect.answer`). */
  close(answer: Record<string, unknown>): string;
  /** The upstream reported an error inside the turn's stream (already passed on to the client): its message. */
  failed(): string | undefined;
}

/** An SSE event's JSON data, or null when it has none. */
export function eventData(event: SseEvent): Record<string, unknown> | null {
  try {
    const data = JSON.parse(event.data) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A short random id part, for the ids of blocks the gateway makes. */
export function randomId(length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
