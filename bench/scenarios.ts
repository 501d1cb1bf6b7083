import { request } from 'undici';

/**
 * What the bench sends: one request per shape, and the scenarios (a shape
 * against one process). The gateway's scenarios are paired with the same
 * shape sent to the bare proxy and straight to the fake (bench/compare.ts).
 */
export const CLIENT_KEY = 'sk-sb-bench-000000000000000000000000';
export type Shape = 'chat' | 'stream' | 'translated' | 'anthropic';
export type Target = 'fake' | 'bare' | 'switchboard' | 'shared' | 'worker';

export interface Scenario {
  id: string;
  label: string;
  target: Target;
  shape: Shape;
  /** The paced run's rate when it is not BENCH_RATE (the Worker's). */
  rate?: number;
  /** Left out unless BENCH_ONLY names it (the Worker: slow, and not part of the targets). */
  optIn?: boolean;
  /** Skipped with a note, not failed, when its smoke test is refused (a fake or config without the Anthropic route). */
  optional?: boolean;
}

export interface Shaped {
  path: string;
  body: string;
  headers: Record<string, string>;
}

const messages = [{ role: 'user', content: 'Say hello.' }];
const OPENAI_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` };
export const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' };
/** The model Switchboard routes to the fake's Anthropic route (bench/switchboard.ts); the fake answers any model. */
export const ANTHROPIC_MODEL = 'bench-claude';

export function shapes(): Record<Shape, Shaped> {
  return {
    // Streaming clients do not ask for usage: Switchboard asks the upstream for it and drops that chunk.
    chat: { path: '/v1/chat/completions', body: JSON.stringify({ model: 'bench-model', messages }), headers: OPENAI_HEADERS },
    stream: { path: '/v1/chat/completions', body: JSON.stringify({ model: 'bench-model', messages, stream: true }), headers: OPENAI_HEADERS },
    // An Anthropic client on the OpenAI upstream: every event is decoded to the IR and encoded again.
    translated: {
      path: '/v1/messages',
      body: JSON.stringify({ model: 'bench-model', max_tokens: 256, messages, stream: true }),
      headers: ANTHROPIC_HEADERS,
    },
    anthropic: { path: '/v1/messages', body: JSON.stringify({ model: ANTHROPIC_MODEL, max_tokens: 256, messages }), headers: ANTHROPIC_HEADERS },
  };
}

export function scenarios(chunks: number, workerRate: number, workerHost: string): Scenario[] {
  const s = `stream ${chunks}`;
  return [
    { id: 'direct', label: 'direct to fake', target: 'fake', shape: 'chat' },
    { id: 'direct-stream', label: `direct to fake, ${s}`, target: 'fake', shape: 'stream' },
    { id: 'direct-anthropic', label: 'direct to fake, Anthropic', target: 'fake', shape: 'anthropic', optional: true },
    { id: 'bare', label: 'bare proxy', target: 'bare', shape: 'chat' },
    { id: 'bare-stream', label: `bare proxy, ${s}`, target: 'bare', shape: 'stream' },
    { id: 'bare-anthropic', label: 'bare proxy, Anthropic', target: 'bare', shape: 'anthropic', optional: true },
    { id: 'switchboard', label: 'Switchboard', target: 'switchboard', shape: 'chat' },
    { id: 'switchboard-stream', label: `Switchboard, ${s}`, target: 'switchboard', shape: 'stream' },
    { id: 'switchboard-translated-stream', label: `Switchboard, Anthropic client on OpenAI upstream, ${s}`, target: 'switchboard', shape: 'translated' },
    { id: 'switchboard-anthropic', label: 'Switchboard, Anthropic pass-through', target: 'switchboard', shape: 'anthropic', optional: true },
    { id: 'shared', label: 'Switchboard on PostgreSQL + Redis', target: 'shared', shape: 'chat' },
    { id: 'shared-stream', label: `Switchboard on PostgreSQL + Redis, ${s}`, target: 'shared', shape: 'stream' },
    { id: 'shared-translated-stream', label: `Switchboard on PostgreSQL + Redis, translated, ${s}`, target: 'shared', shape: 'translated' },
    { id: 'shared-anthropic', label: 'Switchboard on PostgreSQL + Redis, Anthropic pass-through', target: 'shared', shape: 'anthropic', optional: true },
    { id: 'worker', label: `Switchboard Worker (${workerHost})`, target: 'worker', shape: 'chat', rate: workerRate, optIn: true },
    { id: 'worker-stream', label: `Switchboard Worker (${workerHost}), ${s}`, target: 'worker', shape: 'stream', rate: workerRate, optIn: true },
  ];
}

/**
 * One request before the load: right status, right shape, every frame, and no usage chunk the
 * client did not ask for. Returns why it is refused (the status and the start of the body) for an
 * optional scenario whose route is not there; throws on anything else.
 */
export async function smokeTest(url: string, shape: Shape, shaped: Shaped, chunks: number, optional = false): Promise<string | undefined> {
  const res = await request(url, { method: 'POST', headers: shaped.headers, body: shaped.body });
  const text = await res.body.text();
  if (res.statusCode !== 200) {
    const why = `status ${res.statusCode}: ${text.slice(0, 200)}`;
    if (optional) return why;
    throw new Error(`smoke test ${url} (${shape}): ${why}`);
  }
  const fail = (what: string) => {
    throw new Error(`smoke test ${url} (${shape}): ${what}: ${text.slice(0, 300)}`);
  };
  if (shape === 'chat') {
    const body = JSON.parse(text) as { object?: string; usage?: unknown };
    if (body.object !== 'chat.completion' || !body.usage) fail('unexpected body');
  } else if (shape === 'anthropic') {
    const body = JSON.parse(text) as { type?: string; usage?: unknown };
    if (body.type !== 'message' || !body.usage) fail('unexpected body');
  } else if (shape === 'translated') {
    const deltas = text.split('event: content_block_delta').length - 1;
    if (!text.startsWith('event: message_start') || !text.trimEnd().endsWith('data: {"type":"message_stop"}') || deltas < chunks - 2) fail(`${deltas} text deltas`);
  } else {
    const frames = text.split('\n\n').filter(Boolean);
    if (frames.length !== chunks + 1 || frames.at(-1) !== 'data: [DONE]' || text.includes('"choices":[]')) fail(`expected ${chunks} chunks and [DONE], got ${frames.length} frames`);
  }
  return undefined;
}
