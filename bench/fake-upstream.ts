import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { runAsChild, type Served } from './child.js';

/**
 * A fake upstream that answers at once, in two wire formats:
 * - OpenAI: `POST /v1/chat/completions` returns a small `chat.completion` with
 *   usage, or with `"stream": true` an SSE body of `chunks`
 *   `chat.completion.chunk` frames, a usage-only chunk when
 *   `stream_options.include_usage` is true, then `data: [DONE]`.
 * - Anthropic: `POST /v1/messages` returns a `message` with usage, or with
 *   `"stream": true` the Messages event stream: message_start,
 *   content_block_start, ping, `chunks` content_block_delta (text_delta),
 *   content_block_stop, message_delta (stop reason, output usage),
 *   message_stop, each as `event:` + `data:` lines.
 * Slow streams: a request header `x-bench-delay-ms: D` writes the frames D ms
 * apart (timers, so thousands can be held open at once); `x-bench-chunks: N`
 * overrides the number of chunks for that request. Switchboard forwards
 * unknown `x-` headers to the upstream (src/gateway/headers.ts), so a client
 * of the gateway sets them too.
 * Faults (bench/fault-soak.ts): `x-bench-fault: 500 | 503 | 429 | reset` fails
 * the first try of the request named by `x-bench-req` (an error body in the
 * route's own format, or the socket destroyed before any header) and serves
 * the next try of it; `x-bench-fault: cut` sends a stream's first half and
 * destroys the socket. The fake counts what it served (answers, the usage it
 * reported, faults by kind) and hands the count to the parent when stopped.
 * Usage: forked by bench/run.ts with `--chunks N` (default 50).
 */
const CREATED = Math.floor(Date.now() / 1000);
const USAGE = { prompt_tokens: 12, completion_tokens: 50, total_tokens: 62 };
const TEXT = 'Hello from the fake upstream.';

function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, logprobs: null, finish_reason: 'stop' }],
    usage: USAGE,
  });
}

