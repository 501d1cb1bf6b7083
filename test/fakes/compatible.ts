// Fake OpenAI-compatible vendors (DeepSeek, Qwen, Moonshot, OpenRouter): each
// answers chat completions with its recorded-shape fixture from
// test/fixtures/compatible/, whole or streamed byte for byte, under a path
// prefix of its own (`/deepseek/...`). The chat path may be anything ending in
// `/chat/completions` or `/chat` (a server with its own paths); the fake
// checks no credential, so tests can read the auth headers it was sent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeUpstream } from './server.js';
import { sendJson, startFakeServer, writeAsync } from './server.js';
import { openaiError } from './openai.js';

export const COMPATIBLE_VENDORS = ['deepseek', 'qwen', 'moonshot', 'openrouter'] as const;
export type CompatibleVendor = (typeof COMPATIBLE_VENDORS)[number];

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'compatible');

/** A vendor's recorded answer: the whole JSON body, or the raw event stream. */
export function compatibleFixture(vendor: CompatibleVendor, streamed: boolean): string {
  return readFileSync(join(FIXTURES, `${vendor}-${streamed ? 'stream' : 'response'}-cache.1.${streamed ? 'sse' : 'json'}`), 'utf8');
}

export function startFakeCompatible(): Promise<FakeUpstream> {
  return startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: openaiError(`error ${status}`, 'server_error', null, null) }),
    async handle(ctx) {
      const [, vendor] = ctx.url.pathname.split('/');
      const known = (COMPATIBLE_VENDORS as readonly string[]).includes(vendor ?? '');
      const chat = /\/chat(\/completions)?$/.test(ctx.url.pathname);
      if (ctx.call.method === 'GET' && ctx.url.pathname.endsWith('/models')) {
        return sendJson(ctx, 200, { object: 'list', data: [{ id: `${vendor}-model`, object: 'model', created: 0, owned_by: vendor }] });
      }
      if (!known || !chat || ctx.call.method !== 'POST') {
        return sendJson(ctx, 404, openaiError(`Invalid URL (${ctx.call.method} ${ctx.url.pathname})`, 'invalid_request_error', null, null));
      }
      const streamed = (ctx.call.body as { stream?: unknown } | undefined)?.stream === true;
      const text = compatibleFixture(vendor as CompatibleVendor, streamed);
      if (!streamed) return sendJson(ctx, 200, JSON.parse(text));
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      await writeAsync(ctx.res, text);
      ctx.res.end();
    },
  });
}
