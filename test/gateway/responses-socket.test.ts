import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import WebSocket from 'ws';
import { startFakeAnthropic, startFakeOpenAI, FAKE_USAGE, type FakeUpstream } from '../fakes/index.js';
import { FAKE_RESPONSES_USAGE } from '../fakes/openai-responses.js';
import { ADMIN_KEY, eventually, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { testReplicas } from '../helpers/replica-pair.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

// The Responses API over a WebSocket (GET /v1/responses upgrade, one response.create frame per turn),
// driven by a real WebSocket client against the real server, the fakes as upstreams.

let oai: FakeUpstream;
let slow: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;

const MAX_BODY = 64 * 1024;
/** A key with stored responses: what it answers is kept, and any socket can continue it. */
const STATEFUL_KEY = 'sk-sb-test-key-0000000000000000000000009';
/** A key allowed one request a minute: its limit counts socket turns as requests. */
const ONE_RPM_KEY = 'sk-sb-test-key-0000000000000000000000008';

beforeAll(async () => {
  oai = await startFakeOpenAI();
  // One event every 100 ms, so a client can leave in the middle of a turn.
  slow = await startFakeOpenAI({ chunkDelayMs: 100 });
  ant = await startFakeAnthropic();
  const openai = (id: string, url: string) => ({ id, kind: 'openai', speaks: ['responses'], baseUrl: `${url}/v1`, credentials: [{ key: 'sk-fake-openai' }] });
  gw = await startTestGateway({
    maxBodyBytes: MAX_BODY,
    extra: {
      keys: [
        { name: 'tester', group: 'team-a', key: TEST_KEY },
        { name: 'stateful', key: STATEFUL_KEY, responses: { store: true, retentionDays: 1 } },
        { name: 'one-rpm', group: 'solo', key: ONE_RPM_KEY, limits: { rpm: 1 } },
      ],
      upstreams: [
        openai('oai-responses', oai.url),
        openai('oai-slow', slow.url),
        { id: 'ant', kind: 'anthropic', baseUrl: ant.url, credentials: [{ key: 'sk-ant-fake' }] },
      ],
      models: [
        { id: 'gpt-ws', routes: [{ upstream: 'oai-responses', model: 'gpt-upstream' }] },
        { id: 'gpt-slow', routes: [{ upstream: 'oai-slow', model: 'gpt-upstream' }] },
        { id: 'gpt-slow-queue', routes: [{ upstream: 'oai-slow', model: 'gpt-upstream' }] },
        { id: 'claude-ws', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
        // The first route fails before its first event; the turn moves on to the second.
        {
          id: 'fallback-ws',
          routes: [
            { upstream: 'oai-responses', model: 'gpt-upstream' },
            { upstream: 'ant', model: 'claude-upstream' },
          ],
        },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await oai?.close();
  await slow?.close();
  await ant?.close();
});

type Frame = Record<string, any>;

/** A client socket that queues the frames it receives, so a test can read them in order. */
interface Client {
  ws: WebSocket;
  next(): Promise<Frame>;
  /** Sends a frame and reads the turn's frames up to its last one. */
  turn(frame: unknown): Promise<Frame[]>;
  closed: Promise<{ code: number; reason: string }>;
}

function socketUrl(): string {
  return `${gw.url.replace(/^http/, 'ws')}/v1/responses`;
}

async function connect(key = TEST_KEY): Promise<Client> {
  // The headers the Codex CLI sends on its upgrade (codex-rs/codex-api/src/endpoint/responses_websocket.rs).
  const ws = new WebSocket(socketUrl(), { headers: { authorization: `Bearer ${key}`, 'openai-beta': 'responses_websockets=2026-02-06' } });
  const frames: Frame[] = [];
  const waiters: ((frame: Frame) => void)[] = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Frame;
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = () => {
    const frame = frames.shift();
    return frame ? Promise.resolve(frame) : new Promise<Frame>((resolve) => waiters.push(resolve));
  };
  const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);
  return {
    ws,
    next,
    closed,
    async turn(frame) {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      const got: Frame[] = [];
      for (;;) {
        const one = await next();
        got.push(one);
        if (TERMINAL.has(one.type)) return got;
      }
    },
  };
}

const userMessage = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const create = (model: string, input: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'response.create', model, store: false, input, ...extra });

function textOf(frames: Frame[]): string {
  return frames
    .filter((f) => f.type === 'response.output_text.delta')
    .map((f) => f.delta as string)
    .join('');
}

describe('the Responses API over a WebSocket', () => {
  it('runs two turns on one socket, pass-through then translated, continuing the first by previous_response_id; one log row with tokens per turn', async () => {
    oai.reset();
    ant.reset();
    const client = await connect();

    const first = await client.turn(create('gpt-ws', [userMessage('hello there')]));
    expect(first[0].type).toBe('response.created');
    expect(first.at(-1)!.type).toBe('response.completed');
    const types = first.map((f) => f.type);
    expect(types.indexOf('response.output_item.added')).toBeLessThan(types.indexOf('response.output_text.delta'));
    expect(types.indexOf('response.output_text.delta')).toBeLessThan(types.indexOf('response.output_item.done'));
    expect(textOf(first)).toBe('echo: hello there');
    // The upstream got an HTTP request: streamed, without the socket's own fields.
    expect(oai.calls[0].body).toMatchObject({ model: 'gpt-upstream', stream: true });
    expect(oai.calls[0].body.type).toBeUndefined();
    expect(oai.calls[0].headers['openai-beta']).toBeUndefined();
    const firstId = first.at(-1)!.response.id as string;

    // Turn 2, as the Codex CLI sends it: only the new item, chained to the last response (store: false, so the
    // connection's memory supplies the conversation); it goes to Anthropic, translated.
    const second = await client.turn(create('claude-ws', [userMessage('and again')], { previous_response_id: firstId }));
    expect(second[0].type).toBe('response.created');
    expect(second.at(-1)!.type).toBe('response.completed');
    expect(textOf(second)).toBe('echo: and again');
    const sent = ant.calls[0].body as { messages: { role: string; content: unknown }[] };
    expect(JSON.stringify(sent.messages)).toContain('hello there');
    expect(JSON.stringify(sent.messages)).toContain('echo: hello there');
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    client.ws.close();

    const rows = await eventually(async () => {
      const found = (await logRows(gw)).filter((r) => r.model === 'gpt-ws' || r.model === 'claude-ws');
      expect(found).toHaveLength(2);
      return found;
    });
    const [claudeRow, gptRow] = rows;
    expect(gptRow).toMatchObject({ protocol: 'openai-responses', status: 200, outcome: 'ok', stream: true, upstreamId: 'oai-responses', translation: null });
    expect(gptRow.inputTokens + gptRow.cacheReadTokens).toBe(FAKE_RESPONSES_USAGE.input_tokens);
    expect(gptRow.outputTokens).toBe(FAKE_RESPONSES_USAGE.output_tokens);
    expect(claudeRow).toMatchObject({ protocol: 'openai-responses', status: 200, outcome: 'ok', stream: true, upstreamId: 'ant' });
    expect(claudeRow.translation).not.toBeNull();
    expect(claudeRow.inputTokens).toBe(FAKE_USAGE.anthropic.messages.input_tokens);
    expect(claudeRow.outputTokens).toBe(FAKE_USAGE.anthropic.messages.output_tokens);
  });

  it('expands a chained turn for a pass-through upstream too: the upstream gets the whole conversation, no previous_response_id', async () => {
    oai.reset();
    const client = await connect();
    // A warm-up (generate: false) answers a response id without calling a model.
    const warm = await client.turn(create('gpt-ws', [userMessage('the first question')], { generate: false, instructions: 'be brief' }));
    expect(warm.map((f) => f.type)).toEqual(['response.created', 'response.completed']);
    expect(oai.calls).toHaveLength(0);

    const answered = await client.turn(create('gpt-ws', [], { previous_response_id: warm.at(-1)!.response.id }));
    expect(textOf(answered)).toBe('echo: the first question');
    const next = await client.turn(create('gpt-ws', [userMessage('a follow-up')], { previous_response_id: answered.at(-1)!.response.id }));
    expect(textOf(next)).toBe('echo: a follow-up');
    const body = oai.calls[1].body as { input: { role?: string; type?: string }[]; previous_response_id?: unknown; generate?: unknown };
    expect(body.previous_response_id).toBeUndefined();
    expect(body.generate).toBeUndefined();
    expect(body.input.map((item) => item.role ?? item.type)).toEqual(['user', 'assistant', 'user']);
    client.ws.close();
  });

  // A stored answer is written a moment after its turn ends; a chained turn sent at once to another replica can miss
  // it (a known gap across replicas, docs/scaling.md): this test needs one process.
  it.skipIf(testReplicas() > 1)('continues a stored response on another socket: an id the connection does not hold is the stored responses\' to expand', async () => {
    oai.reset();
    const first = await connect(STATEFUL_KEY);
    const stored = await first.turn(create('gpt-ws', [userMessage('remember this')], { store: true }));
    expect(stored.at(-1)!.type).toBe('response.completed');
    first.ws.close();

    const second = await connect(STATEFUL_KEY);
    const next = await second.turn(create('gpt-ws', [userMessage('what did I say?')], { store: true, previous_response_id: stored.at(-1)!.response.id }));
    expect(textOf(next)).toBe('echo: what did I say?');
    const sent = JSON.stringify(oai.calls[1].body.input);
    expect(sent).toContain('remember this');
    expect(sent).toContain('echo: remember this');
    // A key without stored responses gets the HTTP path's refusal, as the error event.
    const plain = await connect();
    const refused = await plain.turn(create('gpt-ws', [userMessage('hi')], { previous_response_id: 'resp_unknown' }));
    expect(refused[0]).toMatchObject({ type: 'error', status: 400, error: { param: 'previous_response_id' } });
    second.ws.close();
    plain.ws.close();
  });

  it('runs frames sent while a turn is running one after another, in order', async () => {
    const client = await connect();
    client.ws.send(JSON.stringify(create('gpt-ws', [userMessage('first in line')])));
    client.ws.send(JSON.stringify(create('claude-ws', [userMessage('second in line')])));
    const frames: Frame[] = [];
    while (frames.filter((f) => f.type === 'response.completed').length < 2) frames.push(await client.next());
    const firstDone = frames.findIndex((f) => f.type === 'response.completed');
    const secondStart = frames.findLastIndex((f) => f.type === 'response.created');
    expect(secondStart).toBeGreaterThan(firstDone);
    expect(textOf(frames.slice(0, firstDone + 1))).toBe('echo: first in line');
    expect(textOf(frames.slice(secondStart))).toBe('echo: second in line');
    client.ws.close();
  });

  it('refuses frames past the eight that may wait behind a running turn, with an error event', async () => {
    const client = await connect();
    for (let i = 0; i < 10; i++) client.ws.send(JSON.stringify(create('gpt-slow-queue', [userMessage(`frame ${i}`)])));
    let refused: Frame | undefined;
    while (!refused) {
      const frame = await client.next();
      if (frame.type === 'error') refused = frame;
    }
    expect(refused).toMatchObject({ status: 400, error: { code: 'too_many_waiting_frames' } });
    client.ws.terminate();
  });

  it("counts each turn against the key's rate limit, and a refused turn is the 429 error event with its headers", async () => {
    const client = await connect(ONE_RPM_KEY);
    const fine = await client.turn(create('gpt-ws', [userMessage('the only one this minute')]));
    expect(fine.at(-1)!.type).toBe('response.completed');
    const refused = await client.turn(create('gpt-ws', [userMessage('one too many')]));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ type: 'error', status: 429, error: { type: 'rate_limit_error' } });
    expect(Number(refused[0].headers['retry-after'])).toBeGreaterThan(0);
    client.ws.close();
  });

  it('refuses a bad key at the upgrade with a 401 in the OpenAI shape, and records it', async () => {
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(socketUrl(), { headers: { authorization: 'Bearer sk-wrong' } });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('open', () => reject(new Error('the socket opened with a bad key')));
      ws.on('error', () => {});
    });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
    await eventually(async () => expect((await logRows(gw)).some((r) => r.status === 401 && r.protocol === 'openai-responses')).toBe(true));
  });

  it('answers a malformed frame with an error frame and keeps the socket usable', async () => {
    const client = await connect();
    const notJson = await client.turn('{"type": "response.create", oops');
    expect(notJson).toHaveLength(1);
    expect(notJson[0]).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error' } });
    expect(notJson[0].error.message).toMatch(/not valid JSON/);

    const unknown = await client.turn({ type: 'response.launch', model: 'gpt-ws' });
    expect(unknown[0]).toMatchObject({ type: 'error', status: 400, error: { code: 'unknown_event_type', param: 'type' } });

    const noModel = await client.turn({ type: 'response.create', input: 'hi' });
    expect(noModel[0]).toMatchObject({ type: 'error', status: 400, error: { param: 'model' } });

    // Nested past the limit: refused as the same HTTP body would be (re-encoding it for the turn would overflow the stack).
    const deep = await client.turn(`{"type":"response.create","model":"gpt-ws","input":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(deep[0]).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error' } });
    expect(deep[0].error.message).toMatch(/more than 128 levels deep/);

    // The client's acknowledgement of a response (newer Codex versions send it) needs no answer.
    client.ws.send(JSON.stringify({ type: 'response.processed', response_id: 'resp_acknowledged' }));
    const fine = await client.turn(create('gpt-ws', [userMessage('still here')]));
    expect(fine[0].type).toBe('response.created');
    expect(fine.at(-1)!.type).toBe('response.completed');
    expect(textOf(fine)).toBe('echo: still here');
    client.ws.close();
  });

  it('moves on to the next route when the first fails before its first event', async () => {
    oai.reset();
    ant.reset();
    oai.failNext({ kind: 'status', status: 500 }, 10);
    const client = await connect();
    const frames = await client.turn(create('fallback-ws', [userMessage('fail over')]));
    expect(frames.at(-1)!.type).toBe('response.completed');
    expect(textOf(frames)).toBe('echo: fail over');
    expect(ant.calls).toHaveLength(1);
    oai.reset();
    client.ws.close();
  });

  it('passes an error the turn ends with as the error event, with its status, and the socket stays usable', async () => {
    const client = await connect();
    const frames = await client.turn(create('no-such-model', [userMessage('hi')]));
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: 'error', status: 404, error: { code: 'model_not_found' } });
    expect(frames[0].headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
    const fine = await client.turn(create('gpt-ws', [userMessage('after the error')]));
    expect(fine.at(-1)!.type).toBe('response.completed');
    client.ws.close();
  });

  it('ends a turn whose stream stops before its last event with an error event, since a socket does not close to say so', async () => {
    oai.reset();
    oai.failNext({ kind: 'end-mid-stream', afterEvents: 3 });
    const client = await connect();
    const frames = await client.turn(create('gpt-ws', [userMessage('cut short')]));
    expect(frames[0].type).toBe('response.created');
    expect(frames.at(-1)).toMatchObject({ type: 'error' });
    expect(frames.some((f) => f.type === 'response.completed')).toBe(false);
    const fine = await client.turn(create('gpt-ws', [userMessage('whole this time')]));
    expect(fine.at(-1)!.type).toBe('response.completed');
    client.ws.close();
  });

  it('aborts the upstream and records the turn as incomplete when the client closes mid-turn', async () => {
    slow.reset();
    const client = await connect();
    client.ws.send(JSON.stringify(create('gpt-slow', [userMessage('one two three four five six seven eight nine ten')])));
    expect((await client.next()).type).toBe('response.created');
    client.ws.terminate();
    await eventually(() => expect(slow.calls[0].aborted).toBe(true));
    const row = await eventually(async () => {
      const found = (await logRows(gw)).find((r) => r.model === 'gpt-slow');
      expect(found).toBeDefined();
      return found!;
    });
    expect(row).toMatchObject({ status: 499, outcome: 'incomplete', stream: true });
  });

  it('answers a request with a body that asks for another upgrade (h2c) with a 400 telling it to come without one', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': '', 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      });
      req.on('response', (answer) => {
        let body = '';
        answer.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'gpt-ws', input: 'hi' }));
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'upgrade_not_supported' } });
  });

  // Behind a balancer the socket's peer is the balancer, and an allowlist set through one replica reaches the
  // replica holding the socket within a second, not before the next frame: this test needs one process.
  it.skipIf(testReplicas() > 1)("checks the gateway's IP allowlist against the socket's peer, at the upgrade and on every turn", async () => {
    const setAllowlist = async (ipAllowlist: string[]) => {
      const res = await fetch(`${gw.url}/admin/api/settings`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ security: { ipAllowlist } }),
      });
      expect(res.status).toBe(200);
    };
    try {
      await setAllowlist(['127.0.0.0/8']);
      const client = await connect();
      const fine = await client.turn(create('gpt-ws', [userMessage('from a listed address')]));
      expect(fine.at(-1)!.type).toBe('response.completed');
      // Taken off the list while the socket is open: the next turn is refused.
      await setAllowlist(['10.0.0.0/8']);
      const refused = await client.turn(create('gpt-ws', [userMessage('no longer listed')]));
      expect(refused[0]).toMatchObject({ type: 'error', status: 403 });
      expect(refused[0].error.message).toMatch(/127\.0\.0\.1/);
      client.ws.close();
      await expect(connect()).rejects.toThrow(/403/);
    } finally {
      await setAllowlist([]);
    }
  });

  it('closes the socket (1009) on a frame larger than the body limit', async () => {
    const client = await connect();
    client.ws.send(JSON.stringify(create('gpt-ws', [userMessage('x'.repeat(MAX_BODY + 10))])));
    expect((await client.closed).code).toBe(1009);
  });
});
