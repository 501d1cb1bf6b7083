import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { readWorkerConfig, WorkerConfigError } from '../../src/platform/workers/config.js';
import type { WorkerEnv } from '../../src/platform/workers/bindings.js';
import { fetchHttp, UpstreamFailure } from '../../src/providers/http.js';
import { redactProxyUrl, unmaskProxyUrl } from '../../src/providers/proxy-url.js';

const CONFIG = `adminKey: admin-key-0123456789
secret: secret-value-0123456789
upstreams:
  - id: o
    kind: openai
    proxy: \${CORP_PROXY}
    credentials: [ { key: k } ]
`;

describe('an upstream proxy in the config', () => {
  it('is read with ${ENV} like other secrets, and must be an http(s) URL', () => {
    const loaded = loadConfig(CONFIG, { CORP_PROXY: 'http://bob:pa%40ss@proxy.corp:3128' });
    expect(loaded.ok && loaded.config.upstreams[0]?.proxy).toBe('http://bob:pa%40ss@proxy.corp:3128');
    const missing = loadConfig(CONFIG, {});
    expect(missing.ok ? [] : missing.problems).toContainEqual(expect.stringContaining('CORP_PROXY'));
    const socks = loadConfig(CONFIG, { CORP_PROXY: 'socks5://proxy.corp:1080' });
    expect(socks.ok ? [] : socks.problems).toEqual(['upstreams[0].proxy: must be a URL']);
  });

  it('is refused on Workers at load, naming the field; a Worker sent one later fails the try as a proxy failure', async () => {
    const env = { SWITCHBOARD_CONFIG: CONFIG, CORP_PROXY: 'https://proxy.corp:3129' } as unknown as WorkerEnv;
    const err = await readWorkerConfig(env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerConfigError);
    expect((err as WorkerConfigError).problems).toEqual([expect.stringMatching(/^upstreams\[0\]\.proxy: a Worker cannot send requests through a proxy/)]);

    let fetched = false;
    const http = fetchHttp(() => Promise.resolve(), (() => {
      fetched = true;
      return Promise.resolve(new Response('{}'));
    }) as typeof fetch);
    const timeouts = { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 };
    const failure = await http({ url: 'https://api.example.com/v1/models', method: 'GET', headers: {}, signal: new AbortController().signal, timeouts, proxy: 'http://p:3128' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamFailure);
    expect((failure as UpstreamFailure).kind).toBe('proxy');
    expect(fetched).toBe(false);
  });

  it('is shown with its password masked, and the masked form given back stands for the stored one', () => {
    expect(redactProxyUrl('http://bob:pa%40ss@proxy.corp:3128')).toBe('http://***@proxy.corp:3128');
    expect(redactProxyUrl('https://proxy.corp:3129')).toBe('https://proxy.corp:3129');
    expect(redactProxyUrl('not a url with a secret')).toBe('***');
    const stored = 'http://bob:pa%40ss@proxy.corp:3128';
    expect(unmaskProxyUrl('http://***@proxy.corp:3128', stored)).toBe(stored);
    expect(unmaskProxyUrl('http://bob:new@proxy.corp:3128', stored)).toBe('http://bob:new@proxy.corp:3128');
    expect(unmaskProxyUrl('http://***@other:3128', stored)).toBe('http://***@other:3128');
  });
});
