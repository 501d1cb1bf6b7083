/**
 * Client traffic for the replica tests: OpenAI Chat requests sent with fetch,
 * each answer read whole, as a client SDK would.
 */
export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

export async function chat(url: string, key: string, options: { model?: string; text?: string; stream?: boolean; maxTokens?: number } = {}): Promise<Answer> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: options.model ?? 'gpt-test',
      messages: [{ role: 'user', content: options.text ?? 'Hello' }],
      stream: options.stream ?? false,
      ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
    }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a stream, or not JSON: the text is the body
  }
  return { status: res.status, body, headers: res.headers };
}

/** An admin API call on one replica. */
export async function admin(url: string, adminKey: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** How many answers had each status, e.g. { 200: 50, 429: 150 }. */
export function countStatuses(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}
