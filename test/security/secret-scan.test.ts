import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, eventually, startTestGateway, tempDir } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * A gateway holding real-looking upstream credentials (one of them refused by
 * its upstream) and several client keys, with body logging on and traces
 * exported, is driven through every client shape, streamed and not, with
 * errors; every GET of the admin API (walked from its OpenAPI document) and
 * /metrics are read. Then the database files, the process log, every admin
 * answer, the metrics text and the exported spans are scanned for each
 * secret, in clear and in base64: none may be there.
 */
const random = (n: number) => Array.from({ length: n }, (_, i) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[(i * 7 + n * 13 + Math.floor(Math.random() * 62)) % 62]).join('');
const UPSTREAM = {
  openai: `sk-proj-${random(48)}`,
  openaiRefused: `sk-proj-${random(48)}`,
  anthropic: `sk-ant-api03-${random(86)}AA`,
  gemini: `AIzaSy${random(33)}`,
};
const CLIENT = {
  alice: `sk-sb-${random(40)}`,
  bob: `sk-sb-${random(40)}`,
  carol: `sk-sb-${random(40)}`,
  // never valid: a key a client presented in vain is a secret of that client's all the same
  wrong: `sk-sb-${random(40)}`,
};
const SECRETS: Record<string, string> = { ...prefixed('upstream', UPSTREAM), ...prefixed('client', CLIENT) };
const METRICS_TOKEN = `metrics-${random(32)}`;

function prefixed(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [`${prefix} ${name}`, value]));
}

let oai: FakeUpstream;
let ant: FakeUpstream;
let gem: FakeUpstream;
let gw: NodeGateway;
const dir = tempDir();
const processLog: string[] = [];
const spans = new InMemorySpanExporter();
/** Everything read from the gateway's HTTP answers (admin API, /metrics), by where it came from. */
const answers: { where: string; text: string }[] = [];

beforeAll(async () => {
  [oai, ant, gem] = await Promise.all([
    startFakeOpenAI({ apiKey: UPSTREAM.openai }),
    startFakeAnthropic({ apiKey: UPSTREAM.anthropic }),
    startFakeGemini({ apiKey: UPSTREAM.gemini }),
  ]);
  gw = await startTestGateway({
    log: (line) => processLog.push(line),
    spanExporter: spans,
    extra: {
      storage: { url: `sqlite:${join(dir, 'switchboard.db')}` },
      telemetry: { traces: { endpoint: 'http://127.0.0.1:9/v1/traces' }, logFormat: 'json' },
      logging: { bodies: 'full' },
      metrics: { token: METRICS_TOKEN },
      upstreams: [
        // the refused credential first, so requests try it, fail over, and it is disabled
        { id: 'oai', kind: 'openai', baseUrl: `${oai.url}/v1`, strategy: 'round-robin', credentials: [{ key: UPSTREAM.openaiRefused }, { key: UPSTREAM.openai }] },
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: UPSTREAM.anthropic }] },
        { id: 'gem', kind: 'gemini', baseUrl: gem.url, credentials: [{ key: UPSTREAM.gemini }] },
      ],
      models: [
        { id: 'gpt-scan', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
        { id: 'claude-scan', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        { id: 'gemini-scan', routes: [{ upstream: 'gem', model: 'gemini-2.5-flash' }] },
        { id: 'embed-scan', routes: [{ upstream: 'oai', model: 'embed-upstream' }] },
        { id: 'ctx-scan', routes: [{ upstream: 'oai', model: 'fake-error-context' }] },
      ],
      keys: [
        { name: 'alice', group: 'team-a', key: CLIENT.alice },
        { name: 'bob', group: 'team-b', key: CLIENT.bob, limits: { rpm: 1000 }, budget: { tokens: 1_000_000 } },
        { name: 'carol', group: 'team-c', key: CLIENT.carol, responses: { store: true } },
      ],
      groups: [{ id: 'team-b', limits: { rpm: 1000 }, budget: { usd: 100 } }],
      prices: { 'gpt-upstream': { input: 1, output: 2 }, 'claude-upstream': { input: 1, output: 2 }, 'embed-upstream': { input: 1, output: 0 } },
    },
  });
  await driveTraffic();
  await gw.ctx.recorder.flush();
  await readAdminApi();
  await gw.ctx.recorder.flush();
}, 120_000);
afterAll(async () => {
  await gw?.close();
  await Promise.all([oai?.close(), ant?.close(), gem?.close()]);
});

