import { expect, it } from 'vitest';
import { describeStores } from './stores.js';
import { HOUR, logRow, T0 } from './records.js';
import type { PromptSpec } from '../../src/config/prompt-schema.js';

const spec = (system: string): PromptSpec => ({
  model: 'gpt-test',
  system,
  messages: [{ role: 'user', content: 'About {{topic}}' }],
  parameters: { temperature: 0.2, response_format: { type: 'json_object' } },
  variables: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'] },
});

describeStores('store prompts', ({ store }) => {
  it('saves each version and publishes the newest; a rollback moves the pointer only', async () => {
    expect(await store().prompts.save('notes', spec('one'), T0)).toEqual({ name: 'notes', version: 1, spec: spec('one'), createdAt: T0 });
    await store().prompts.save('notes', spec('two'), T0 + 10);
    expect(await store().prompts.list()).toEqual([{ name: 'notes', version: 2, spec: spec('two'), createdAt: T0 + 10, updatedAt: T0 + 10, latestVersion: 2 }]);
    expect((await store().prompts.versions('notes')).map((v) => [v.version, v.spec.system])).toEqual([
      [2, 'two'],
      [1, 'one'],
    ]);
    expect(await store().prompts.publish('notes', 1, T0 + 20)).toBe(true);
    expect(await store().prompts.list()).toEqual([{ name: 'notes', version: 1, spec: spec('one'), createdAt: T0, updatedAt: T0 + 20, latestVersion: 2 }]);
    expect(await store().prompts.publish('notes', 7, T0)).toBe(false);
    expect(await store().prompts.publish('nope', 1, T0)).toBe(false);
    // The next save follows the newest version, not the published one.
    expect((await store().prompts.save('notes', spec('three'), T0 + 30)).version).toBe(3);
  });

  it('deletes a template with every version, and bumps the revision on every write', async () => {
    const before = await store().settings.revision();
    await store().prompts.save('a', spec('x'), T0);
    await store().prompts.publish('a', 1, T0);
    expect(await store().prompts.delete('a')).toBe(true);
    expect(await store().prompts.delete('a')).toBe(false);
    expect(await store().prompts.versions('a')).toEqual([]);
    expect(await store().settings.revision()).toBeGreaterThanOrEqual(before + 3);
  });

  it('sums template calls per hour and reports them by template name', async () => {
    await store().logs.write([
      logRow({ id: 'r1', prompt: 'notes', promptVersion: 1 }),
      logRow({ id: 'r2', prompt: 'notes', promptVersion: 2, outcome: 'error', costUsd: null }),
      logRow({ id: 'r3', prompt: null, promptVersion: null }),
      logRow({ id: 'r4', prompt: 'other', promptVersion: 1, ts: T0 + HOUR }),
    ]);
    // Written twice: counted once.
    await store().logs.write([logRow({ id: 'r1', prompt: 'notes', promptVersion: 1 })]);
    const rows = await store().usage.query({ by: 'prompt', from: T0, to: T0 + 2 * HOUR });
    expect(rows.map((r) => [r.value, r.requests, r.errors, r.inputTokens, r.unpricedRequests])).toEqual([
      ['notes', 2, 1, 200, 1],
      ['other', 1, 0, 100, 0],
    ]);
    const hourly = await store().usage.query({ by: 'prompt', from: T0, to: T0 + 2 * HOUR, interval: 'hour' });
    expect(hourly.map((r) => [r.value, r.bucket])).toEqual([
      ['notes', T0],
      ['other', T0 + HOUR],
    ]);
  });
});