function streamFrames(model: string, chunks: number, includeUsage: boolean): string[] {
  const frame = (choices: unknown[], usage: unknown) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion.chunk',
      created: CREATED,
      model,
      choices,
      ...(includeUsage ? { usage } : {}),
    })}\n\n`;
  const frames: string[] = [];
  for (let i = 0; i < chunks; i++) {
    const last = i === chunks - 1;
    const delta = i === 0 ? { role: 'assistant', content: '' } : last ? {} : { content: `tok${i} ` };
    frames.push(frame([{ index: 0, delta, logprobs: null, finish_reason: last ? 'stop' : null }], null));
  }
  if (includeUsage) frames.push(frame([], USAGE));
  frames.push('data: [DONE]\n\n');
  return frames;
}

/** @see https://docs.anthropic.com/en/api/messages */
function anthropicMessage(model: string): string {
  return JSON.stringify({
    id: 'msg_bench',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: TEXT }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 50 },
  });
}

/** @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types */
function anthropicFrames(model: string, chunks: number): string[] {
  const event = (data: { type: string; [key: string]: unknown }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const frames = [
    event({
      type: 'message_start',
      message: {
        id: 'msg_bench',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    }),
    event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    event({ type: 'ping' }),
  ];
  for (let i = 0; i < chunks; i++)
    frames.push(event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `tok${i} ` } }));
  frames.push(
    event({ type: 'content_block_stop', index: 0 }),
    event({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: chunks } }),
    event({ type: 'message_stop' }),
  );
  return frames;
}

const ROUTES = { '/v1/chat/completions': 'openai', '/v1/messages': 'anthropic' } as const;
type Route = (typeof ROUTES)[keyof typeof ROUTES];

/** What the fake served, for the fault soak to compare with the gateway's request log. */
export interface ServedTally {
  answers: number;
  /** Usage the fake reported in complete answers (a stream that was asked for none reports none). */
  inputTokens: number;
  outputTokens: number;
  answersWithoutUsage: number;
  faults: Record<string, number>;
}

/** Error bodies as each vendor sends them: OpenAI's `error` object, Anthropic's `type: error` envelope. */
function errorBody(route: Route, status: number): string {
  if (route === 'openai')
    return JSON.stringify({ error: { message: `fake fault ${status}`, type: status === 429 ? 'requests' : 'server_error', param: null, code: null } });
  const type = status === 429 ? 'rate_limit_error' : status === 503 ? 'overloaded_error' : 'api_error';
  return JSON.stringify({ type: 'error', error: { type, message: `fake fault ${status}` } });
}

export function startFakeUpstream(chunks = 50): Promise<Served> {
  // Bodies depend only on (route, model, stream, include_usage, chunks): build each once.
  const cache = new Map<string, string | string[]>();
  const cached = <T extends string | string[]>(key: string, build: () => T): T => {
    let hit = cache.get(key) as T | undefined;
    if (hit === undefined) cache.set(key, (hit = build()));
    return hit;
  };

  const count = (input: number, output: number) => {
    tally.answers++;
    tally.inputTokens += input;
    tally.outputTokens += output;
  };

  const fail = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
  };

  const tally: ServedTally = { answers: 0, inputTokens: 0, outputTokens: 0, answersWithoutUsage: 0, faults: {} };
  /** Requests whose first try has failed: their next try is served. */
  const failedOnce = new Set<string>();

  /** Injects the fault a request asks for; true when it was (the request is answered). */
  const injectFault = (req: IncomingMessage, res: ServerResponse, route: Route): boolean => {
    const fault = req.headers['x-bench-fault'];
    const id = req.headers['x-bench-req'];
    if (typeof fault !== 'string' || fault === 'cut' || typeof id !== 'string') return false;
    if (failedOnce.delete(id)) return false;
    failedOnce.add(id);
    tally.faults[fault] = (tally.faults[fault] ?? 0) + 1;
    if (fault === 'reset') {
      req.socket.destroy();
      return true;
    }
    const status = Number(fault);
    const text = errorBody(route, status);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(status === 429 ? { 'retry-after': '1' } : {}) });
    res.end(text);
    return true;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const route = req.method === 'POST' ? ROUTES[req.url as keyof typeof ROUTES] : undefined;
    if (!route) return fail(res, 404, `no route for ${req.method} ${req.url}`);
    if (req.headers['x-bench-fault'] !== undefined && injectFault(req, res, route)) return;
    let body: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } | null };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return fail(res, 400, 'body is not JSON');
    }
    const model = typeof body.model === 'string' ? body.model : 'fake-model';
    if (body.stream !== true) {
      const text = cached(`${route}|c|${model}`, () => (route === 'openai' ? completion(model) : anthropicMessage(model)));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      count(12, route === 'openai' ? USAGE.completion_tokens : 50);
      return res.end(text);
    }
    const n = positive(req.headers['x-bench-chunks']) ?? chunks;
    const includeUsage = body.stream_options?.include_usage === true;
    const frames =
      route === 'openai'
        ? cached(`openai|s|${model}|${includeUsage}|${n}`, () => streamFrames(model, n, includeUsage))
        : cached(`anthropic|s|${model}|${n}`, () => anthropicFrames(model, n));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (req.headers['x-bench-fault'] === 'cut') {
      tally.faults.cut = (tally.faults.cut ?? 0) + 1;
      for (const frame of frames.slice(0, frames.length >> 1)) res.write(frame);
      // Destroyed once the half is on the wire: the client of the gateway sees a stream that stops.
      return void res.write('', () => res.destroy());
    }
    if (route === 'anthropic') count(12, n);
    else if (includeUsage) count(USAGE.prompt_tokens, USAGE.completion_tokens);
    else tally.answersWithoutUsage++;
    const delayMs = positive(req.headers['x-bench-delay-ms']);
    if (delayMs !== undefined) return writeSlowly(res, frames, delayMs);
    // One chunked-encoding chunk per frame, as a token-by-token upstream sends them, all at once.
    res.cork();
    for (const frame of frames) res.write(frame);
    res.uncork();
    res.end();
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
        report: () => Promise.resolve({ served: tally }),
      });
    });
  });
}

/** A header's positive integer value, if it has one. */
function positive(value: string | string[] | undefined): number | undefined {
  const n = typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The first frame at once, then one every `delayMs` on a timer; a client that goes away stops the timer. */
function writeSlowly(res: ServerResponse, frames: string[], delayMs: number): void {
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    res.write(frames[next++]);
    if (next < frames.length) timer = setTimeout(tick, delayMs);
    else res.end();
  };
  res.once('close', () => clearTimeout(timer));
  tick();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--chunks');
  runAsChild(() => startFakeUpstream(at > 0 ? Number(process.argv[at + 1]) : 50));
}
