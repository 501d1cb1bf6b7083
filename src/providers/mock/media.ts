import type { Endpoint } from '../../protocols/protocol.js';
import type { UpstreamCall, UpstreamReply } from '../provider.js';

/**
 * The mock's images and audio, in OpenAI's shapes, so the offline demo can
 * show every endpoint: a 1x1 PNG for each image asked for, a transcription
 * that says how much audio came, and half a second of silence as WAV for speech.
 * @see https://platform.openai.com/docs/api-reference/images/object
 * @see https://platform.openai.com/docs/api-reference/audio/json-object
 */
const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export async function mockMedia(endpoint: Endpoint, body: Record<string, unknown>, multipart: UpstreamCall['multipart']): Promise<UpstreamReply> {
  const created = 1_700_000_000;
  switch (endpoint) {
    case 'images':
    case 'image_edits': {
      // Multipart edits come as a form the mock does not read: one image.
      const n = typeof body.n === 'number' && body.n >= 1 ? Math.min(body.n, 10) : 1;
      const url = body.response_format === 'url';
      const data = Array.from({ length: n }, () => (url ? { url: `data:image/png;base64,${TINY_PNG}` } : { b64_json: TINY_PNG }));
      // Size and quality as made, as gpt-image-1 reports them (`auto` decided as 1024x1024, medium).
      const size = typeof body.size === 'string' && body.size !== 'auto' ? body.size : '1024x1024';
      const quality = typeof body.quality === 'string' && body.quality !== 'auto' ? body.quality : 'medium';
      return reply('application/json', JSON.stringify({ created, data, size, quality }));
    }
    case 'transcriptions':
    case 'translations': {
      const form = multipart ? await new Response(multipart.bytes, { headers: { 'content-type': multipart.contentType } }).formData() : undefined;
      const file = form?.get('file');
      const uploadBytes = typeof file === 'object' && file !== null ? file.size : 0;
      // About 16 KB a second (16 kHz 8-bit mono), rounded up: a figure derived from the upload only.
      const seconds = Math.max(1, Math.ceil(uploadBytes / 16_000));
      const text = `Mock ${endpoint === 'translations' ? 'translation' : 'transcription'} of ${uploadBytes} bytes of audio.`;
      return reply('application/json', JSON.stringify({ text, usage: { type: 'duration', seconds } }));
    }
    case 'speech':
      return reply('audio/wav', silentWav(0.5));
    default:
      throw new Error(`the mock does not serve ${endpoint} as media`);
  }
}

/** A mono 8 kHz 16-bit WAV of silence. @see http://soundfile.sapp.org/doc/WaveFormat/ */
function silentWav(seconds: number): Uint8Array<ArrayBuffer> {
  const rate = 8000;
  const dataBytes = Math.round(seconds * rate) * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  text(36, 'data');
  view.setUint32(40, dataBytes, true);
  return out;
}

function reply(contentType: string, content: string | Uint8Array<ArrayBuffer>): UpstreamReply {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return {
    status: 200,
    headers: new Headers({ 'content-type': contentType, 'x-request-id': 'req_mock' }),
    body: new ReadableStream({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    }),
  };
}
