import { SseScanner } from '../sse.js';

/**
 * Gemini's `:streamGenerateContent` asked without `alt=sse` answers one JSON
 * array, written element by element as the answer is made:
 * `[{…}\r\n,{…}\r\n]`, each element a GenerateContentResponse (or an error
 * object) as the SSE stream's `data:` would carry it. This re-frames a Gemini
 * SSE stream that way, chunk by chunk: each whole event that arrives goes out
 * at once as the array's next element, nothing is held but an unfinished event.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function sseToJsonArray(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const scanner = new SseScanner();
  let elements = 0;
  const frame = (data: string): string => {
    const text = data.trim();
    if (text === '') return '';
    return `${elements++ === 0 ? '[' : '\r\n,'}${text}`;
  };
  return new TransformStream({
    transform(chunk, controller) {
      const out = scanner.push(decoder.decode(chunk, { stream: true })).map((event) => frame(event.data)).join('');
      if (out !== '') controller.enqueue(encoder.encode(out));
    },
    flush(controller) {
      const rest = [...scanner.push(decoder.decode()), ...scanner.flush()].map((event) => frame(event.data)).join('');
      controller.enqueue(encoder.encode(`${rest}${elements === 0 ? '[]' : '\r\n]'}`));
    },
  });
}
