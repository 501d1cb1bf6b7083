import { expect, it } from 'vitest';
import { listenerOf } from './listener.js';
import { target } from './client.js';
import { targetKind } from './target.js';

// The suite is only worth its name if it runs where it says: the port it talks to is
// served by workerd (the Worker under wrangler dev), not by a Node process.
it.runIf(process.platform === 'linux')('talks to the gateway it was asked for: workerd for the Worker', () => {
  const { kind, url } = target();
  expect(kind).toBe(targetKind());
  const name = listenerOf(Number(new URL(url).port));
  if (kind === 'worker') expect(name).toMatch(/^workerd/);
  else expect(name).not.toMatch(/^workerd/);
});
