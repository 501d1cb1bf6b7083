import { GatewayError } from '../protocols/errors.js';
import type { RequestIO } from '../runtime/request-io.js';

export type { RequestIO } from '../runtime/request-io.js';

export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('SB_ERR_BODY_TOO_LARGE', `request body is larger than ${maxBytes} bytes`);
}

/** A body that stopped arriving: its connection is closed with the answer, since the rest of it will not be read. */
export function bodyStalled(idleMs: number): GatewayError {
  return new GatewayError('SB_ERR_REQUEST_TIMEOUT', `request body stopped arriving: nothing for ${idleMs / 1000} s`, null, { connection: 'close' });
}

/**
 * Compressed request bodies are not accepted: no client SDK sends them, and
 * inflating one would let a few kilobytes on the wire become gigabytes in
 * memory (a gzip bomb). A clear 415 instead of a "not valid JSON" 400.
 */
export function refuseEncodedBody(contentEncoding: string | undefined): void {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return;
  throw new GatewayError(
    'SB_ERR_UNSUPPORTED_MEDIA_TYPE',
    `content-encoding: compressed request bodies are not accepted (got ${JSON.stringify(encoding.slice(0, 40))}); send the JSON uncompressed`,
    'content-encoding',
  );
}

export const webRequestIO: RequestIO = {
  async readBody(c, maxBytes) {
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const body = c.req.raw.body;
    if (!body) return '';
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let size = 0;
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      text += decoder.decode(value, { stream: true });
    }
  },
  async readBytes(c, maxBytes) {
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const body = c.req.raw.body;
    if (!body) return new Uint8Array();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return joinChunks(chunks, size);
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  },
  onClientGone(c, gone) {
    const signal = c.req.raw.signal;
    if (signal.aborted) gone();
    else signal.addEventListener('abort', gone, { once: true });
  },
  // Plain Web requests carry no peer address; a platform that has one supplies its own RequestIO.
  clientAddress: () => undefined,
};

function joinChunks(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
