import type { Redactor } from './redact.js';
import type { RequestBodiesRecord } from '../store/types.js';
import { watchBody } from './watch-body.js';
import { redactAcrossDeltas } from './redact-stream.js';

/**
 * Logging of request and response bodies (`logging.bodies`):
 * - `off`: nothing;
 * - `metadata`: sizes, content types, the response status, and the request's
 *   parameters without message contents (see `requestParameters`);
 * - `full`: the request body as received and the response body as the client
 *   got it (for streams, the client-facing SSE text), each cut at
 *   BODY_LOG_LIMIT bytes with a marker.
 * Everything passes through the redactor before it is stored, streams over
 * their assembled text as well as event by event. The work
 * (parsing, redacting) is done by the recorder's batch, off the request path.
 */
export type BodyLogMode = 'off' | 'metadata' | 'full';

export const BODY_LOG_LIMIT = 256 * 1024;
/** Redaction sees this much past the limit, so a secret straddling the cut is still whole when it is found. */
const REDACT_MARGIN = 8 * 1024;

export type BodyRecord = RequestBodiesRecord;

export interface BodyLogPolicy {
  mode: BodyLogMode;
  redact: Redactor;
}

export interface BodyCapture {
  /** The client's request body, as read; `declaredBytes` is its Content-Length when it had one. */
  request(text: string, contentType: string | undefined, declaredBytes?: number): void;
  /** The response with its body wrapped to see the bytes the client gets; hands the record over once they are through. */
  response(res: Response): Response;
}

/** A capture for one request, or null when bodies are not logged. `record` receives a builder to run later. */
export function startBodyCapture(policy: BodyLogPolicy, requestId: string, record: (build: () => BodyRecord) => void): BodyCapture | null {
  if (policy.mode === 'off') return null;
  const mode = policy.mode;
  // `full` keeps only what it may store (plus the redaction margin), not a body of up to server.maxBodyBytes.
  let requestText: string | null = null;
  let requestBytes = 0;
  let requestType: string | undefined;
  let handedOver = false;

  const hand = (status: number, contentType: string | null, kept: Uint8Array[], total: number) => {
    if (handedOver) return;
    handedOver = true;
    record(() => {
      const redact = policy.redact;
      if (mode === 'metadata') {
        const request =
          requestText === null ? null : { bytes: requestBytes, contentType: requestType ?? null, params: requestParameters(requestText) };
        return {
          requestId,
          mode,
          requestBody: request === null ? null : redact(JSON.stringify(request)),
          responseBody: redact(JSON.stringify({ status, bytes: total, contentType })),
          requestTruncated: false,
          responseTruncated: false,
        };
      }
      const req = requestText === null ? null : cut(redact, requestText, requestBytes);
      if (isBinary(contentType)) {
        // Audio (speech) and other binary answers: what they were, never their bytes.
        return { requestId, mode, requestBody: req?.text ?? null, responseBody: `[${contentType}: ${total} bytes, not stored]`, requestTruncated: req?.truncated ?? false, responseTruncated: false };
      }
      const received = new TextDecoder().decode(concat(kept));
      // A secret streamed over several deltas is whole only in the assembled text (policy/redact-stream.ts).
      const streamed = contentType?.includes('text/event-stream') ? redactAcrossDeltas(received, redact) : received;
      const res = cut(redact, streamed, total);
      return {
        requestId,
        mode,
        requestBody: req?.text ?? null,
        responseBody: res.text,
        requestTruncated: req?.truncated ?? false,
        responseTruncated: res.truncated,
      };
    });
  };

  return {
    request(text, contentType, declaredBytes) {
      requestBytes = declaredBytes !== undefined && Number.isInteger(declaredBytes) ? declaredBytes : byteLength(text);
      requestText = mode === 'full' ? text.slice(0, BODY_LOG_LIMIT + REDACT_MARGIN) : text;
      requestType = contentType;
    },
    response(res) {
      const contentType = res.headers.get('content-type');
      const body = res.body;
      if (!body) {
        hand(res.status, contentType, [], 0);
        return res;
      }
      const keepLimit = mode === 'full' && !isBinary(contentType) ? BODY_LOG_LIMIT + REDACT_MARGIN : 0;
      const kept: Uint8Array[] = [];
      let keptBytes = 0;
      let total = 0;
      const stream = watchBody(body, {
        chunk(bytes) {
          total += bytes.byteLength;
          if (keptBytes < keepLimit) {
            const piece = bytes.subarray(0, keepLimit - keptBytes);
            kept.push(piece.slice());
            keptBytes += piece.byteLength;
          }
        },
        // A body cut short is logged as far as it went.
        end: () => hand(res.status, contentType, kept, total),
      });
      return new Response(stream, { status: res.status, statusText: res.statusText, headers: res.headers });
    },
  };
}

/**
 * What `metadata` keeps of a request: every parameter (model, stream,
 * temperature, max_tokens, reasoning and thinking settings, …) but none of
 * the conversation. Fields that carry content (messages, input, contents,
 * system, instructions, prompt, tools, metadata, user) become their size;
 * other arrays of objects become their length; nested objects follow the
 * same rules. A body that is not a JSON object yields null.
 */
export function requestParameters(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  return parameters(json, 0);
}

const CONTENT_FIELDS = new Set([
  'messages',
  'input',
  'contents',
  'system',
  'systemInstruction',
  'system_instruction',
  'instructions',
  'prompt',
  'suffix',
  'tools',
  'functions',
  'metadata',
  'user',
  'cachedContent',
  'documents',
]);

function parameters(obj: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (CONTENT_FIELDS.has(key)) out[key] = sizeOf(value);
    else if (Array.isArray(value)) out[key] = value.every((v) => !isObject(v) && !Array.isArray(v)) ? value : sizeOf(value);
    else if (isObject(value)) out[key] = depth < 4 ? parameters(value, depth + 1) : sizeOf(value);
    else out[key] = value;
  }
  return out;
}

function sizeOf(value: unknown): unknown {
  if (typeof value === 'string') return { chars: value.length };
  if (Array.isArray(value)) return { items: value.length };
  if (isObject(value)) return { fields: Object.keys(value).length };
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Redacts, then cuts at the limit with a marker saying how large the whole was. */
function cut(redact: Redactor, text: string, totalBytes: number): { text: string; truncated: boolean } {
  const clean = redact(text);
  if (totalBytes <= BODY_LOG_LIMIT && byteLength(clean) <= BODY_LOG_LIMIT) return { text: clean, truncated: false };
  const kept = clean.slice(0, BODY_LOG_LIMIT);
  return { text: `${kept}\n…[truncated by Switchboard: ${totalBytes} bytes in all]`, truncated: true };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A body that is not text (speech's audio, an image): body logging keeps its type and size, never its bytes. */
function isBinary(contentType: string | null): boolean {
  const type = (contentType ?? '').toLowerCase();
  return /^(audio|image|video)\//.test(type) || type.startsWith('application/octet-stream');
}
