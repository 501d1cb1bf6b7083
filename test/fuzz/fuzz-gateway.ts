import { Pool } from 'undici';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * The gateway the hostile-input tests run against: every client shape
 * routed to a fake upstream of each vendor, so a request that gets through
 * is passed through (same shape) or translated (another shape), and
 * Anthropic's count_tokens on an OpenAI upstream is estimated by the
 * gateway itself. The key has a token-per-minute limit, so each request's
 * reservation is estimated from its body too.
 */
export interface FuzzRig {
  gw: NodeGateway;
  fakes: FakeUpstream[];
  /** Sends a raw body (string or bytes) with the shape's own auth headers; never throws on a status. */
  send(path: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  text: string;
  ms: number;
  /** Set on answers an upstream served (absent on the gateway's own refusals). */
  upstream: string | undefined;
}

/** The public models: `gpt` (OpenAI upstream), `claude` (Anthropic), `gemini` (Gemini). */
export const MODELS = ['gpt', 'claude', 'gemini'] as const;

export async function startFuzzRig(options: { connections?: number; logBodies?: boolean } = {}): Promise<FuzzRig> {
  const [oai, ant, gem] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const gw = await startTestGateway({
    extra: {
      upstreams: [
        { id: 'oai', kind: 'openai', speaks: ['chat', 'responses'], baseUrl: `${oai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: [{ key: 'fake-gemini-key' }] },
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
      ],
      models: [
        { id: 'gpt', routes: [{ upstream: 'oai', model: 'gpt-4o' }] },
        { id: 'claude', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'embed', routes: [{ upstream: 'oai', model: 'text-embedding-3-small' }] },
        // Legacy completions passed through (`gpt` is a chat model there: learned and translated to Chat).
        { id: 'instruct', routes: [{ upstream: 'oai', model: 'gpt-3.5-turbo-instruct' }] },
      ],
      keys: [{ name: 'tester', group: 'team-a', key: TEST_KEY, limits: { tpm: 1_000_000_000 } }],
      // Full body logging: every hostile body also goes through redaction.
      ...(options.logBodies === false ? {} : { logging: { bodies: 'full', redact: { emails: true, patterns: [] } } }),
    },
  });
  // Keep-alive connections, several at once: ten thousand bodies per shape must not each pay a TCP handshake.
  const pool = new Pool(gw.url, { connections: options.connections ?? 8, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${TEST_KEY}`, 'x-api-key': TEST_KEY, 'x-goog-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' };
  return {
    gw,
    fakes: [oai, ant, gem],
    async send(path, body, extra = { 'content-type': 'application/json' }) {
      const started = performance.now();
      const res = await pool.request({ method: 'POST', path, headers: { ...headers, ...extra }, body });
      const text = await res.body.text();
      const upstream = res.headers['x-switchboard-upstream'];
      return { status: res.statusCode, text, ms: performance.now() - started, upstream: typeof upstream === 'string' ? upstream : undefined };
    },
    async close() {
      await pool.close();
      await gw.close();
      await Promise.all([oai.close(), ant.close(), gem.close()]);
    },
  };
}

/** The error shape a path's clients read. */
export type Shape = 'openai' | 'anthropic' | 'gemini';

/**
 * Checks a gateway-made 4xx body against its shape; returns what is wrong, or
 * undefined. The message must be a non-empty string in every shape.
 */
export function errorShapeProblem(shape: Shape, text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 200)}`;
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== 'object') return `no error object: ${text.slice(0, 200)}`;
  if (typeof error.message !== 'string' || error.message === '') return `no message: ${text.slice(0, 200)}`;
  switch (shape) {
    case 'openai':
      if (typeof error.type !== 'string' || !('param' in error) || !('code' in error)) return `not OpenAI's {message,type,param,code}: ${text.slice(0, 200)}`;
      return undefined;
    case 'anthropic':
      if ((body as { type?: unknown }).type !== 'error' || typeof error.type !== 'string') return `not Anthropic's {type:"error",error:{type,message}}: ${text.slice(0, 200)}`;
      return undefined;
    case 'gemini':
      if (typeof error.code !== 'number' || typeof error.status !== 'string') return `not Gemini's {code,message,status}: ${text.slice(0, 200)}`;
      return undefined;
  }
}

/** The message of an error body in any of the three shapes. */
export function errorMessage(text: string): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? '';
  } catch {
    return '';
  }
}
