import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { admin, eventually, target } from './client.js';
import { KEYS } from './suite.js';

// The Responses WebSocket (what Codex opens): the upgrade admitted like an HTTP request, each
// `response.create` frame a turn through the same app, its events sent back as frames, and a row per turn.

interface Session {
  ws: WebSocket;
  /** The event types of each finished turn, in order. */
  turn(frame: Record<string, unknown>): Promise<{ type: string; response?: { id: string } }[]>;
}

function connect(key: string): Promise<Session> {
  const ws = new WebSocket(`${target().url.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${key}` } });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        turn: (frame) =>
          new Promise((done, fail) => {
            const events: { type: string; response?: { id: string } }[] = [];
            const onMessage = (data: WebSocket.RawData) => {
              const event = JSON.parse(String(data)) as { type: string; response?: { id: string } };
              events.push(event);
              if (event.type === 'response.completed' || event.type === 'error') {
                ws.off('message', onMessage);
                done(events);
              }
            };
            ws.on('message', onMessage);
            ws.once('close', () => fail(new Error(`closed mid-turn after ${events.map((e) => e.type).join(', ')}`)));
            ws.send(JSON.stringify({ type: 'response.create', ...frame }));
          }),
      }),
    );
  });
}

it('serves turns over one WebSocket: the Responses events as frames, one usage row per turn', async () => {
  const session = await connect(KEYS.socket);
  const first = await session.turn({ model: 'gpt-pass', input: 'first turn', stream: true });
  expect(first[0]!.type).toBe('response.created');
  expect(first.at(-1)!.type).toBe('response.completed');
  const second = await session.turn({ model: 'gpt-pass', input: 'second turn', stream: true });
  expect(second.at(-1)!.type).toBe('response.completed');
  session.ws.close();

  await eventually(async () => {
    const rows = (await admin('GET', '/logs?key=socket')).body.data;
    expect(rows.map((r: { protocol: string; status: number; outcome: string }) => [r.protocol, r.status, r.outcome])).toEqual([
      ['openai-responses', 200, 'ok'],
      ['openai-responses', 200, 'ok'],
    ]);
  });
});

it('refuses the upgrade of an unknown key with the HTTP answer the same request would get', async () => {
  await expect(connect('sk-sb-not-a-key-00000000000000000000000')).rejects.toThrow('upgrade refused: 401');
});