async function driveTraffic(): Promise<void> {
  const openai = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const anthropic = (key: string) => new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 });
  const say = [{ role: 'user' as const, content: 'tell me a secret' }];
  const settle = (work: Promise<unknown>) => work.catch(() => undefined);
  const drain = async (stream: AsyncIterable<unknown>) => {
    for await (const _ of stream) {
      /* read it all */
    }
  };

  for (const key of [CLIENT.alice, CLIENT.bob, CLIENT.carol]) {
    await openai(key).chat.completions.create({ model: 'gpt-scan', messages: say });
    await drain(await openai(key).chat.completions.create({ model: 'claude-scan', messages: say, stream: true }));
    await openai(key).responses.create({ model: 'gpt-scan', input: 'tell me a secret' });
    await drain(await openai(key).responses.create({ model: 'claude-scan', input: 'tell me a secret', stream: true }));
    await anthropic(key).messages.create({ model: 'claude-scan', max_tokens: 50, messages: say });
    await anthropic(key).messages.stream({ model: 'gpt-scan', max_tokens: 50, messages: say }).finalMessage();
    await anthropic(key).messages.countTokens({ model: 'claude-scan', messages: say });
    await openai(key).embeddings.create({ model: 'embed-scan', input: 'a secret' });
    const gemini = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: gw.url } });
    await gemini.models.generateContent({ model: 'gemini-scan', contents: 'tell me a secret' });
    await drain(await gemini.models.generateContentStream({ model: 'gpt-scan', contents: 'tell me a secret' }));
    await gemini.models.countTokens({ model: 'gemini-scan', contents: 'tell me a secret' });
    // Gemini's key in the URL
    await fetch(`${gw.url}/v1beta/models/gemini-scan:generateContent?key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    await fetch(`${gw.url}/v1beta/models?key=${key}`);
    // errors: an unknown model, a bad body, an upstream 400, a broken upstream stream, a key in the URL where it is not read
    await settle(openai(key).chat.completions.create({ model: 'no-such-model', messages: say }));
    await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"model": "gpt-scan", "messages": "hi"' });
    await settle(openai(key).chat.completions.create({ model: 'ctx-scan', messages: say }));
    ant.failNext({ kind: 'cut-mid-stream', afterEvents: 3 });
    await settle(anthropic(key).messages.stream({ model: 'claude-scan', max_tokens: 50, messages: say }).finalMessage());
    await fetch(`${gw.url}/v1/chat/completions?key=${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-scan', messages: say }) });
  }
  // a key that is no key, in every place a key goes
  await settle(openai(CLIENT.wrong).chat.completions.create({ model: 'gpt-scan', messages: say }));
  await settle(anthropic(CLIENT.wrong).messages.create({ model: 'claude-scan', max_tokens: 5, messages: say }));
  await fetch(`${gw.url}/v1beta/models/gemini-scan:generateContent?key=${CLIENT.wrong}`, { method: 'POST', body: '{}' });
  await fetch(`${gw.url}/admin/api/keys`, { headers: { authorization: `Bearer ${CLIENT.wrong}` } });
  // the refused credential was tried and benched
  expect(oai.calls.some((c) => c.headers.authorization === `Bearer ${UPSTREAM.openaiRefused}`)).toBe(true);
}

async function get(path: string, token = ADMIN_KEY): Promise<string> {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? await firstEvents(res) : await res.text();
  answers.push({ where: `GET ${path} (${res.status})`, text });
  return text;
}

/** An event stream (the live view) never ends by itself: what it sends in its first half second is scanned, then it is left. */
async function firstEvents(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const timer = setTimeout(() => void reader.cancel(), 500);
  let text = '';
  for (let part = await reader.read(); !part.done; part = await reader.read()) text += decoder.decode(part.value, { stream: true });
  clearTimeout(timer);
  return text;
}

