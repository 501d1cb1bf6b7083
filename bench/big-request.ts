import { Client } from 'undici';
import { claudeCodeRequest } from './claude-code-request.js';
import { latencyOf, type Latency } from './stats.js';

/**
 * What translating a Claude-Code-sized request costs: the same 280 KB
 * Anthropic streaming request (bench/claude-code-request.ts) sent one at a
 * time to the gateway, once for a model on an Anthropic upstream (passed
 * through) and once for a model on an OpenAI upstream (decoded, encoded to
 * OpenAI Chat, the stream translated back), each timed with hrtime from send
 * to the last byte. The two alternate, request by request, so drift in the
 * machine's load falls on both alike. `passThroughUrl` and `translatedUrl`
 * are full URLs (`.../v1/messages`); the model is the body's: `bench-claude`
 * and `bench-model` in bench/switchboard.ts.
 */
export interface BigRequestSpec {
  passThroughUrl: string;
  translatedUrl: string;
  headers: Record<string, string>;
  count: number;
  /** The models the body names for each; defaults as in bench/switchboard.ts. */
  models?: { passThrough: string; translated: string };
  bodyBytes?: number;
}

export async function measureBigRequest(
  o: BigRequestSpec,
): Promise<{ passThrough: Latency; translated: Latency; addedP50Ms: number; bodyBytes: number }> {
  const size = o.bodyBytes ?? 280_000;
  const models = o.models ?? { passThrough: 'bench-claude', translated: 'bench-model' };
  // Encoded once: the bench should not spend its CPU turning 280 KB into bytes per request.
  const target = (url: string, model: string) => {
    const u = new URL(url);
    return { path: u.pathname + u.search, client: new Client(u.origin, { keepAliveTimeout: 30_000 }), body: Buffer.from(claudeCodeRequest(size, model)) };
  };
  const passThrough = target(o.passThroughUrl, models.passThrough);
  const translated = target(o.translatedUrl, models.translated);
  const times = { passThrough: [] as number[], translated: [] as number[] };
  try {
    const warmUp = Math.min(50, Math.max(10, Math.ceil(o.count / 10)));
    for (let i = 0; i < warmUp; i++) {
      await timed(passThrough);
      await timed(translated);
    }
    for (let i = 0; i < o.count; i++) {
      times.passThrough.push(await timed(passThrough));
      times.translated.push(await timed(translated));
    }
  } finally {
    await Promise.all([passThrough.client.close(), translated.client.close()]);
  }
  const result = { passThrough: latencyOf(times.passThrough), translated: latencyOf(times.translated) };
  return { ...result, addedP50Ms: result.translated.p50 - result.passThrough.p50, bodyBytes: passThrough.body.length };

  /** One request read to its end, in ms; a wrong answer fails the measurement (it would time something else). */
  async function timed(t: ReturnType<typeof target>): Promise<number> {
    const start = process.hrtime.bigint();
    const res = await t.client.request({ path: t.path, method: 'POST', headers: o.headers, body: t.body });
    const text = await res.body.text();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.statusCode !== 200 || !text.trimEnd().endsWith('data: {"type":"message_stop"}'))
      throw new Error(`big request to ${t.client === passThrough.client ? o.passThroughUrl : o.translatedUrl}: status ${res.statusCode}: ${text.slice(0, 300)}`);
    return ms;
  }
}
