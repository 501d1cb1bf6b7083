/**
 * How many seconds of audio a file holds, read from its header when that is
 * cheap (WAV, MP3, FLAC: a look at the first 64 KB, nothing decoded), else
 * estimated from its size. Used when an upstream does not say how much audio
 * it transcribed, and to reserve a transcription's cost before the call.
 */
export interface AudioLength {
  seconds: number;
  /** From the file's size at a typical bitrate, not from its header. */
  fromSize: boolean;
}

/** Bytes read from the start of the file: headers, an ID3 tag of ordinary size, the first MP3 frame. */
const HEADER_BYTES = 64 * 1024;

/**
 * The bitrate a file of another format (m4a, ogg, webm, mp4…) is taken to
 * have: 64 kbit/s, a usual rate for compressed speech. A lower guess would
 * charge more; this one keeps a reservation near what such files hold.
 */
const ASSUMED_BITS_PER_SECOND = 64_000;

export async function audioLength(file: Blob): Promise<AudioLength> {
  const head = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  const seconds = wavSeconds(head, file.size) ?? flacSeconds(head) ?? mp3Seconds(head, file.size);
  if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) return { seconds: round(seconds), fromSize: false };
  return { seconds: round((file.size * 8) / ASSUMED_BITS_PER_SECOND), fromSize: true };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/**
 * RIFF/WAVE: the `fmt ` chunk's byte rate and the `data` chunk's size. A
 * size the writer left open (0 or 0xFFFFFFFF, as streaming writers do) is
 * read as "to the end of the file".
 * @see http://soundfile.sapp.org/doc/WaveFormat/
 */
function wavSeconds(b: Uint8Array, fileSize: number): number | undefined {
  if (b.length < 12 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WAVE') return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let byteRate: number | undefined;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = ascii(b, at, 4);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ' && at + 20 <= b.length) byteRate = view.getUint32(at + 16, true);
    if (id === 'data') {
      if (!byteRate) return undefined;
      const rest = fileSize - (at + 8);
      return (size === 0 || size === 0xffffffff || size > rest ? rest : size) / byteRate;
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/**
 * FLAC: the STREAMINFO block, first after `fLaC`, holds the sample rate
 * (20 bits) and the total number of samples (36 bits).
 * @see https://www.rfc-editor.org/rfc/rfc9639.html#name-streaminfo
 */
function flacSeconds(b: Uint8Array): number | undefined {
  if (b.length < 26 || ascii(b, 0, 4) !== 'fLaC') return undefined;
  const info = 8; // after the marker and the block's 4-byte header
  const rate = (b[info + 10] << 12) | (b[info + 11] << 4) | (b[info + 12] >> 4);
  const samples = (b[info + 13] & 0x0f) * 2 ** 32 + ((b[info + 14] << 24) >>> 0) + (b[info + 15] << 16) + (b[info + 16] << 8) + b[info + 17];
  return rate > 0 && samples > 0 ? samples / rate : undefined;
}

/** MPEG-1 and MPEG-2 layer III bitrates in kbit/s, by bitrate index. */
const MP3_KBPS = {
  1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MP3_RATES = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 25: [11025, 12000, 8000] };

/**
 * MP3 (MPEG audio layer III): past an ID3v2 tag, the first frame's header
 * gives the bitrate and sample rate. A Xing/Info header in that frame gives
 * the frame count (exact, variable bitrate too); otherwise the file is taken
 * as constant bitrate: its size over the bitrate.
 * @see http://www.mp3-tech.org/programmer/frame_header.html
 */
function mp3Seconds(b: Uint8Array, fileSize: number): number | undefined {
  let at = 0;
  if (b.length >= 10 && ascii(b, 0, 3) === 'ID3') at = 10 + ((b[6] & 0x7f) << 21) + ((b[7] & 0x7f) << 14) + ((b[8] & 0x7f) << 7) + (b[9] & 0x7f);
  for (; at + 4 <= b.length; at++) {
    if (b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) continue;
    const versionBits = (b[at + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    const layerBits = (b[at + 1] >> 1) & 3; // 1: layer III
    const bitrateIndex = b[at + 2] >> 4;
    const rateIndex = (b[at + 2] >> 2) & 3;
    if (versionBits === 1 || layerBits !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) continue;
    const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 25;
    const kbps = MP3_KBPS[version === 1 ? 1 : 2][bitrateIndex];
    const sampleRate = MP3_RATES[version][rateIndex];
    const samplesPerFrame = version === 1 ? 1152 : 576;
    const frames = xingFrames(b, at, version === 1, (b[at + 3] >> 6) === 3);
    if (frames !== undefined) return (frames * samplesPerFrame) / sampleRate;
    return ((fileSize - at) * 8) / (kbps * 1000);
  }
  return undefined;
}

/** The frame count of a Xing or Info header, which follows the side information of the first frame. */
function xingFrames(b: Uint8Array, frame: number, mpeg1: boolean, mono: boolean): number | undefined {
  const at = frame + 4 + (mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17);
  if (at + 12 > b.length) return undefined;
  const tag = ascii(b, at, 4);
  if (tag !== 'Xing' && tag !== 'Info') return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if ((view.getUint32(at + 4) & 1) === 0) return undefined;
  const frames = view.getUint32(at + 8);
  return frames > 0 ? frames : undefined;
}
