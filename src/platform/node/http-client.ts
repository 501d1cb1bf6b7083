import { Readable } from 'node:stream';
import { Agent, ProxyAgent, errors, type Dispatcher } from 'undici';
import type { HttpClient } from '../../providers/http.js';
import { UpstreamFailure, type ChunkReader, type ReplyHeaders } from '../../providers/http.js';
import { redactProxyUrl } from '../../providers/proxy-url.js';

/**
 * The upstream HTTP client on Node: one undici Agent, which keeps a
 * keep-alive connection pool per upstream origin. undici's own timeouts map
 * to the gateway's: connect, headers (first byte) and body (idle between chunks).
 * An upstream with a `proxy` goes through an undici ProxyAgent, which opens
 * a CONNECT tunnel through the proxy to each origin (http ones too), so the
 * proxy's own refusals (its 407, its 502 when it cannot reach the upstream)
 * are told apart from the upstream's answers.
 */
export function createNodeHttpClient(options: { connections?: number | null } = {}): { http: HttpClient; close: () => Promise<void> } {
  // undici takes the connect timeout per Agent, so upstreams with different ones (or proxies) get their own.
  const agents = new Map<string, Dispatcher>();
  const agentFor = (connectMs: number, proxy: string | undefined) => {
    const key = `${connectMs} ${proxy ?? ''}`;
    let agent = agents.get(key);
    if (!agent) {
      // No cap on connections per upstream by default: a streamed answer holds its connection for
      // minutes, so a cap would queue every stream past it behind the ones running (the upstream's own
      // limits answer with 429s, which the pools handle).
      const common = { connections: options.connections ?? null, keepAliveTimeout: 30_000, connect: { timeout: connectMs } };
      // The proxy URL's user and password become its Proxy-Authorization (Basic), never a header of the request.
      agent = proxy ? proxyAgent(proxy, { ...common, proxyTls: { timeout: connectMs }, requestTls: { timeout: connectMs } }) : new Agent(common);
      agents.set(key, agent);
    }
    return agent;
  };
  const http: HttpClient = async (req) => {
    const agent = agentFor(req.timeouts.connectMs, req.proxy);
    const url = new URL(req.url);
    let res;
    try {
      res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: req.timeouts.firstByteMs,
        bodyTimeout: req.timeouts.idleMs,
      });
    } catch (err) {
      throw (req.proxy ? proxyFailure(err, req.proxy) : undefined) ?? toFailure(err, req.signal);
    }
    const headers = recordHeaders(res.headers);
    const body = res.body;
    let web: ReadableStream<Uint8Array> | undefined;
    return {
      status: res.statusCode,
      headers,
      // The Web stream is made only when asked for: whole answers are read with text(), streams with reader().
      get body() {
        return (web ??= toWebStream(body, req.signal));
      },
      reader: () => nodeReader(body, req.signal),
      text: async () => {
        try {
          return await body.text();
        } catch (err) {
          throw toFailure(err, req.signal);
        }
      },
    };
  };
  return { http, close: async () => void (await Promise.all([...agents.values()].map((a) => a.close()))) };
}

/** undici's header record (names already lower-case) read through the ReplyHeaders interface. */
function recordHeaders(record: Record<string, string | string[] | undefined>): ReplyHeaders {
  const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : (value ?? null));
  return {
    get: (name) => one(record[name.toLowerCase()]),
    forEach(callback) {
      for (const name in record) {
        const value = one(record[name]);
        if (value !== null) callback(value, name);
      }
    },
  };
}

/**
 * The agent for a proxy; one that is not a URL (a sealed proxy that did not
 * open under this secret, app/sealed-proxy-store.ts) fails the try as the
 * proxy's failure, so the request never goes around the proxy.
 */
function proxyAgent(proxy: string, options: Omit<ProxyAgent.Options, 'uri'>): ProxyAgent {
  try {
    return new ProxyAgent({ ...options, uri: proxy });
  } catch (err) {
    throw new UpstreamFailure('proxy', `proxy ${redactProxyUrl(proxy)} is not usable: ${(err as Error).message}`);
  }
}

/**
 * A request through a proxy that failed at the proxy: it could not be
 * reached (the gateway's only socket goes to the proxy, so a refused or
 * unresolvable connection is the proxy's), or it refused the CONNECT tunnel
 * (undici: "Proxy response (407) !== 200 when HTTP Tunneling"; a 502 there is
 * the proxy failing to reach the upstream). Undefined for anything else.
 */
function proxyFailure(err: unknown, proxy: string): UpstreamFailure | undefined {
  const where = `proxy ${redactProxyUrl(proxy)}`;
  const message = (err as Error)?.message ?? '';
  const refused = /^Proxy response \((\d+)\)/.exec(message) ?? /^Proxy Authentication Required \((\d+)\)/.exec(message);
  if (refused) return new UpstreamFailure('proxy', `${where} refused the tunnel: answered ${refused[1]}${refused[1] === '407' ? ' (proxy credentials missing or wrong)' : ''}`);
  const code = (err as { code?: string }).code;
  if (code && PROXY_UNREACHABLE.has(code)) return new UpstreamFailure('proxy', `${where} cannot be reached: ${code}`);
  return undefined;
}

/** Socket errors that, through a proxy, can only mean the proxy itself could not be reached. */
const PROXY_UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function toFailure(err: unknown, signal: AbortSignal): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  if (signal.aborted) return new UpstreamFailure('aborted', 'client went away');
  if (err instanceof errors.ConnectTimeoutError) return new UpstreamFailure('connect-timeout', 'connect timed out');
  if (err instanceof errors.HeadersTimeoutError) return new UpstreamFailure('first-byte-timeout', 'did not answer in time');
  if (err instanceof errors.BodyTimeoutError) return new UpstreamFailure('idle-timeout', 'went idle mid-body');
  const code = (err as { code?: string }).code;
  return new UpstreamFailure('connect', `failed: ${code ? `${code} ` : ''}${(err as Error).message}`);
}

/**
 * Reads undici's body (a Node stream) chunk by chunk, with undici errors
 * turned into UpstreamFailure. Streamed answers are read this way: a Web
 * stream in between would cost an object per stream and a promise hop per
 * chunk, for nothing the gateway needs.
 */
function nodeReader(body: Readable, signal: AbortSignal): ChunkReader {
  const iterator = body[Symbol.asyncIterator]();
  return {
    async read() {
      try {
        const { done, value } = await iterator.next();
        return done ? { done: true, value: undefined } : { done: false, value: value as Uint8Array };
      } catch (err) {
        throw toFailure(err, signal);
      }
    },
    async cancel() {
      body.destroy();
    },
  };
}

/** Node stream to Web stream, with undici errors turned into UpstreamFailure. */
function toWebStream(body: Readable, signal: AbortSignal): ReadableStream<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value as Uint8Array);
      } catch (err) {
        throw toFailure(err, signal);
      }
    },
    cancel() {
      body.destroy();
    },
  });
}
