import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { createPostgresSchema, type PostgresSchema } from '../helpers/postgres.js';
import { ADMIN_KEY, eventually, TEST_KEY } from '../helpers/gateway.js';
import { alertRound } from '../../src/alerts/alerter.js';
import { fetchHttp } from '../../src/providers/http.js';

// Two gateways on one PostgreSQL evaluate the same rules every second: each firing reaches each webhook once.
let schema: PostgresSchema;
let gateways: NodeGateway[] = [];
let receiver: http.Server;
const received: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(req.url === '/flaky' && received.filter((r) => r.path === '/flaky').length === 1 ? 503 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  schema = await createPostgresSchema('sbalerts');
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: ADMIN_KEY,
    secret: 'test-secret-0000000000000000',
    storage: { url: schema.url },
    upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model'] }],
    keys: [{ name: 'tester', group: 'team-a', key: TEST_KEY }],
    alerts: {
      evaluateEverySeconds: 1,
      retry: { tries: 3, backoffMs: 1 },
      webhooks: [
        { id: 'plain', url: `${url}/flaky`, format: 'json' },
        { id: 'chat', url: `${url}/slack`, format: 'slack' },
      ],
      rules: [{ id: 'errors', kind: 'error-rate', threshold: 0.5, minRequests: 2, windowMinutes: 5, per: 'model' }],
    },
  });
  for (let i = 0; i < 2; i++) gateways.push(await startNodeGateway(config, { log: () => {}, recorderIntervalMs: 50 }));
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
  await schema?.drop();
  receiver?.close();
});

describe('alerts across two replicas', () => {
  it('fires once per webhook (retried past a 503), then resolves once', async () => {
    for (const gw of gateways) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(404);
      await gw.ctx.recorder.flush();
    }
    await eventually(() => {
      expect(received.filter((r) => r.path === '/slack')).toHaveLength(1);
      expect(received.filter((r) => r.path === '/flaky' && r.body.event === 'firing')).toHaveLength(2); // a 503, then the retry
    }, 10_000);
    // Both replicas go on evaluating: nothing more is sent while the firing stays open.
    await new Promise((r) => setTimeout(r, 2500));
    expect(received.filter((r) => r.path === '/slack')).toHaveLength(1);
    const plain = received.find((r) => r.path === '/flaky')!.body;
    expect(plain).toMatchObject({ event: 'firing', rule: 'errors', kind: 'error-rate', scope: 'model=no-such-model', value: 1, threshold: 0.5 });
    const slack = received.find((r) => r.path === '/slack')!.body;
    expect(String(slack.text)).toContain('[FIRING] errors');
    expect(slack.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section', text: expect.objectContaining({ type: 'mrkdwn' }) })]));

    // The admin API shows it open, with its deliveries.
    const state = (await (await fetch(`${gateways[1]!.url}/admin/api/alerts`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as {
      rules: { id: string; firing: number }[];
      deliveries: { webhookId: string; ok: boolean; tries: number }[];
      webhooks: { url: string }[];
    };
    expect(state.rules).toEqual([expect.objectContaining({ id: 'errors', firing: 1 })]);
    expect(state.deliveries).toEqual(expect.arrayContaining([expect.objectContaining({ webhookId: 'plain', ok: true, tries: 2 }), expect.objectContaining({ webhookId: 'chat', ok: true, tries: 1 })]));
    expect(state.webhooks[0]!.url).not.toContain('/flaky');

    // Asking for more requests than there were: the rule no longer holds, and the firing resolves, once.
    const put = await fetch(`${gateways[0]!.url}/admin/api/alerts/rules/errors`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error-rate', threshold: 0.5, minRequests: 1000, per: 'model' }),
    });
    expect(put.status).toBe(200);
    await eventually(() => expect(received.filter((r) => r.path === '/slack' && String(r.body.text).startsWith('[RESOLVED]'))).toHaveLength(1), 10_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(received.filter((r) => r.path === '/slack')).toHaveLength(2);
  });

  it('a rule over the whole window (no `per`) fires on PostgreSQL, once, with rounds run at the same moment besides the jobs', async () => {
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    // The jobs of both replicas evaluate too: whoever runs first, the firing goes out once.
    const before = received.filter((r) => r.path === '/slack' && String(r.body.text).includes('together')).length;
    const put = await fetch(`${gateways[0]!.url}/admin/api/alerts/rules/together`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error-rate', threshold: 0.5, minRequests: 1, webhooks: ['chat'] }),
    });
    expect(put.status).toBe(201);
    await Promise.all(
      gateways.map((gw, i) =>
        alertRound({
          store: gw.ctx.store, catalog: gw.ctx.catalog, pools: gw.ctx.pools, limits: gw.ctx.limits, secrets: gw.ctx.secrets,
          http: fetchHttp(sleep), sleep, now: Date.now, log: () => {}, settings: configSchema.parse({}).alerts, newId: () => `t${i}-${Math.random()}`,
        }),
      ),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.filter((r) => r.path === '/slack' && String(r.body.text).includes('together')).length - before).toBe(1);
  });
});
