import type { Timeouts } from '../config/schema.js';
import { afterDelay, type Sleep } from '../runtime/runtime.js';

/**
 * The seam between providers and the network. The Node platform implements it
 * with an undici Agent (connection pools per origin); elsewhere `fetchHttp`
 * serves with the Web `fetch`. Tests and the mock upstream never touch it.
 */
export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** JSON text, or the bytes of a multipart form. */
  body?: string | Uint8Array<ArrayBuffer>;
  signal: AbortSignal;
  timeouts: Timeouts;
  /** An HTTP(S) proxy to go through (`http://user:pass@host:port`, the upstream's `proxy`); absent: direct. */
  proxy?: string;
}

/** The part of `Headers` the gateway reads; a plain record can serve it without building a Headers object. */
export interface ReplyHeaders {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

export interface HttpReply {
  status: number;
  headers: ReplyHeaders;
  body: ReadableStream<Uint8Array> | null;
  /** The whole body as text, when the client can read it faster than through `body`. */
  text?: () => Promise<string>;
  /**
   * The body read chunk by chunk without a Web stream, where the platform can
   * (Node: straight from undici's body). Use it instead of `body`, never both.
   */
  reader?: () => ChunkReader;
}

/** What a stream's reader does that the gateway uses; a `ReadableStreamDefaultReader` is one. */
export interface ChunkReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

export type HttpClient = (request: HttpRequest) => Promise<HttpReply>;

/**
 * Why an upstream call failed before it answered. `proxy`: the upstream's
 * proxy could not be reached or refused the tunnel (not the upstream's fault,
 * nor the credential's).
 */
export type FailureKind = 'connect' | 'connect-timeout' | 'first-byte-timeout' | 'idle-timeout' | 'broken' | 'aborted' | 'proxy';

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }

  get isTimeout(): boolean {
    return this.kind.endsWith('timeout');
  }
}

/**
 * An HttpClient over the Web `fetch`. Connect and first-byte timeouts share
 * one timer (fetch cannot tell them apart); the idle timeout is enforced
 * between body chunks. The timers are the runtime's `sleep`.
 */
export function fetchHttp(sleep: Sleep, fetchImpl: typeof fetch = fetch): HttpClient {
  return async (req) => {
    // The Web fetch has no way through a proxy: refused rather than sent around it (docs/workers.md).
    if (req.proxy) throw new UpstreamFailure('proxy', 'this platform cannot send requests through a proxy (the upstream has `proxy` set)');
    const timer = new AbortController();
    const cancelTimer = afterDelay(sleep, req.timeouts.firstByteMs, () => timer.abort());
    const signal = AbortSignal.any([req.signal, timer.signal]);
    let res: Response;
    try {
      res = await fetchImpl(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    } catch (err) {
      if (req.signal.aborted) throw new UpstreamFailure('aborted', 'client went away');
      if (timer.signal.aborted)
        throw new UpstreamFailure('first-byte-timeout', `no answer within ${req.timeouts.firstByteMs} ms`);
      throw new UpstreamFailure('connect', `cannot reach upstream: ${(err as Error).message}`);
    } finally {
      cancelTimer();
    }
    return { status: res.status, headers: res.headers, body: res.body ? withIdleTimeout(res.body, req.timeouts.idleMs, sleep) : null };
  };
}

function withIdleTimeout(body: ReadableStream<Uint8Array>, idleMs: number, sleep: Sleep): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const waited = new AbortController();
      const idle = sleep(idleMs, waited.signal).then(() => {
        throw new UpstreamFailure('idle-timeout', `upstream idle for ${idleMs} ms`);
      });
      // Cancelled below once the chunk came; that rejection is nobody's concern.
      idle.catch(() => {});
      try {
        const { done, value } = await Promise.race([reader.read(), idle]);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (err) {
        void reader.cancel(err).catch(() => {});
        throw err;
      } finally {
        waited.abort();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
