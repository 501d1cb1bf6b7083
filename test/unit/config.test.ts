import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load.js';

describe('loadConfig', () => {
  it('interpolates ${NAME} and ${NAME:-default} in values but never in comments', () => {
    const text = `# \${NOT_IN_ENV} in a comment is ignored
adminKey: \${ADMIN}
secret: "\${SECRET:-default-secret-value-123}"
upstreams:
  - { id: o, kind: openai, credentials: [ { key: "pre-\${OPENAI}-post" } ] }
`;
    const result = loadConfig(text, { ADMIN: 'admin-key-0123456789', OPENAI: 'k1' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.adminKey).toBe('admin-key-0123456789');
    expect(result.config.secret).toBe('default-secret-value-123');
    expect(result.config.upstreams[0].credentials[0].key).toBe('pre-k1-post');
    // a kind's default base URL is filled in
    expect(result.config.upstreams[0].baseUrl).toBe('https://api.openai.com/v1');
    expect(result.config.server).toMatchObject({ host: '127.0.0.1', port: 8788, maxBodyBytes: 32 * 1024 * 1024, drainSeconds: 30 });
  });

  it('lists every problem with its path', () => {
    const result = loadConfig(
      `server: { port: 99999 }
upstreams:
  - { id: a, kind: mock }
  - { id: a, kind: nosuch, baseUrl: ftp://x }
keys:
  - { name: k, colour: blue }
`,
      {},
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^server\.port: /),
        expect.stringMatching(/^upstreams\[1\]\.kind: /),
        'upstreams[1].baseUrl: must be a URL',
        expect.stringMatching(/^keys\[0\]: .*colour/),
      ]),
    );
  });

  it('reports YAML syntax errors', () => {
    const result = loadConfig('upstreams: [ {', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatch(/^yaml: /);
  });

  it('accepts the shipped demo config with no environment at all', () => {
    const result = loadConfig(readFileSync(new URL('../../switchboard.demo.yaml', import.meta.url), 'utf8'), {});
    expect(result.ok).toBe(true);
  });
});

describe('counters config', () => {
  it('counts in memory by default, takes a Redis URL, and names a bad URL or prefix', () => {
    const plain = loadConfig('{}', {});
    expect(plain.ok && plain.config.counters).toEqual({ prefix: 'switchboard', onUnavailable: 'failOpen', leaseMs: 60_000 });
    const redis = loadConfig('counters: { url: "redis://127.0.0.1:6379/2", prefix: gw-1, onUnavailable: failClosed, replicas: 3 }', {});
    expect(redis.ok && redis.config.counters).toMatchObject({ url: 'redis://127.0.0.1:6379/2', prefix: 'gw-1', onUnavailable: 'failClosed', replicas: 3 });
    const bad = loadConfig('counters: { url: "http://redis", prefix: "{x}", onUnavailable: maybe }', {});
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      expect.stringMatching(/^counters\.url: must be redis:\/\//),
      expect.stringMatching(/^counters\.prefix: must be a non-empty word without braces/),
      expect.stringMatching(/^counters\.onUnavailable: /),
    ]);
  });
});
