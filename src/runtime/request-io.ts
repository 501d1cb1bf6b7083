import type { Context } from 'hono';

/**
 * How the gateway reads a client's body and learns that the client left.
 * The Web version (gateway/request-io.ts) works on any runtime; a platform may supply a
 * faster one (the Node platform reads the socket directly, without building
 * a full Web Request per call).
 */
export interface RequestIO {
  /** The body as text; a GatewayError 413 past `maxBytes`, before reading more than that. */
  readBody(c: Context, maxBytes: number): Promise<string>;
  /** The body as bytes (multipart uploads: images, audio), under the same cap. */
  readBytes(c: Context, maxBytes: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Calls `gone` if the client goes away before the answer is complete. */
  onClientGone(c: Context, gone: () => void): void;
  /** The peer address of the client's connection (before any X-Forwarded-For), when the platform knows it. */
  clientAddress(c: Context): string | undefined;
}
