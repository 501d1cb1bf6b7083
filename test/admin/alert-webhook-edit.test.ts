import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';

/**
 * Editing an alert webhook through PUT /admin/api/alerts/webhooks/{id}: the
 * API shows its URL and header values masked, so a blank or absent `url` and
 * an absent `headers` keep the stored ones; `headers: {}` removes them. A
 * test message to a local receiver shows what is really stored.
 */

let gw: NodeGateway;
let receiver: http.Server;
let receiverUrl: string;
const received: { path: string; authorization: string | undefined }[] = [];

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Sends a test message and answers what the receiver got. */
async function testMessage(id: string) {
  received.length = 0;
  const delivery = await admin('POST', `/alerts/webhooks/${id}/test`);
  expect(delivery.body).toMatchObject({ ok: true });
  return received[0];
}

describe('editing an alert webhook', () => {
  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ path: req.url ?? '', authorization: req.headers.authorization });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    gw = await startTestGateway({});
  });

  afterAll(async () => {
    await gw?.close();
    receiver?.close();
  });

  it('keeps the stored URL and headers when an edit leaves them out or blank, and removes headers given as {}', async () => {
    const created = await admin('PUT', '/alerts/webhooks/ops', { url: `${receiverUrl}/hooks/secret-9xyz`, headers: { authorization: 'Bearer hook-token' } });
    expect(created.status).toBe(201);

    // Only the format and enabled: the URL and header stay.
    const edited = await admin('PUT', '/alerts/webhooks/ops', { format: 'slack', enabled: true });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({ id: 'ops', url: `${receiverUrl}/…9xyz`, format: 'slack', headers: ['authorization'], enabled: true });
    expect(await testMessage('ops')).toEqual({ path: '/hooks/secret-9xyz', authorization: 'Bearer hook-token' });

    // A blank URL keeps it too; new headers replace the old ones.
    await admin('PUT', '/alerts/webhooks/ops', { url: '  ', headers: { authorization: 'Bearer new-token' } });
    expect(await testMessage('ops')).toEqual({ path: '/hooks/secret-9xyz', authorization: 'Bearer new-token' });

    // A new URL is taken; headers {} removes them.
    const moved = await admin('PUT', '/alerts/webhooks/ops', { url: `${receiverUrl}/hooks/other-1234`, headers: {} });
    expect(moved.body).toMatchObject({ url: `${receiverUrl}/…1234`, headers: [] });
    expect(await testMessage('ops')).toEqual({ path: '/hooks/other-1234', authorization: undefined });
  });

  it('still asks for a URL when the webhook is new', async () => {
    const res = await admin('PUT', '/alerts/webhooks/fresh', { url: '', format: 'json' });
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('url');
    expect((await admin('GET', '/alerts')).body.webhooks.map((w: { id: string }) => w.id)).not.toContain('fresh');
  });
});
