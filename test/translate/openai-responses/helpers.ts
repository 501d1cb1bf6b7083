// Shared helpers for the openai-responses codec tests: fixtures, running the
// stream decoder over raw SSE text, and a tiny HTTP server that answers the
// official SDK with whatever a test hands it.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { openaiResponsesCodec } from '../../../src/translate/openai-responses/index.js';
import type { IREvent, IRRequest } from '../../../src/translate/ir.js';
import { replaySse } from '../replay-sse.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/openai-responses/', import.meta.url));

export function fixtureText(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

export function fixtureJson(name: string): any {
  return JSON.parse(fixtureText(name));
}

/** Feeds SSE text through the codec's stream decoder in small chunks, as it would arrive. */
export function decodeSse(text: string, chunkSize = 37): IREvent[] {
  return replaySse(openaiResponsesCodec.decodeStream(), text, chunkSize);
}

/** Runs IR events through the codec's stream encoder and returns the SSE text. */
export function encodeSse(request: IRRequest, events: IREvent[]): string {
  const encoder = openaiResponsesCodec.encodeStream(request);
  return events.map((event) => encoder.push(event)).join('') + encoder.end();
}

export interface Canned {
  status: number;
  contentType: 'application/json' | 'text/event-stream';
  body: string;
}

/** A node:http server answering every request with the canned reply a test sets. */
export interface CannedServer {
  url: string;
  reply: Canned;
  requests: unknown[];
  client(): OpenAI;
  close(): Promise<void>;
}

export async function startCannedServer(): Promise<CannedServer> {
  const state: CannedServer = {
    url: '',
    reply: { status: 200, contentType: 'application/json', body: '{}' },
    requests: [],
    client: () => new OpenAI({ apiKey: 'sk-test', baseURL: `${state.url}/v1`, maxRetries: 0 }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      state.requests.push(raw ? JSON.parse(raw) : undefined);
      res.writeHead(state.reply.status, { 'content-type': state.reply.contentType, 'x-request-id': 'req_test' });
      res.end(state.reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** The minimal IR request a client response is encoded against. */
export function baseRequest(overrides: Partial<IRRequest> = {}): IRRequest {
  return { model: 'gpt-test', system: [], messages: [], tools: [], stream: true, extra: null, ...overrides };
}
