import type { IncomingMessage, ServerResponse } from 'node:http';
import { tooLarge, webRequestIO, type RequestIO } from '../../gateway/request-io.js';

/**
 * RequestIO over the Node request and response objects that
 * @hono/node-server puts in `c.env`: reading the body from the socket and
 * watching the socket for a client that leaves avoids building a Web
 * Request (with its own stream and AbortController) for every call.
 */
export type NodeBindings = {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
  /** The peer of a request the platform built itself (a WebSocket turn), which has no `incoming`. */
  peerAddress?: string;
};

export const nodeRequestIO: RequestIO = {
  readBody(c, maxBytes) {
    const incoming = (c.env as NodeBindings | undefined)?.incoming;
    if (!incoming) return webRequestIO.readBody(c, maxBytes);
    const declared = Number(incoming.headers['content-length'] ?? NaN);
    if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          incoming.removeAllListeners('data');
          incoming.resume(); // drain the rest so the 413 can still be written
          reject(tooLarge(maxBytes));
          return;
        }
        chunks.push(chunk);
      });
      incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8')));
      incoming.once('error', reject);
    });
  },
  onClientGone(c, gone) {
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    if (!outgoing) return webRequestIO.onClientGone(c, gone);
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) gone();
    });
  },
  clientAddress(c) {
    // The socket's peer: `127.0.0.1`, `::1`, or `::ffff:127.0.0.1` on a dual-stack listener.
    const env = c.env as NodeBindings | undefined;
    return env?.incoming?.socket.remoteAddress ?? env?.peerAddress;
  },
};
