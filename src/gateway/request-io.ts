import type { Context } from 'hono';
import { GatewayError } from '../protocols/errors.js';

/**
 * How the gateway reads a client's body and learns that the client left.
 * The Web version below works on any runtime; a platform may supply a
 * faster one (the Node platform reads the socket directly, without building
 * a full Web Request per call).
 */
export interface RequestIO {
  /** The body as text; a GatewayError 413 past `maxBytes`, before reading more than that. */
  readBody(c: Context, maxBytes: number): Promise<string>;
  /** Calls `gone` if the client goes away before the answer is complete. */
  onClientGone(c: Context, gone: () => void): void;
  /** The peer address of the client's connection (before any X-Forwarded-For), when the platform knows it. */
  clientAddress(c: Context): string | undefined;
}

export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('SB_ERR_BODY_TOO_LARGE', `request body is larger than ${maxBytes} bytes`);
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
  onClientGone(c, gone) {
    const signal = c.req.raw.signal;
    if (signal.aborted) gone();
    else signal.addEventListener('abort', gone, { once: true });
  },
  // Plain Web requests carry no peer address; a platform that has one supplies its own RequestIO.
  clientAddress: () => undefined,
};
