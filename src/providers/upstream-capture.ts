import type { HttpClient, HttpReply, HttpRequest } from './http.js';
import type { KeyRecord } from '../store/types.js';
import type { LogRecord } from '../store/types.js';

/**
 * The playground's capture of one request's upstream exchange: what the
 * gateway sent each upstream it tried (method, URL, headers with secrets
 * masked, body) and what came back (status, headers, the body as it arrived,
 * in timed chunks). Only a run an admin started through the admin API
 * (`POST /admin/api/playground`) is captured: the admin route registers its
 * own Request object here, which no client can name, and the exchange binds
 * that run to its upstream abort signal, which the providers hand to the
 * HttpClient. Normal traffic costs one WeakMap lookup per upstream call.
 * Each run keeps at most CAPTURE_LIMIT_BYTES of bodies.
 */
export interface PlaygroundRun {
  /** Whom the request runs as: a key the admin picked, or the playground identity. */
  key: KeyRecord;
  exchanges: CapturedExchange[];
  /** The finished log row, once the request is over. */
  row?: LogRecord;
  finished: Promise<void>;
  /** Called by the exchange with the finished row. */
  finish(row: LogRecord): void;
  /** Body bytes kept so far, across every exchange. */
  keptBytes: number;
}

export interface CapturedExchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string | null; truncated: boolean };
  response?: { status: number; headers: Record<string, string>; chunks: { atMs: number; text: string }[]; truncated: boolean; ended: boolean };
  error?: string;
  startedAt: number;
}

/** Body bytes a run keeps, both directions and every try together. */
export const CAPTURE_LIMIT_BYTES = 1024 * 1024;

export function startPlaygroundRun(key: KeyRecord): PlaygroundRun {
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const run: PlaygroundRun = {
    key,
    exchanges: [],
    finished,
    keptBytes: 0,
    finish(row) {
      run.row = { ...row };
      done();
    },
  };
  return run;
}

/** Where runs are found: by the admin's Request (the data plane's entry) and by the exchange's upstream signal (the HttpClient's). */
export class PlaygroundRuns {
  private readonly byRequest = new WeakMap<Request, PlaygroundRun>();
  private readonly bySignal = new WeakMap<AbortSignal, PlaygroundRun>();
  register(request: Request, run: PlaygroundRun): void {
    this.byRequest.set(request, run);
  }
  forRequest(request: Request): PlaygroundRun | undefined {
    return this.byRequest.get(request);
  }
  bind(signal: AbortSignal, run: PlaygroundRun): void {
    this.bySignal.set(signal, run);
  }
  forSignal(signal: AbortSignal): PlaygroundRun | undefined {
    return this.bySignal.get(signal);
  }
}

/** The platform's HttpClient, capturing the calls of playground runs and nothing else. */
export function capturingHttp(http: HttpClient, runs: PlaygroundRuns, now: () => number): HttpClient {
  return async (req) => {
    const run = runs.forSignal(req.signal);
    if (!run) return http(req);
    const startedAt = now();
    const exchange: CapturedExchange = { request: captureRequest(run, req), startedAt };
    run.exchanges.push(exchange);
    let reply: HttpReply;
    try {
      reply = await http(req);
    } catch (err) {
      exchange.error = (err as Error)?.message ?? String(err);
      throw err;
    }
    const headers: Record<string, string> = {};
    reply.headers.forEach((value, name) => (headers[name] = maskHeader(name, value)));
    const response = { status: reply.status, headers, chunks: [] as { atMs: number; text: string }[], truncated: false, ended: false };
    exchange.response = response;
    const source = reply.reader ? reply.reader() : reply.body?.getReader();
    if (!source) {
      response.ended = true;
      return { status: reply.status, headers: reply.headers, body: null };
    }
    const decoder = new TextDecoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await source.read();
        if (done) {
          response.ended = true;
          controller.close();
          return;
        }
        keep(run, response, decoder.decode(value, { stream: true }), now() - startedAt);
        controller.enqueue(value);
      },
      cancel: (reason) => source.cancel(reason),
    });
    return { status: reply.status, headers: reply.headers, body };
  };
}

function captureRequest(run: PlaygroundRun, req: HttpRequest): CapturedExchange['request'] {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = maskHeader(name, value);
  let body: string | null = null;
  let truncated = false;
  if (req.body !== undefined) {
    const text = typeof req.body === 'string' ? req.body : `[${req.body.byteLength} bytes of form data]`;
    const room = Math.max(0, CAPTURE_LIMIT_BYTES - run.keptBytes);
    body = text.length > room ? text.slice(0, room) : text;
    truncated = body.length < text.length;
    run.keptBytes += body.length;
  }
  return { method: req.method, url: maskUrl(req.url), headers, body, truncated };
}

function keep(run: PlaygroundRun, response: NonNullable<CapturedExchange['response']>, text: string, atMs: number): void {
  const room = CAPTURE_LIMIT_BYTES - run.keptBytes;
  if (room <= 0) {
    response.truncated = true;
    return;
  }
  const kept = text.length > room ? text.slice(0, room) : text;
  if (kept.length < text.length) response.truncated = true;
  run.keptBytes += kept.length;
  response.chunks.push({ atMs, text: kept });
}

/** Headers that carry a credential, by name. */
const SECRET_HEADER = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)$|(^|-)(key|token|secret|api-key)$/i;

/** A credential's value shows only its scheme and last four characters. */
export function maskHeader(name: string, value: string): string {
  if (!SECRET_HEADER.test(name)) return value;
  const scheme = /^(Bearer|Basic)\s+/i.exec(value)?.[0] ?? '';
  const secret = value.slice(scheme.length);
  return `${scheme}…${secret.length > 12 ? secret.slice(-4) : ''}`;
}

/** A key in the query (Gemini's `?key=`) is masked too. */
export function maskUrl(url: string): string {
  return url.replace(/([?&](?:key|api-key|token)=)[^&]*/gi, '$1…');
}
