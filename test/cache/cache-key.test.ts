import { describe, expect, it } from 'vitest';
import { cacheKeyHash, canonicalJson, normalizedBody, type CacheKeyInput } from '../../src/policy/cache-key.js';
import { decideCache } from '../../src/policy/cache-policy.js';
import { cacheSchema } from '../../src/config/schema.js';
import { GatewayError } from '../../src/protocols/errors.js';
import type { KeyRecord } from '../../src/store/types.js';

const input = (over: Partial<CacheKeyInput> = {}): CacheKeyInput => ({
  protocol: 'openai-chat',
  endpoint: 'chat',
  model: 'gpt-test',
  stream: false,
  scope: 'key:k1',
  body: { model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] },
  customKey: null,
  ...over,
});

describe('cache key', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('drops streaming and labelling fields only where the answer does not echo them', () => {
    const body = { model: 'm', stream: true, user: 'u', metadata: { a: 1 }, temperature: 0 };
    expect(normalizedBody('openai-chat', body)).toEqual({ model: 'm', temperature: 0 });
    expect(normalizedBody('openai-responses', body)).toEqual({ model: 'm', user: 'u', metadata: { a: 1 }, temperature: 0 });
    expect(normalizedBody('anthropic-messages', body)).toEqual({ model: 'm', user: 'u', temperature: 0 });
  });

  it('is the same for the same request and differs by scope, protocol, stream, model and body', async () => {
    const base = await cacheKeyHash(input());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await cacheKeyHash(input({ body: { messages: [{ content: 'hi', role: 'user' }], model: 'gpt-test', user: 'x' } }))).toBe(base);
    for (const other of [
      input({ scope: 'key:k2' }),
      input({ protocol: 'openai-responses', endpoint: 'responses' }),
      input({ stream: true }),
      input({ model: 'gpt-other' }),
      input({ body: { model: 'gpt-test', messages: [{ role: 'user', content: 'hi!' }] } }),
      input({ headers: new Headers({ 'anthropic-beta': 'prompt-caching-2024-07-31' }) }),
      input({ headers: new Headers({ 'openai-project': 'proj_1' }) }),
    ])
      expect(await cacheKeyHash(other)).not.toBe(base);
    // Headers that do not change the answer leave the key alone.
    expect(await cacheKeyHash(input({ headers: new Headers({ 'user-agent': 'x', 'x-stainless-os': 'Linux' }) }))).toBe(base);
  });

  it('a custom key replaces the body but keeps scope, protocol and streaming apart', async () => {
    const named = await cacheKeyHash(input({ customKey: 'faq' }));
    expect(await cacheKeyHash(input({ customKey: 'faq', body: { anything: true } }))).toBe(named);
    expect(await cacheKeyHash(input({ customKey: 'faq', stream: true }))).not.toBe(named);
    expect(await cacheKeyHash(input({ customKey: 'faq', scope: 'key:k2' }))).not.toBe(named);
  });
});

describe('cache decision', () => {
  const key = (cache?: KeyRecord['cache']): KeyRecord => ({
    id: 'k1',
    name: 'k',
    hash: 'h',
    prefix: 'p',
    group: 'g',
    models: null,
    limits: null,
    budget: null,
    source: 'config',
    createdAt: 0,
    revokedAt: null,
    cache,
  });
  const settings = (over: object = {}) => cacheSchema.parse(over);
  const headers = (h: Record<string, string> = {}) => new Headers(h);

  it('follows key, then model, then the global setting; false on the key or model is final', () => {
    expect(decideCache(settings(), key(), 'm', headers())).toEqual({ kind: 'off' });
    expect(decideCache(settings({ enabled: true }), key(), 'm', headers())).toMatchObject({ kind: 'on', ttlSeconds: 3600, scope: 'key:k1' });
    expect(decideCache(settings({ models: { m: { ttlSeconds: 5 } } }), key(), 'm', headers())).toMatchObject({ kind: 'on', ttlSeconds: 5 });
    expect(decideCache(settings({ models: { m: { ttlSeconds: 5 } } }), key({ ttlSeconds: 7 }), 'm', headers())).toMatchObject({ ttlSeconds: 7 });
    expect(decideCache(settings({ enabled: true, models: { m: false } }), key(true), 'm', headers())).toEqual({ kind: 'off' });
    expect(decideCache(settings({ enabled: true }), key(false), 'm', headers({ 'x-switchboard-cache-ttl': '9' }))).toEqual({ kind: 'off' });
  });

  it('request headers: a TTL or a cache key turn it on, skip wins, group scope shares', () => {
    expect(decideCache(settings(), key(), 'm', headers({ 'x-switchboard-cache-ttl': '9' }))).toMatchObject({ kind: 'on', ttlSeconds: 9 });
    expect(decideCache(settings(), key(), 'm', headers({ 'x-switchboard-cache-key': ' faq ' }))).toMatchObject({ kind: 'on', customKey: 'faq' });
    expect(decideCache(settings({ enabled: true }), key(), 'm', headers({ 'x-switchboard-skip-cache': 'TRUE' }))).toEqual({ kind: 'skip' });
    expect(decideCache(settings({ enabled: true, scope: 'group' }), key(), 'm', headers())).toMatchObject({ scope: 'group:g' });
  });

  it('names the header of a bad value', () => {
    for (const [name, value] of [
      ['x-switchboard-cache-ttl', '0'],
      ['x-switchboard-cache-ttl', '1.5'],
      ['x-switchboard-skip-cache', 'maybe'],
      ['x-switchboard-cache-key', ' '],
    ]) {
      const err = (() => {
        try {
          decideCache(settings(), key(), 'm', headers({ [name]: value }));
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(GatewayError);
      expect((err as GatewayError).param).toBe(name);
    }
  });
});
