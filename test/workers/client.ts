import { inject } from 'vitest';
import { eventually as pollUntil } from '../helpers/gateway.js';

/**
 * The suite's only ways in: the data plane as a client calls it, and the
 * admin API. Nothing here reads the gateway's store.
 */
export const target = () => inject('target');

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a stream, or not JSON: the text is the body
  }
  return { status: res.status, body, headers: res.headers };
}

export async function admin(method: string, path: string, body?: unknown): Promise<Reply> {
  const { url, adminKey } = target();
  const res = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return reply(res);
}

/** An OpenAI Chat request sent with fetch, read whole. */
export async function chat(key: string, options: { model?: string; text?: string; maxTokens?: number } = {}): Promise<Reply> {
  const res = await fetch(`${target().url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: options.model ?? 'gpt-pass',
      messages: [{ role: 'user', content: options.text ?? 'Hello' }],
      ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
    }),
  });
  return reply(res);
}

/** The request log row of one request (by its x-request-id), once it is written. */
export async function rowOf(requestId: string | null | undefined, ms = 5000): Promise<any> {
  if (!requestId) throw new Error('the answer had no x-request-id');
  try {
    return await eventually(async () => {
      const found = await admin('GET', `/logs/${encodeURIComponent(requestId)}`);
      if (found.status !== 200) throw new Error(`log row ${requestId}: ${found.status} ${JSON.stringify(found.body)}`);
      return found.body;
    }, ms);
  } catch (err) {
    // What the log does hold says whether the row went missing or came under another id or late.
    const latest = await admin('GET', '/logs?limit=5');
    const rows = (latest.body?.data ?? []) as { id: string; protocol: string; status: number; outcome: string; ts: number }[];
    const seen = rows.map((r) => `${r.id} ${r.protocol} ${r.status} ${r.outcome} at ${r.ts}`).join('\n  ');
    throw new Error(`${(err as Error).message}\nthe newest rows at ${Date.now()}:\n  ${seen}`);
  }
}

/** How many answers had each status, e.g. { 200: 50, 429: 150 }. */
export function countStatuses(answers: Reply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

/** Polls until `check` passes or the time is up (for effects that land after the answer: log rows, cache entries). */
export const eventually = <T>(check: () => Promise<T> | T, ms = 5000): Promise<T> => pollUntil(check, ms);
