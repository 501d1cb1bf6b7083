// Shared by the Anthropic codec tests: fixture loading, SSE decoding, and a
// tiny HTTP server that answers the official SDK with whatever a test gives it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { anthropicCodec } from '../../../src/translate/anthropic/index.js';
import type { IREvent } from '../../../src/translate/ir.js';
import { replaySse } from '../replay-sse.js';

const FIXTURES = new URL('../../fixtures/anthropic/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Feeds SSE text to the codec's stream decoder in small uneven chunks, then ends it. */
export function decodeSse(text: string, chunkSize = 17): IREvent[] {
  return replaySse(anthropicCodec.decodeStream(), text, chunkSize);
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** A node:http server that answers every request with `answer()`, and remembers the request bodies. */
export async function startAnswerServer(answer: () => Answer): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      bodies.push(raw ? JSON.parse(raw) : undefined);
      const a = answer();
      res.writeHead(a.status, { 'content-type': a.contentType, 'request-id': 'req_test' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sdkClient(baseURL: string): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 });
}

export const SDK_PARAMS = {
  model: 'claude-client-alias',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
