// Shared plumbing for the fake upstreams: a real node:http server on 127.0.0.1
// with a random port, request recording, fault injection and clean shutdown.
// Vendor specifics (routes, auth, error shapes, headers) live in openai.ts and
// anthropic.ts; SSE framing lives in sse.ts.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeCall {
  method: string;
  path: string; // path including the query string, e.g. /v1/messages?beta=true
  headers: Record<string, string | string[] | undefined>; // lower-cased, as node gives them
  body: any; // parsed JSON, or undefined when empty / not JSON
  rawBody: string;
  /** The body's bytes as received (multipart uploads are binary). */
  rawBytes: Buffer;
  /** True once the caller closed the connection before the response was complete. */
  aborted: boolean;
}

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset-before-headers' }
  | { kind: 'slow-first-byte'; ms: number }
  | { kind: 'hang' }
  | { kind: 'cut-mid-stream'; afterEvents: number }
  | { kind: 'stall-mid-stream'; afterEvents: number; ms: number }
  /** Closes the stream cleanly (no reset) after that many events, before the protocol's last one. */
  | { kind: 'end-mid-stream'; afterEvents: number }
  /** A 200 whose JSON body is cut short (not valid JSON), sent whole and cleanly. */
  | { kind: 'malformed-json' };

/**
 * How the fake writes the JSON of stream events: `compact` as the vendors do
 * today, `spaced` (`"usage": {…}` on one line) or `pretty` (indented, one
 * `data:` line per JSON line), as other compatible servers do.
 */
export type JsonStyle = 'compact' | 'spaced' | 'pretty';

/** A JSON text in a style (strings never hold raw newlines, so collapsing the indented form only touches layout). */
export function formatJson(value: unknown, style: JsonStyle): string {
  switch (style) {
    case 'compact':
      return JSON.stringify(value);
    case 'spaced':
      return JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ');
    case 'pretty':
      return JSON.stringify(value, null, 2);
  }
}

export interface FakeUpstream {
  url: string;
  calls: FakeCall[];
  /** Writes stream events' JSON in this style from now on (until `reset`). */
  writeJsonAs(style: JsonStyle): void;
  /** Queues a fault for the next `times` calls; with `when`, only for calls it matches (e.g. one credential). */
  failNext(fault: Fault, times?: number, when?: (call: FakeCall) => boolean): void;
  reset(): void;
  close(): Promise<void>;
}

export type StreamFault = Extract<Fault, { kind: 'cut-mid-stream' | 'stall-mid-stream' | 'end-mid-stream' }>;

/** Everything a vendor handler needs to answer one request. */
export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  call: FakeCall;
  url: URL;
  /** Headers the vendor puts on every response (request id, rate limits, ...). */
  headers: Record<string, string>;
  /** A cut/stall fault to apply while writing the response body, if any. */
  streamFault: StreamFault | undefined;
  /** How stream events' JSON is written. */
  jsonStyle: JsonStyle;
  /** setTimeout as a promise; resolves early when the server closes. */
  sleep(ms: number): Promise<void>;
}

export interface VendorSpec {
  /** Per-request response headers. */
  headers(): Record<string, string>;
  /** The vendor's real error body (and extra headers) for an HTTP status. */
  errorFor(status: number): { body: unknown; headers?: Record<string, string> };
  handle(ctx: RequestContext): Promise<void>;
}

export function writeAsync(res: http.ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write(chunk, () => resolve());
  });
}

/**
 * Send a JSON response. A pending stream fault also applies to plain JSON bodies:
 * cut-mid-stream sends the headers and half the body, then destroys the socket;
 * stall-mid-stream sends the headers, waits `ms`, then sends the body.
 */
export async function sendJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const text = JSON.stringify(body);
  const { res, streamFault } = ctx;
  if (res.destroyed) return;
  res.writeHead(status, {
    ...ctx.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...extraHeaders,
  });
  if (streamFault?.kind === 'cut-mid-stream') {
    await writeAsync(res, text.slice(0, Math.floor(text.length / 2)));
    res.destroy();
    return;
  }
  if (streamFault?.kind === 'stall-mid-stream') {
    res.flushHeaders();
    await ctx.sleep(streamFault.ms);
  }
  if (!res.destroyed) res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

export async function startFakeServer(spec: VendorSpec): Promise<FakeUpstream> {
  const calls: FakeCall[] = [];
  const faults: Array<{ fault: Fault; remaining: number; when?: (call: FakeCall) => boolean }> = [];
  const sockets = new Set<Socket>();
  let jsonStyle: JsonStyle = 'compact';
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closed || ms <= 0) return resolve();
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const takeFault = (call: FakeCall): Fault | undefined => {
    const at = faults.findIndex((f) => !f.when || f.when(call));
    if (at < 0) return undefined;
    const head = faults[at];
    head.remaining -= 1;
    if (head.remaining <= 0) faults.splice(at, 1);
    return head.fault;
  };

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const rawBytes = await readBody(req);
    const rawBody = rawBytes.toString('utf8');
    const call: FakeCall = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      body: parseJson(rawBody),
      rawBody,
      rawBytes,
      aborted: false,
    };
    calls.push(call);
    res.on('close', () => {
      if (!res.writableFinished) call.aborted = true;
    });
    const fault = takeFault(call);
    const ctx: RequestContext = {
      req,
      res,
      call,
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: spec.headers(),
      streamFault: fault?.kind === 'cut-mid-stream' || fault?.kind === 'stall-mid-stream' || fault?.kind === 'end-mid-stream' ? fault : undefined,
      jsonStyle,
      sleep,
    };
    switch (fault?.kind) {
      case 'reset-before-headers':
        req.socket.destroy();
        return;
      case 'hang':
        return; // never answer; close() destroys the socket
      case 'status': {
        const def = spec.errorFor(fault.status);
        const body = fault.body !== undefined ? fault.body : def.body;
        const headers = { ...def.headers, ...fault.headers };
        if (typeof body === 'string') {
          res.writeHead(fault.status, { ...ctx.headers, 'content-type': 'text/plain', ...headers });
          res.end(body);
        } else {
          await sendJson(ctx, fault.status, body, headers);
        }
        return;
      }
      case 'malformed-json': {
        const text = '{"id":"broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"echo';
        res.writeHead(200, { ...ctx.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
        return;
      }
      case 'slow-first-byte':
        await sleep(fault.ms);
        break;
      default:
        break;
    }
    if (res.destroyed) return;
    await spec.handle(ctx);
  };

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (res.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const def = spec.errorFor(500);
      res.writeHead(500, { 'content-type': 'application/json', ...def.headers });
      res.end(JSON.stringify(def.body));
    });
  });
  // Node closes a keep-alive connection after 5 s idle; a client that does not read the Keep-Alive hint (workerd
  // does not) may send its next request on a connection as it closes and lose it. Idle ones wait for the client.
  server.keepAliveTimeout = 120_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext(fault: Fault, times = 1, when?: (call: FakeCall) => boolean): void {
      if (!Number.isInteger(times) || times < 1) throw new Error(`failNext: times must be a positive integer, got ${times}`);
      faults.push({ fault, remaining: times, when });
    },
    writeJsonAs(style: JsonStyle): void {
      jsonStyle = style;
    },
    reset(): void {
      calls.length = 0;
      faults.length = 0;
      jsonStyle = 'compact';
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      for (const t of timers) {
        clearTimeout(t.timer);
        t.resolve();
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      return done;
    },
  };
}
