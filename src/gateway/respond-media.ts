import type { Exchange } from './exchange.js';
import { readText } from './exchange.js';
import type { Operation } from '../protocols/operations.js';
import type { PrimedReply } from './attempt.js';
import { jsonResponse, type ResponseHeaders } from './headers.js';
import { GatewayError, upstreamErrorMessage } from '../protocols/errors.js';
import type { MediaBody } from '../protocols/media-requests.js';
import type { ChunkReader } from '../providers/http.js';
import { tapStream, type StreamEnd } from '../usage/stream-tap.js';
import { imagesUsage, MediaStreamUsage, speechCharacters, transcriptionUsage, type MediaUsage } from '../usage/media-usage.js';
import { codecFor } from '../translate/registry.js';
import { geminiImagesAnswer } from '../translate/gemini/images.js';
import { imagenAnswer } from '../translate/gemini/imagen.js';

const MAX_ERROR_BODY = 1024 * 1024;

/**
 * The respond step of the images and audio endpoints: the upstream's answer
 * passed back as it came (JSON, text, Server-Sent Events, or audio bytes
 * piped chunk by chunk, never held whole), its usage read on the way, the
 * row finished once the answer is through. `viaGemini`: the answer is
 * Gemini's and is translated to OpenAI's images shape.
 */
export async function respondMedia(
  ex: Exchange,
  op: Operation,
  body: MediaBody,
  reply: PrimedReply,
  headers: ResponseHeaders,
  /** `imagen`: the Gemini model is an Imagen one, asked through `:predict`. */
  options: { viaGemini: boolean; imagen?: boolean; audioSeconds?: number },
): Promise<Response> {
  const type = reply.headers.get('content-type') ?? 'application/json';
  headers['content-type'] = type;

  if (reply.status >= 400) {
    const text = await readText(reply, MAX_ERROR_BODY);
    ex.firstByte();
    if (!options.viaGemini) {
      ex.finish(reply.status, 'upstream_error', undefined, upstreamErrorMessage(reply.status, text));
      return new Response(text, { status: reply.status, headers });
    }
    // Gemini's error, told in OpenAI's shape.
    const error = codecFor('gemini').decodeError(reply.status, text);
    const { status, body: shaped } = codecFor('openai-chat').encodeError(error);
    ex.finish(reply.status, 'upstream_error', undefined, error.message);
    return jsonResponse(shaped, status, headers);
  }

  if (reply.chunks && type.includes('text/event-stream')) return relayEvents(ex, op, body, reply.chunks, reply, headers, options.audioSeconds);
  if (reply.chunks) return pipeAudio(ex, body, reply.chunks, reply, headers);

  const text = await readText(reply);
  ex.firstByte();
  if (options.viaGemini && options.imagen) {
    // Imagen reports no tokens: its images are counted and priced as OpenAI's are.
    const answer = imagenAnswer(parseAnswer(text), body.json);
    finish(ex, reply.status, 'ok', imagesUsage(answer, body.json), null);
    return jsonResponse(answer, 200, headers);
  }
  if (options.viaGemini) {
    const answer = geminiImagesAnswer(parseAnswer(text), body.json);
    finish(ex, reply.status, 'ok', answer.used, null);
    return jsonResponse(answer.body, 200, headers);
  }
  // Transcriptions answer plain text for `text`, `srt` and `vtt`: their audio is the file's length.
  const json = type.includes('json') ? parseAnswer(text) : undefined;
  const used = op.protocol === 'openai-images' ? imagesUsage(json, body.json) : transcriptionUsage(json, options.audioSeconds);
  finish(ex, reply.status, 'ok', used, null);
  return new Response(text, { status: reply.status, headers });
}

function finish(ex: Exchange, status: number, outcome: 'ok' | 'incomplete', used: MediaUsage, error: string | null): void {
  if (used.units) ex.row.units = used.units;
  if (used.estimated) ex.row.usageEstimated = true;
  ex.finish(status, outcome, used.usage, error);
}

/**
 * A streamed image (partial images, then one `*.completed` per image), a
 * streamed transcription (`transcript.text.delta` … `transcript.text.done`)
 * or speech as SSE (`speech.audio.delta` … `speech.audio.done`): the events
 * go to the client as they came; usage is read from the closing events.
 */
