import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyStalled, tooLarge, webRequestIO, type RequestIO } from '../../gateway/request-io.js';
import type { GatewayError } from '../../protocols/errors.js';

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

export function createNodeRequestIO(options: { bodyIdleMs: number }): RequestIO {
  return {
    readBody(c, maxBytes) {
      const incoming = (c.env as NodeBindings | undefined)?.incoming;
      if (!incoming) return webRequestIO.readBody(c, maxBytes);
      return readIncoming(incoming, maxBytes, options.bodyIdleMs).then((bytes) => bytes.toString('utf8'));
    },
    readBytes(c, maxBytes) {
      const incoming = (c.env as NodeBindings | undefined)?.incoming;
      if (!incoming) return webRequestIO.readBytes(c, maxBytes);
      return readIncoming(incoming, maxBytes, options.bodyIdleMs).then((bytes) => new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength));
    },
    onClientGone: socketWatch.onClientGone,
    clientAddress: socketWatch.clientAddress,
  };
}

/**
 * Reads the body from the socket. A body that stops arriving for `idleMs` is
 * refused (408) rather than waited on: a client trickling its body would
 * otherwise hold the request, and whatever it reserved, until Node's whole-request timeout.
 */
function readIncoming(incoming: IncomingMessage, maxBytes: number, idleMs: number): Promise<Buffer> {
  const declared = Number(incoming.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: GatewayError) => {
      clearTimeout(idle);
      incoming.removeAllListeners('data');
      incoming.resume(); // drain the rest so the answer can still be written
      reject(err);
    };
    const idle = setTimeout(() => stop(bodyStalled(idleMs)), idleMs);
    incoming.on('data', (chunk: Buffer) => {
      idle.refresh();
      size += chunk.length;
      if (size > maxBytes) return stop(tooLarge(maxBytes));
      chunks.push(chunk);
    });
    incoming.once('end', () => {
      clearTimeout(idle);
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    incoming.once('error', (err) => {
      clearTimeout(idle);
      reject(err);
    });
  });
}

const socketWatch: Pick<RequestIO, 'onClientGone' | 'clientAddress'> = {
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
