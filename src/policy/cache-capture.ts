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

  const reader = response.body.getReader();
  let parts: Uint8Array[] | undefined = [];
  let size = 0;
  let finished = false;
  const finish = (body: string | undefined) => {
    if (finished) return;
    finished = true;
    done(body);
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        finish(undefined);
        controller.error(err);
        return;
      }
      if (chunk.done) {
        controller.close();
        finish(parts ? joinText(parts) : undefined);
        return;
      }
      size += chunk.value.byteLength;
      if (parts && size > maxBytes) parts = undefined;
      parts?.push(chunk.value);
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      finish(undefined);
      await reader.cancel(reason).catch(() => {});
    },
  });
  return new Response(stream, init);
}

function joinText(parts: Uint8Array[]): string {
  const decoder = new TextDecoder();
  let text = '';
  for (const part of parts) text += decoder.decode(part, { stream: true });
  return text + decoder.decode();
}
