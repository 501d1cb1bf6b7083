import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY } from '../helpers/gateway.js';

/** A clock the test moves by hand: 2025-01-15 12:00:30 UTC, half way through a minute. */
export function manualClock(start = Date.UTC(2025, 0, 15, 12, 0, 30)) {
  const clock = { t: start, now: () => clock.t, advance: (ms: number) => (clock.t += ms) };
  return clock;
}

/** A client key of the right length, distinct per name. */
export function testKey(name: string): string {
  return `sk-sb-limits-${name.padEnd(24, '0')}`;
}

/** SDK clients that do not retry, so every 429 is seen as it is. */
export function openaiClient(gw: NodeGateway, key: string): OpenAI {
  return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
}

export function anthropicClient(gw: NodeGateway, key: string): Anthropic {
  return new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
}

export function chat(client: OpenAI, maxTokens = 10) {
  return client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], max_tokens: maxTokens }).withResponse();
}

/** Calls the admin API; returns status and parsed body. */
export async function admin(gw: NodeGateway, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Splits settled promises into answers and errors. */
export function outcomes<T>(results: PromiseSettledResult<T>[]): { ok: T[]; errors: any[] } {
  return {
    ok: results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value),
    errors: results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason),
  };
}
