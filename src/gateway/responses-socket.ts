/**
 * The Responses API over a WebSocket, runtime-neutral: frames in, frames
 * out. The platform owns the socket (the upgrade, framing, size limit) and
 * hands each text frame to `receive`.
 *
 * Protocol (https://developers.openai.com/api/docs/guides/websocket-mode,
 * and the Codex CLI's client, codex-rs/codex-api/src/endpoint/responses_websocket.rs):
 * the client sends one `{"type":"response.create", …create params}` frame
 * per turn; the server answers with the turn's stream events, one JSON text
 * frame each, ending with `response.completed` (or `response.failed`,
 * `response.incomplete`, `error`). One turn runs at a time per connection;
 * frames that arrive meanwhile wait their turn. `generate: false` only warms
 * up: it answers a response id to chain from, without a model call.
 * `response.processed` (the client's acknowledgement) needs no answer.
 *
 * Each turn is a `POST /v1/responses` with `stream: true` through the
 * gateway's own HTTP path (`fetch`), carrying the upgrade request's headers:
 * the same authentication, limits, routing, translation, failover and
 * request_log row as any HTTP request.
 */
import { errorFrame, relayTurn, type SendFrame } from './socket-relay.js';
import { SocketChain } from './socket-chain.js';
import type { Json } from '../stored-responses/stored-response.js';
import { afterDelay, type Sleep } from '../runtime/runtime.js';
import { jsonShapeProblem } from '../protocols/json-limits.js';

export interface SocketPeer {
  send: SendFrame;
  /** Closes the connection (idle, or a frame it cannot take). */
  close(code: number, reason: string): void;
}

export interface ResponsesSocketOptions {
  /** The gateway's HTTP entry (the app's fetch), which every turn goes through. */
  fetch(request: Request): Promise<Response>;
  /** The upgrade request: its URL and headers go with every turn. */
  upgrade: { url: string; headers: Headers };
  peer: SocketPeer;
  /** The gateway's body limit (server.maxBodyBytes): no turn, nor the conversation a connection keeps, grows past it. */
  maxBodyBytes: number;
  /** A connection with no turn running and no frame for this long is closed. */
  idleMs: number;
  now: () => number;
  log: (message: string) => void;
  /** The runtime's timer, for the idle limit. */
  sleep: Sleep;
}

export interface ResponsesSocket {
  /** One text frame from the client; null for a binary frame. */
  receive(text: string | null): void;
  /** The connection is gone: a running turn is cancelled (recorded as a client that left). */
  closed(): void;
}

/** Frames that may wait behind a running turn (together at most the body limit); more is a client not waiting for answers. */
const MAX_WAITING = 8;

/** Close codes (RFC 6455 §7.4.1): an idle connection is "going away"; 1011 is an unexpected server condition. */
const GOING_AWAY = 1001;
const INTERNAL_ERROR = 1011;

