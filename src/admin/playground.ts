import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminDeps } from './deps.js';
import { AdminError, invalid, readBody } from './errors.js';
import { logRecordView } from './schemas.js';
import { CAPTURE_LIMIT_BYTES, maskHeader, startPlaygroundRun, type PlaygroundRun } from '../providers/upstream-capture.js';
import { ANTHROPIC_VERSION } from '../providers/anthropic.js';
import type { KeyRecord } from '../store/types.js';

export const PLAYGROUND_SHAPES = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'] as const;
type Shape = (typeof PLAYGROUND_SHAPES)[number];

export const playgroundBody = z
  .object({
    shape: z.enum(PLAYGROUND_SHAPES).describe('the client API shape the request is sent in'),
    model: z.string().min(1),
    stream: z.boolean().default(false),
    body: z.record(z.string(), z.unknown()).describe("the request body in the shape's own format; `model` and `stream` are set from the fields above"),
    key: z.string().min(1).optional().describe('the id of a client key to run as (its models, limits and budget apply); absent: the playground identity'),
  })
  .strict();

const chunkView = z.object({ atMs: z.number(), text: z.string() });
const sideView = z.object({
  request: z.object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()), body: z.string().nullable(), truncated: z.boolean() }),
  response: z
    .object({ status: z.number(), headers: z.record(z.string(), z.string()), chunks: z.array(chunkView), truncated: z.boolean(), ended: z.boolean() })
    .optional(),
  error: z.string().optional(),
});
export const playgroundView = z.object({
  requestId: z.string().nullable(),
  key: z.object({ id: z.string(), name: z.string() }),
  client: sideView.describe('what the client sent and received; for a stream, the bytes in the chunks they arrived in'),
  upstream: z.array(sideView.extend({ startedAt: z.number() })).describe('each upstream try as the gateway sent it (credentials masked) and what came back'),
  row: logRecordView.nullable().describe('the request log row it made: tokens, cost, latency, attempts'),
});

/** Who a playground run is when the admin picks no key: recorded as such (key id and group `playground`). */
export const PLAYGROUND_KEY: KeyRecord = {
  id: 'playground',
  name: 'playground',
  hash: '',
  prefix: '',
  group: 'playground',
  models: null,
  limits: null,
  budget: null,
  source: 'playground',
  createdAt: 0,
  revokedAt: null,
};

/** How long the run's row may take to be finished after the answer's last byte. */
const ROW_WAIT_MS = 2000;

/**
 * POST /playground: sends one request through the gateway's own data plane,
 * as a client of the chosen shape would, and answers with both sides of the
 * wire: the client's request and response (stream chunks as they arrived),
 * each upstream try as the gateway sent it and got it back
 * (providers/upstream-capture.ts, secrets masked, bounded), and the log row.
 */
export function playgroundRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();
  app.post('/', async (c) => {
    const dispatch = ctx.dispatch;
    const runs = ctx.playground;
    if (!dispatch || !runs) throw new AdminError(501, 'the playground is not served here', null, 'not_implemented');
    const input = await readBody(c, playgroundBody);
    const key = input.key === undefined ? PLAYGROUND_KEY : ctx.catalog.current().keysById.get(input.key);
    if (!key || key.revokedAt !== null) throw invalid([{ path: 'key', message: `no live key with id ${input.key}` }], 'invalid_body');

    const { path, headers, body } = clientRequest(input.shape, input.model, input.stream, input.body);
    const url = new URL(path, c.req.url).toString();
    const sent = JSON.stringify(body);
    const request = new Request(url, { method: 'POST', headers, body: sent });
    const run = startPlaygroundRun(key);
    runs.register(request, run);

    const started = ctx.now();
    const res = await dispatch(request);
    const client = await readClientSide(res, started, ctx.now);
    await Promise.race([run.finished, ctx.sleep(ROW_WAIT_MS)]);
    return c.json({
      requestId: res.headers.get('x-request-id'),
      key: { id: key.id, name: key.name },
      client: { request: { method: 'POST', url: path, headers: maskAll(headers), body: sent, truncated: false }, response: client },
      upstream: run.exchanges,
      row: run.row ?? null,
    } satisfies z.input<typeof playgroundView>);
  });
  return app;
}

/** The request as a client of that shape sends it: its path, headers and body. */
function clientRequest(shape: Shape, model: string, stream: boolean, body: Record<string, unknown>) {
  const json = { 'content-type': 'application/json', 'x-switchboard-metadata': JSON.stringify({ playground: true }) };
  switch (shape) {
    case 'openai-chat':
      return { path: '/v1/chat/completions', headers: json, body: { ...body, model, stream } };
    case 'openai-responses':
      return { path: '/v1/responses', headers: json, body: { ...body, model, stream } };
    case 'anthropic-messages':
      // @see https://docs.anthropic.com/en/api/versioning
      return { path: '/v1/messages', headers: { ...json, 'anthropic-version': ANTHROPIC_VERSION }, body: { ...body, model, stream } };
    case 'gemini':
      // @see https://ai.google.dev/api/generate-content (streamGenerateContent with alt=sse)
      return {
        path: `/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        headers: json,
        body: { ...body },
      };
    default:
      return shape satisfies never;
  }
}

async function readClientSide(res: Response, started: number, now: () => number) {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = maskHeader(name, value)));
  const chunks: { atMs: number; text: string }[] = [];
  let kept = 0;
  let truncated = false;
  if (res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      // Read to the end (the run's row comes with it), keep what fits.
      if (kept >= CAPTURE_LIMIT_BYTES) {
        truncated = true;
        continue;
      }
      const part = text.slice(0, CAPTURE_LIMIT_BYTES - kept);
      truncated ||= part.length < text.length;
      kept += part.length;
      chunks.push({ atMs: now() - started, text: part });
    }
  }
  return { status: res.status, headers, chunks, truncated, ended: true };
}

function maskAll(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskHeader(name, value)]));
}

export type { PlaygroundRun };