/** Every GET of the admin API, its parameters filled with ids that exist; then /metrics. */
async function readAdminApi(): Promise<void> {
  const doc = JSON.parse(await get('/admin/api/openapi.json')) as { paths: Record<string, Record<string, unknown>> };
  const keys = JSON.parse(await get('/admin/api/keys')) as { data: { id: string; name: string }[] };
  const upstreams = JSON.parse(await get('/admin/api/upstreams')) as { data: { id: string; credentials: { id: string }[] }[] };
  const logs = JSON.parse(await get('/admin/api/logs?limit=500')) as { data: { id: string; keyId: string | null; protocol: string; endpoint: string }[] };
  const stored = logs.data.find((r) => r.keyId === keys.data.find((k) => k.name === 'carol')?.id && r.endpoint === 'responses');
  const ids: Record<string, string[]> = {
    keys: keys.data.map((k) => k.id),
    upstreams: upstreams.data.map((u) => u.id),
    credentials: upstreams.data.flatMap((u) => u.credentials.map((c) => c.id)),
    logs: logs.data.slice(0, 20).map((r) => r.id),
    models: ['gpt-scan', 'claude-scan'],
    groups: ['team-a', 'team-b'],
    prices: ['gpt-upstream'],
    responses: stored ? [stored.id] : ['none'],
  };
  const fill = (path: string): string[] => {
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    if (params.length === 0) return [path];
    const values = (name: string): string[] => {
      if (name === 'credentialId') return ids.credentials!;
      if (path.startsWith('/prices/')) return ids.prices!;
      if (path.startsWith('/limits/groups/')) return ids.groups!;
      if (name === 'model') return ids.models!;
      return ids[path.split('/')[1]!] ?? ids.upstreams!;
    };
    let paths = [path];
    for (const name of params) paths = paths.flatMap((p) => values(name).map((v) => p.replace(`{${name}}`, encodeURIComponent(v))));
    return paths;
  };
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!('get' in methods)) continue;
    for (const filled of fill(path)) await get(`/admin/api${filled}`);
  }
  await get('/admin/api/logs/export?format=jsonl');
  await get('/admin/api/logs/export?format=csv');
  await get('/metrics', METRICS_TOKEN);
  await get('/metrics');
}

/** Where a secret is found: each place's text, the secret in clear and in base64. */
function findings(places: { where: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(SECRETS)) {
    const forms = { clear: secret, base64: Buffer.from(secret).toString('base64'), base64url: Buffer.from(secret).toString('base64url') };
    for (const place of places)
      for (const [form, text] of Object.entries(forms)) if (place.text.includes(text)) found.push(`${name} (${form}) in ${place.where}`);
  }
  return found;
}

describe('no secret in clear anywhere the gateway writes or answers', () => {
  it('drove every kind of answer (rows for each shape, errors, a benched credential)', async () => {
    const rows = (await gw.ctx.store.logs.query({ limit: 1000, offset: 0 })).data;
    expect(new Set(rows.map((r) => r.protocol))).toEqual(new Set(['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini', 'openai-embeddings']));
    expect(rows.some((r) => r.outcome === 'error')).toBe(true);
    expect(rows.some((r) => r.outcome === 'upstream_error')).toBe(true);
    expect(rows.some((r) => r.outcome === 'incomplete')).toBe(true);
    // the walk reached real records: every key, upstream and sampled log row answered
    const ok = answers.filter((a) => a.where.endsWith('(200)')).map((a) => a.where);
    expect(ok.filter((w) => /^GET \/admin\/api\/logs\/[0-9a-f-]{36} /.test(w))).toHaveLength(20);
    expect(ok.filter((w) => /^GET \/admin\/api\/keys\/key_\w+ /.test(w))).toHaveLength(3);
    expect(ok).toContain('GET /admin/api/prices/gpt-upstream (200)');
    expect(ok).toContain('GET /admin/api/limits/groups/team-b (200)');
    expect(answers.filter((a) => a.where.startsWith('GET /metrics') && a.where.endsWith('(200)'))).toHaveLength(2);
  });

  it('the database files (the SQLite file, its -wal and -shm)', async () => {
    const files = ['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm'].map((name) => join(dir, name)).filter((path) => existsSync(path));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(findings(files.map((path) => ({ where: path, text: readFileSync(path).toString('latin1') })))).toEqual([]);
  });

  it('the process log', () => {
    expect(processLog.length).toBeGreaterThan(0);
    expect(findings([{ where: 'the process log', text: processLog.join('\n') }])).toEqual([]);
  });

  it('every admin API answer and /metrics', () => {
    expect(findings(answers)).toEqual([]);
  });

  it('the exported spans', async () => {
    const finished = await eventually(() => {
      const all = spans.getFinishedSpans();
      expect(all.length).toBeGreaterThan(20);
      return all;
    });
    const text = JSON.stringify(finished.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status, resource: s.resource.attributes })));
    expect(findings([{ where: 'the exported spans', text }])).toEqual([]);
  });
});
