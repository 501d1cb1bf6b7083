import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { openResponsesSocket } from '../../gateway/responses-socket.js';
import type { NodeBindings } from './request-io.js';
import type { Sleep } from '../../runtime/runtime.js';

/**
 * The Responses WebSocket on Node: the http server's `upgrade` event, the
 * `ws` package for the framing. Every upgrade first goes through the app as
 * a GET (only `GET /v1/responses` from an admitted client answers 204; any
 * other answer goes back as plain HTTP and the socket is closed); then the
 * runtime-neutral session (gateway/responses-socket.ts) runs the turns
 * through the same app.
 */
export interface ResponsesSockets {
  /** Closes every open socket (the gateway is stopping). */
  close(): void;
}

type AppFetch = (request: Request, env: NodeBindings) => Response | Promise<Response>;

/** The OpenAI error shape (what a gateway error looks like on /v1), for a request that cannot be upgraded. */
const NOT_UPGRADABLE = {
  error: { message: 'only GET /v1/responses is upgraded (to a WebSocket); send this request without the Upgrade header', type: 'invalid_request_error', param: null, code: 'upgrade_not_supported' },
};

/** A connection with no turn and no frame for this long is closed; a client opens a new one. */
const IDLE_MS = 10 * 60_000;

/** Frames not yet written past this many bytes: the turn waits for the client to read (backpressure, as over HTTP). */
const HIGH_WATER_BYTES = 1024 * 1024;

export function serveResponsesSockets(
  server: Server,
  fetch: AppFetch,
  options: { maxBodyBytes: number; now: () => number; sleep: Sleep; log: (message: string) => void },
): ResponsesSockets {
  // maxPayload: a frame past the body limit is refused (close code 1009) before it is buffered whole.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxBodyBytes });

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Listening to `upgrade` takes every request that asks for one (h2c too) away from the request path; one
    // with a body cannot be answered here, so it is told to come without the upgrade.
    if (req.method !== 'GET') return refuse(socket, Response.json(NOT_UPGRADABLE, { status: 400 }));
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const headers = headersOf(req);
    const env: NodeBindings = { peerAddress: req.socket.remoteAddress };
    const admission = await fetch(new Request(url, { method: 'GET', headers }), env);
    if (url.pathname !== '/v1/responses' || admission.status !== 204) return refuse(socket, admission);
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const session = openResponsesSocket({
        fetch: async (request) => fetch(request, env),
        upgrade: { url: url.toString(), headers },
        peer: { send: (text) => sendFrame(ws, text), close: (code, reason) => ws.close(code, reason) },
        maxBodyBytes: options.maxBodyBytes,
        idleMs: IDLE_MS,
        now: options.now,
        sleep: options.sleep,
        log: options.log,
      });
      ws.on('message', (data, isBinary) => session.receive(isBinary ? null : textOf(data)));
      ws.on('close', () => session.closed());
      ws.on('error', () => {}); // 'close' follows
    });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      options.log(`websocket upgrade failed: ${(err as Error)?.stack ?? String(err)}`);
      socket.destroy();
    });
  });

  return {
    close() {
      for (const ws of sockets.clients) ws.terminate();
      sockets.close();
    },
  };
}

function sendFrame(ws: WebSocket, text: string): void | Promise<void> {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount < HIGH_WATER_BYTES) return ws.send(text);
  return new Promise((resolve) => ws.send(text, () => resolve()));
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Writes the app's answer as a plain HTTP response on the not-upgraded socket, then closes it. */
async function refuse(socket: Duplex, res: Response): Promise<void> {
  const body = Buffer.from(await res.text());
  const lines = [`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}`];
  res.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n')), body]));
}
