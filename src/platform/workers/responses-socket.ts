import { openResponsesSocket } from '../../gateway/responses-socket.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { ExecutionContext } from './bindings.js';
import { requestScope } from './request-scope.js';

/** The server end of a WebSocketPair: the members used here. */
interface ServerSocket {
  accept(): void;
  send(message: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close' | 'error', listener: () => void): void;
}

/** Workers' WebSocketPair, a global of the runtime (not of Node, whose types this project builds with). */
const WebSocketPair = (globalThis as unknown as { WebSocketPair: new () => { 0: unknown; 1: ServerSocket } }).WebSocketPair;

/** A connection with no turn and no frame for this long is closed; a client opens a new one (as on Node). */
const IDLE_MS = 10 * 60_000;

/** The OpenAI error shape, for an upgrade asked of any other path. */
const NOT_UPGRADABLE = {
  error: { message: 'only GET /v1/responses is upgraded (to a WebSocket); send this request without the Upgrade header', type: 'invalid_request_error', param: null, code: 'upgrade_not_supported' },
};

/**
 * The Responses WebSocket on Workers: the upgrade goes through the app as a
 * GET first (only an admitted client on `GET /v1/responses` gets 204),
 * then a WebSocketPair carries the runtime-neutral session
 * (gateway/responses-socket.ts), whose turns run through the same app. The
 * request lives as long as the socket; its frames arrive outside the
 * request's scope, so each is handled back inside it, where work the turn
 * defers (its usage row) is kept alive by the request's `waitUntil`.
 */
export async function upgradeResponsesSocket(
  request: Request,
  options: { fetch: (request: Request) => Promise<Response>; ctx: ExecutionContext; maxBodyBytes: number; runtime: Runtime },
): Promise<Response> {
  if (request.method !== 'GET') return Response.json(NOT_UPGRADABLE, { status: 400 });
  const admission = await options.fetch(new Request(request.url, { method: 'GET', headers: request.headers }));
  if (new URL(request.url).pathname !== '/v1/responses' || admission.status !== 204) return admission;

  const pair = new WebSocketPair();
  const server = pair[1];
  server.accept();
  const inScope = (work: () => void) => () => requestScope.run(options.ctx, work);
  const session = openResponsesSocket({
    fetch: options.fetch,
    upgrade: { url: request.url, headers: request.headers },
    peer: { send: (text) => server.send(text), close: (code, reason) => server.close(code, reason) },
    maxBodyBytes: options.maxBodyBytes,
    idleMs: IDLE_MS,
    now: options.runtime.now,
    sleep: options.runtime.sleep,
    log: options.runtime.log,
  });
  server.addEventListener('message', (event) => {
    // A frame past the body limit is refused like an oversized body (close code 1009), before it is parsed.
    if (typeof event.data === 'string' && event.data.length > options.maxBodyBytes) return server.close(1009, 'frame too large');
    inScope(() => session.receive(typeof event.data === 'string' ? event.data : null))();
  });
  server.addEventListener(
    'close',
    inScope(() => {
      session.closed();
      // The closing handshake is ours to finish: without it workerd keeps the request open as a hung one.
      try {
        server.close(1000, 'closed');
      } catch {
        // already closed from this side
      }
    }),
  );
  server.addEventListener('error', inScope(() => session.closed()));
  return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
}
