import { watchBody } from './watch-body.js';

/**
 * Passes a response body to the client unchanged while keeping a copy, for
 * the response cache. The copy is given to `done` only when the body was
 * read to its end; a client that leaves, or a body larger than `maxBytes`
 * (the copy is dropped as soon as it grows past it), gives `undefined`.
 * Pull-based like the stream it wraps, so it adds no buffering ahead of the
 * client.
 */
export function captureBody(
  response: Response,
  extraHeaders: Record<string, string>,
  maxBytes: number,
  done: (body: string | undefined) => void,
): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  const init = { status: response.status, statusText: response.statusText, headers };
  if (!response.body) {
    done('');
    return new Response(null, init);
  }

  let parts: Uint8Array[] | undefined = [];
  let size = 0;
  const stream = watchBody(response.body, {
    chunk(bytes) {
      size += bytes.byteLength;
      if (parts && size > maxBytes) parts = undefined;
      parts?.push(bytes);
    },
    end: (complete) => done(complete && parts ? joinText(parts) : undefined),
  });
  return new Response(stream, init);
}

function joinText(parts: Uint8Array[]): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const part of parts) text += decoder.decode(part, { stream: true });
  return text + decoder.decode();
}
