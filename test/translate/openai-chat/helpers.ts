// Shared helpers for the OpenAI Chat codec tests: fixtures, SSE replay, a tiny SSE server for the SDK.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IREvent } from '../../../src/translate/ir.js';
import { openaiChatCodec } from '../../../src/translate/openai-chat/index.js';
import { replaySse } from '../replay-sse.js';

const FIXTURES = new URL('../../fixtures/openai-chat/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureJson(name: string): any {
  return JSON.parse(fixtureText(name));
}

/** Feed SSE text through the scanner in small uneven pieces, then through the codec's stream decoder. */
export function decodeSse(text: string, pieceSize = 37): IREvent[] {
  return replaySse(openaiChatCodec.decodeStream(), text, pieceSize);
}

/** Text of each block, by IR block id, plus the order the blocks started in. */
export function assemble(events: IREvent[]): { order: string[]; text: Record<string, string> } {
  const order: string[] = [];
  const text: Record<string, string> = {};
  for (const e of events) {
    if (e.type === 'text-start' || e.type === 'reasoning-start' || e.type === 'tool-call-start') {
      order.push(e.id);
      text[e.id] = '';
    }
    if (e.type === 'text-delta' || e.type === 'reasoning-delta') text[e.id] += e.delta;
    if (e.type === 'tool-call-delta') text[e.id] += e.argumentsDelta;
  }
  return { order, text };
}

export interface TinyServer {
  url: string;
  requests: { path: string; body: any }[];
  close(): Promise<void>;
}

/** A node:http server that answers every request with `answer()`: a status, a content type and a body. */
export async function startTinyServer(answer: () => { status: number; contentType: string; body: string }): Promise<TinyServer> {
  const requests: { path: string; body: any }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', body: raw ? JSON.parse(raw) : undefined });
      const { status, contentType, body } = answer();
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
