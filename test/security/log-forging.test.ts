import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, TEST_KEY, eventually, startTestGateway } from '../helpers/gateway.js';

/**
 * Text a client or an upstream chooses (model names, key names, paths,
 * upstream error bodies) cannot write a line of its own into the process
 * log: a line break in it is written as `\n`. Logged bodies keep their bytes,
 * and the admin API hands them back as JSON strings.
 */

const FORGED = '\n[fake] admin signed in';
const TERMINAL = '\u001b[2K\r[fake] cleared the line';

let upstream: FakeUpstream;
let gw: NodeGateway;
const lines: string[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  // The upstream's model list fails with a text body holding a line break and a terminal escape; the model sync at start logs it.
  upstream.failNext({ kind: 'status', status: 500, body: `model list unavailable${FORGED}${TERMINAL}` }, 100, (call) => call.path.endsWith('/models'));
  gw = await startTestGateway({
    log: (line) => lines.push(line),
    extra: {
      upstreams: [
        { id: 'mock', kind: 'mock', models: ['mock-model'] },
        { id: 'oai', kind: 'openai', baseUrl: `${upstream.url}/v1`, credentials: [{ key: 'sk-fake-openai' }], modelSync: { intervalMinutes: 60 } },
      ],
      models: [{ id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] }],
      logging: { bodies: 'full' },
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const post = (path: string, body: unknown, key = TEST_KEY) =>
  fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('log lines', () => {
  it('cannot be forged by client or upstream text', async () => {
    // Client-chosen text in every place it might be logged.
    await post('/v1/chat/completions', { model: `gpt-test${FORGED}`, messages: [{ role: 'user', content: `hi${FORGED}` }] });
    await post('/v1/messages', { model: `claude${FORGED}`, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    await post(`/v1beta/models/gemini${encodeURIComponent(FORGED)}:generateContent`, { contents: [{ parts: [{ text: 'hi' }] }] });
    await fetch(`${gw.url}/v1/${encodeURIComponent(FORGED)}`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    await post('/v1/chat/completions', { model: 'gpt-test', messages: [] }, `sk-bad${encodeURIComponent(FORGED)}`);
    await post('/admin/api/keys', { name: `intruder${FORGED}` }, ADMIN_KEY);
    await post('/admin/api/models', { id: `m${FORGED}`, routes: [{ upstream: 'oai', model: `x${FORGED}` }] }, ADMIN_KEY);
    await post('/v1/chat/completions', { model: `m${FORGED}`, messages: [{ role: 'user', content: 'hi' }] });

    // The upstream's error body reached the log, as one line with its breaks escaped.
    const synced = await eventually(() => {
      const line = lines.find((l) => l.includes('model sync failed'));
      expect(line).toBeDefined();
      return line!;
    });
    expect(synced).toContain('model list unavailable\\n[fake] admin signed in\\u001b[2K\\r[fake] cleared the line');

    const all = lines.join('\n').split(/\r\n|\r|\n|\u2028|\u2029/);
    expect(all.filter((l) => l.startsWith('[fake]'))).toEqual([]);
    expect(lines.filter((l) => l.includes('\u001b'))).toEqual([]);
  });
});

describe('logged bodies', () => {
  it('keep their bytes and come back from the admin API as JSON strings', async () => {
    const content = `say it${FORGED}${TERMINAL}\u0000`;
    const res = await post('/v1/chat/completions', { model: 'mock-model', messages: [{ role: 'user', content }] });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id')!;
    const detail = await eventually(async () => {
      await gw.ctx.recorder.flush();
      const answer = await fetch(`${gw.url}/admin/api/logs/${id}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      const json = (await answer.json()) as { bodies: { request: string } | null };
      expect(json.bodies?.request).toBeTypeOf('string');
      return json;
    }, 10_000);
    expect(JSON.parse(detail.bodies!.request).messages[0].content).toBe(content);
  });
});
