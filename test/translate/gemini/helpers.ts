// Shared plumbing for the Gemini codec tests: fixtures, SSE replay, and a tiny
// node:http server the @google/genai SDK can be pointed at.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleGenAI } from '@google/genai';
import type { IREvent, IRFinish, IRPart, Usage } from '../../../src/translate/ir.js';
import { geminiCodec } from '../../../src/translate/gemini/index.js';
import { replaySse } from '../replay-sse.js';

const FIXTURES = new URL('../../fixtures/gemini/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixture(name: string): any {
  return JSON.parse(fixtureText(name));
}

/** Feeds SSE text through the scanner and the codec's stream decoder, in pieces of `chunkSize` characters. */
export function decodeSse(text: string, chunkSize = 17): IREvent[] {
  return replaySse(geminiCodec.decodeStream(), text, chunkSize);
}

export interface TinyServer {
  url: string;
  paths: string[];
  close(): Promise<void>;
}

/** Answers every request with the given status, content type and body. */
export async function serve(answer: () => { status: number; contentType: string; body: string }): Promise<TinyServer> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      const { status, contentType, body } = answer();
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sdkFor(url: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: url } });
}

/**
 * Checks the IR stream rules (response-start first, one finish last, every
 * block started before its deltas and ended once) and assembles the parts.
 */
export function assemble(events: IREvent[]): { parts: IRPart[]; finish: IRFinish; usage?: Partial<Usage> } {
  if (events[0]?.type !== 'response-start') throw new Error('response-start must come first');
  const finishes = events.filter((e) => e.type === 'finish');
  if (finishes.length !== 1 || events.at(-1)?.type !== 'finish') throw new Error('exactly one finish, at the end');
  const open = new Map<string, IRPart>();
  const parts: IRPart[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'text-start':
      case 'reasoning-start':
      case 'tool-call-start': {
        if (open.has(e.id) || parts.some((p) => (p as { blockId?: string }).blockId === e.id)) throw new Error(`block ${e.id} reused`);
        const part: IRPart =
          e.type === 'text-start'
            ? { type: 'text', text: '' }
            : e.type === 'reasoning-start'
              ? { type: 'reasoning', text: '', ...(e.vendor ? { vendor: e.vendor } : {}) }
              : { type: 'tool-call', id: e.toolCallId, name: e.name, arguments: '' };
        open.set(e.id, part);
        break;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const part = open.get(e.id);
        if (!part || (part.type !== 'text' && part.type !== 'reasoning')) throw new Error(`delta for closed block ${e.id}`);
        part.text += e.delta;
        break;
      }
      case 'reasoning-signature': {
        const part = open.get(e.id);
        if (part?.type !== 'reasoning') throw new Error(`signature for closed block ${e.id}`);
        if (e.signature !== undefined) part.signature = e.signature;
        break;
      }
      case 'tool-call-delta': {
        const part = open.get(e.id);
        if (part?.type !== 'tool-call') throw new Error(`arguments for closed block ${e.id}`);
        part.arguments += e.argumentsDelta;
        break;
      }
      case 'text-end':
      case 'reasoning-end':
      case 'tool-call-end': {
        const part = open.get(e.id);
        if (!part) throw new Error(`end of closed block ${e.id}`);
        open.delete(e.id);
        parts.push(part);
        break;
      }
      default:
        break;
    }
  }
  if (open.size > 0) throw new Error(`blocks left open: ${[...open.keys()].join(', ')}`);
  const finish = finishes[0] as Extract<IREvent, { type: 'finish' }>;
  return { parts, finish: finish.finish, ...(finish.usage ? { usage: finish.usage } : {}) };
}
