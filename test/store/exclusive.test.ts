import { expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { applyConfig } from '../../src/admin/apply-config.js';
import { createSecretBox } from '../../src/policy/secrets.js';
import { describeStores } from './stores.js';

const config = configSchema.parse({
  secret: 'test-secret-0000000000000000',
  upstreams: [{ id: 'oai', kind: 'openai', baseUrl: 'https://api.example.test/v1', credentials: [{ key: 'sk-one' }, { key: 'sk-two' }] }],
  models: [{ id: 'gpt', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] }],
  keys: [
    { name: 'given', group: 'team-a', key: 'sk-sb-given-key-00000000000000000001' },
    // No `key:`: the first start generates one and shows it once.
    { name: 'generated', group: 'team-b' },
  ],
});

describeStores('store exclusive sections', ({ store, another, name }) => {
  it('runs work under one name one at a time, across stores on the same database', async () => {
    // Two stores are two replicas on PostgreSQL; one process holds a SQLite file, so there both callers share it.
    const other = name === 'sqlite' ? store() : await another();
    const events: string[] = [];
    const work = (who: string) => async () => {
      events.push(`${who} in`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      events.push(`${who} out`);
      return who;
    };
    const results = await Promise.all([store().exclusive('job', work('a')), other.exclusive('job', work('b')), store().exclusive('job', work('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    // Never two inside at once: every "in" is followed by its own "out".
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i].replace(' in', ' out'));
    // Another name does not wait; a failure releases the name.
    await expect(store().exclusive('job', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await other.exclusive('job', async () => 'after')).toBe('after');
  });

  it('applies the config file once when replicas start together', async () => {
    const box = await createSecretBox(config.secret!);
    const others = name === 'sqlite' ? [store(), store()] : await Promise.all([another(), another()]);
    const applied = await Promise.all([store(), ...others].map((s) => applyConfig(config, s, box)));
    // The key the file leaves without a value was generated once, by whichever replica came first.
    expect(applied.flatMap((a) => a.createdKeys.map((k) => k.name))).toEqual(['generated']);
    const keys = await store().keys.list();
    expect(keys.map((k) => k.name).sort()).toEqual(['generated', 'given']);
    const [upstream] = await store().upstreams.list();
    expect(upstream.credentials.map((c) => c.id)).toEqual(['oai#1', 'oai#2']);
  });
});
