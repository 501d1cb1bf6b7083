import { sseToJsonArray } from '../translate/gemini/json-array-stream.js';

/**
 * A Gemini client's `:streamGenerateContent` without `alt=sse` gets the
 * JSON-array stream Gemini answers then. The request runs as an SSE stream
 * (pass-through asks the upstream with `alt=sse`, translation makes Gemini's
 * events), and its stream, usage tapped on the way as for any stream, is
 * re-framed on the way out, piped chunk by chunk (translate/gemini/json-array-stream.ts).
 * Answers that are not a stream (an error before the first byte) go as they are.
 */
export function asJsonArrayStream(res: Response): Response {
  if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) return res;
  const headers = new Headers(res.headers);
  headers.set('content-type', 'application/json; charset=UTF-8');
  headers.delete('content-length');
  return new Response(res.body.pipeThrough(sseToJsonArray()), { status: res.status, statusText: res.statusText, headers });
}
