/** What a watcher learns of a body passing by. */
export interface BodyWatcher {
  /** Each chunk as it goes to the client (not to be changed: the client gets the same bytes). */
  chunk(bytes: Uint8Array): void;
  /** Once: `complete` when the body was read to its end, false when it broke or the client left. */
  end(complete: boolean): void;
}

/**
 * Passes a body on unchanged while a watcher sees each chunk (body logging,
 * the response cache). Pull-based like the stream it wraps, so it buffers
 * nothing ahead of the client and a slow client still slows the upstream read.
 */
export function watchBody(body: ReadableStream<Uint8Array>, watcher: BodyWatcher): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (complete: boolean) => {
    if (ended) return;
    ended = true;
    watcher.end(complete);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        end(false);
        controller.error(err);
        return;
      }
      if (chunk.done) {
        controller.close();
        end(true);
        return;
      }
      watcher.chunk(chunk.value);
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      end(false);
      await reader.cancel(reason).catch(() => {});
    },
  });
}