function relayEvents(
  ex: Exchange,
  op: Operation,
  body: MediaBody,
  chunks: ChunkReader,
  reply: PrimedReply,
  headers: ResponseHeaders,
  audioSeconds: number | undefined,
): Response {
  const kind = op.protocol === 'openai-images' ? 'images' : 'audio';
  const watch = new MediaStreamUsage(imagesAsked(body));
  const see = (event: { event?: string; data: string }) => watch.see(event.event ?? typeOfData(event.data), event.data);
  headers['cache-control'] = 'no-cache';
  const stream = tapStream(chunks, {
    head: reply.head,
    processor: {
      chunk(bytes, events) {
        for (const event of events) see(event);
        return bytes;
      },
      end(rest) {
        for (const event of rest) see(event);
        if (!watch.closed(kind)) throw new Error('the stream ended before its closing event');
        return '';
      },
      // OpenAI's streaming error event.
      broke: (message) => `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'server_error', code: null, message, param: null } })}\n\n`,
    },
    onFirstByte: () => ex.firstByte(),
    clientGone: ex.upstreamSignal,
    onEnd: (end: StreamEnd) => {
      const used = streamUsage(op, body, watch.result(kind, body.json), audioSeconds);
      switch (end.kind) {
        case 'complete':
          return finish(ex, reply.status, 'ok', used, null);
        case 'client-gone':
          ex.abortUpstream();
          return finish(ex, 499, 'incomplete', used, 'client disconnected mid-stream');
        case 'upstream-broke':
          return finish(ex, 502, 'incomplete', used, end.error);
        default:
          return end satisfies never;
      }
    },
  });
  return new Response(stream, { status: reply.status, headers });
}

/** A stream without its closing count: speech is still its characters, a transcription its file's length (estimated). */
function streamUsage(op: Operation, body: MediaBody, seen: MediaUsage, audioSeconds: number | undefined): MediaUsage {
  if (seen.usage || seen.units) return seen;
  if (op.endpoint === 'speech') return { units: { characters: speechCharacters(body.json.input) } };
  if (op.protocol === 'openai-audio' && audioSeconds !== undefined) return { units: { audioSeconds }, estimated: true };
  return seen;
}

function imagesAsked(body: MediaBody): number {
  const n = Number(body.json.n ?? 1);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

/** The `type` of an event sent without an `event:` line, read from the start of its JSON without parsing a large body. */
function typeOfData(data: string): string | undefined {
  return /"type"\s*:\s*"([^"]+)"/.exec(data.slice(0, 200))?.[1];
}

/**
 * Speech as audio bytes (mp3, opus, aac, flac, wav, pcm): piped to the
 * client chunk by chunk as the upstream sends them, pull-based (a slow
 * client slows the upstream read); billed by the characters of `input`.
 */
function pipeAudio(ex: Exchange, body: MediaBody, chunks: ChunkReader, reply: PrimedReply, headers: ResponseHeaders): Response {
  let head = reply.head;
  let ended = false;
  const used: MediaUsage = { units: { characters: speechCharacters(body.json.input) } };
  const end = (status: number, outcome: 'ok' | 'incomplete', error: string | null) => {
    if (ended) return;
    ended = true;
    finish(ex, status, outcome, used, error);
  };
  ex.upstreamSignal.addEventListener('abort', () => end(499, 'incomplete', 'client disconnected mid-stream'), { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = head ? { done: false as const, value: head } : await chunks.read();
        head = undefined;
        if (chunk.done) {
          controller.close();
          return end(reply.status, 'ok', null);
        }
        ex.firstByte();
        controller.enqueue(chunk.value);
      } catch (err) {
        // Headers are sent: the client sees the audio cut short.
        controller.error(err);
        end(502, 'incomplete', `upstream stream broke: ${(err as Error)?.message ?? String(err)}`);
      }
    },
    async cancel(reason) {
      end(499, 'incomplete', 'client disconnected mid-stream');
      await chunks.cancel(reason).catch(() => {});
    },
  });
  return new Response(stream, { status: reply.status, headers });
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('SB_ERR_UPSTREAM_INVALID', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