export function openResponsesSocket(options: ResponsesSocketOptions): ResponsesSocket {
  const { peer } = options;
  const turnUrl = new URL('/v1/responses', options.upgrade.url).toString();
  const turnHeaders = turnHeadersFrom(options.upgrade.headers);
  const chain = new SocketChain(options.maxBodyBytes);
  const waiting: (string | null)[] = [];
  let waitingSize = 0;
  let running = false;
  let closed = false;
  let turn: AbortController | undefined;
  let cancelIdle = () => {};

  const armIdle = () => {
    cancelIdle();
    if (!closed) cancelIdle = afterDelay(options.sleep, options.idleMs, () => peer.close(GOING_AWAY, 'idle'));
  };

  const sendError = (status: number, code: string, message: string, param: string | null = null) =>
    peer.send(JSON.stringify(errorFrame(status, { type: 'invalid_request_error', code, message, param })));

  /** Runs the waiting frames one after another. */
  const pump = async () => {
    if (running) return;
    running = true;
    try {
      while (!closed && waiting.length > 0) {
        const text = waiting.shift() ?? null;
        waitingSize -= text?.length ?? 0;
        await handle(text);
      }
    } catch (err) {
      // Turns catch their own failures; anything else leaves the connection in an unknown state.
      options.log(`websocket session failed: ${(err as Error)?.stack ?? String(err)}`);
      peer.close(INTERNAL_ERROR, 'internal error');
    } finally {
      running = false;
      armIdle();
    }
  };

  const handle = async (text: string | null) => {
    if (text === null) return sendError(400, 'invalid_frame', 'binary frames are not accepted: send each event as a JSON text frame');
    const frame = parseFrame(text);
    switch (frame.kind) {
      case 'acknowledgement':
        return;
      case 'unknown':
        return sendError(400, 'unknown_event_type', `type: unknown event type ${JSON.stringify(frame.type)}; this endpoint takes response.create`, 'type');
      case 'not-json':
        // The HTTP path refuses it in the Responses shape and records the refusal, as it would a bad HTTP body.
        return runTurn(text, undefined);
      case 'create':
        break;
      default:
        return frame satisfies never;
    }
    const { body, input } = chain.continueFrom(frame.params);
    if (body.generate === false) return warmUp(body, input);
    // `stream` and `background` are HTTP's choice; on a socket every turn streams, in the foreground.
    const params: Record<string, unknown> = { ...body, stream: true };
    delete params.generate;
    delete params.background;
    return runTurn(JSON.stringify(params), input);
  };

  const runTurn = async (body: string, input: Json[] | undefined) => {
    const controller = new AbortController();
    turn = controller;
    try {
      const res = await options.fetch(new Request(turnUrl, { method: 'POST', headers: turnHeaders, body, signal: controller.signal }));
      chain.settle(input, await relayTurn(res, peer.send, controller.signal));
    } catch (err) {
      chain.forget();
      if (controller.signal.aborted) return;
      options.log(`websocket turn failed: ${(err as Error)?.stack ?? String(err)}`);
      await peer.send(JSON.stringify(errorFrame(500, { type: 'server_error', code: null, message: 'internal error', param: null })));
    } finally {
      turn = undefined;
    }
  };

  /** `generate: false`: no model call, no log row; a response id the next turn can continue from. */
  const warmUp = async (body: Record<string, unknown>, input: Json[] | undefined) => {
    const id = `resp_${crypto.randomUUID().replaceAll('-', '')}`;
    const response = { id, object: 'response', created_at: Math.floor(options.now() / 1000), model: body.model ?? null, output: [] };
    await peer.send(JSON.stringify({ type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', usage: null } }));
    const usage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 };
    await peer.send(JSON.stringify({ type: 'response.completed', sequence_number: 1, response: { ...response, status: 'completed', usage } }));
    chain.settle(input, { responseId: id, output: [] });
  };

  armIdle();
  return {
    receive(text) {
      if (closed) return;
      cancelIdle();
      const size = text?.length ?? 0;
      if (waiting.length >= MAX_WAITING || (waiting.length > 0 && waitingSize + size > options.maxBodyBytes)) {
        void sendError(400, 'too_many_waiting_frames', `too many frames are waiting behind the running turn (at most ${MAX_WAITING}, together within the body limit); wait for each turn's last event`);
        return;
      }
      waiting.push(text);
      waitingSize += size;
      void pump();
    },
    closed() {
      closed = true;
      cancelIdle();
      waiting.length = 0;
      waitingSize = 0;
      chain.forget();
      turn?.abort();
    },
  };
}

type Frame =
  | { kind: 'create'; params: Record<string, unknown> }
  | { kind: 'acknowledgement' }
  | { kind: 'unknown'; type: unknown }
  | { kind: 'not-json' };

function parseFrame(text: string): Frame {
  // Too deep or too big to walk: the HTTP path refuses it with the limit named, as it would the same HTTP body.
  if (jsonShapeProblem(text)) return { kind: 'not-json' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'not-json' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'not-json' };
  const { type, ...params } = value as Record<string, unknown>;
  if (type === 'response.create') return { kind: 'create', params };
  if (type === 'response.processed') return { kind: 'acknowledgement' };
  return { kind: 'unknown', type };
}

/** Upgrade headers that describe the socket, not the turn. */
const SOCKET_ONLY_HEADERS = new Set(['host', 'connection', 'upgrade', 'content-length', 'content-type']);

/**
 * The upgrade request's headers, for every turn: the key, metadata and the
 * client's own headers; not the socket's handshake headers, nor the
 * `responses_websockets` beta, which names the client's transport and
 * means nothing on the HTTP request to an upstream.
 */
function turnHeadersFrom(upgrade: Headers): Headers {
  const headers = new Headers();
  upgrade.forEach((value, name) => {
    if (SOCKET_ONLY_HEADERS.has(name) || name.startsWith('sec-websocket-')) return;
    if (name === 'openai-beta') {
      const betas = value
        .split(',')
        .map((beta) => beta.trim())
        .filter((beta) => beta !== '' && !beta.startsWith('responses_websockets='));
      if (betas.length > 0) headers.set(name, betas.join(', '));
      return;
    }
    headers.set(name, value);
  });
  headers.set('content-type', 'application/json');
  return headers;
}
