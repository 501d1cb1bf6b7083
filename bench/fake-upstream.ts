import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { runAsChild, type Served } from './child.js';

/**
 * A fake OpenAI upstream that answers at once: `POST /v1/chat/completions`
 * returns a small `chat.completion` with usage, or with `"stream": true` an
 * SSE body of `chunks` `chat.completion.chunk` frames, a usage-only chunk when
 * `stream_options.include_usage` is true, then `data: [DONE]`.
 * Usage: forked by bench/run.ts with `--chunks N` (default 50).
 */
const CREATED = Math.floor(Date.now() / 1000);
const USAGE = { prompt_tokens: 12, completion_tokens: 50, total_tokens: 62 };

function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the fake upstream.' }, logprobs: null, finish_reason: 'stop' }],
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

export function startFakeUpstream(chunks = 50): Promise<Served> {
  // Bodies depend only on (model, stream, include_usage): build each once.
  const cache = new Map<string, string | string[]>();
  const cached = <T extends string | string[]>(key: string, build: () => T): T => {
    let hit = cache.get(key) as T | undefined;
    if (hit === undefined) cache.set(key, (hit = build()));
    return hit;
  };

  const fail = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return fail(res, 404, `no route for ${req.method} ${req.url}`);
    let body: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } | null };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return fail(res, 400, 'body is not JSON');
    }
    const model = typeof body.model === 'string' ? body.model : 'fake-model';
    if (body.stream !== true) {
      const text = cached(`c|${model}`, () => completion(model));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      return res.end(text);
    }
    const includeUsage = body.stream_options?.include_usage === true;
    const frames = cached(`s|${model}|${includeUsage}`, () => streamFrames(model, chunks, includeUsage));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
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
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--chunks');
  runAsChild(() => startFakeUpstream(at > 0 ? Number(process.argv[at + 1]) : 50));
}
