import { expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { ADMIN_KEY } from './cluster.js';
import type { Rig } from './rig.js';
import { admin, chat } from './traffic.js';

// Keys made or revoked through one replica, as the other sees them.

export function keysTests(rig: () => Rig): void {
  it('a key created through A works on B at its first request', async () => {
    const [a, b] = rig().cluster.urls();
    const created = await admin(a, ADMIN_KEY, 'POST', '/keys', { name: 'made-on-a' });
    expect(created.status).toBe(201);
    const first = await chat(b, created.body.key);
    expect(first.status).toBe(200);
    expect(first.body.object).toBe('chat.completion');
  });

  it('a key revoked through A is refused by B within 1 s', async () => {
    const [a, b] = rig().cluster.urls();
    const created = await admin(a, ADMIN_KEY, 'POST', '/keys', { name: 'revoked-on-a' });
    // B knows the key and holds it in memory before the revocation.
    expect((await chat(b, created.body.key)).status).toBe(200);

    expect((await admin(a, ADMIN_KEY, 'POST', `/keys/${created.body.id}/revoke`)).status).toBe(200);
    const revokedAt = Date.now();
    const refused = await eventually(async () => {
      const answer = await chat(b, created.body.key);
      expect(answer.status).toBe(401);
      return answer;
    }, 2000);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    expect(refused.body.error.code).toBe('invalid_api_key'); // OpenAI's shape
  });
}
