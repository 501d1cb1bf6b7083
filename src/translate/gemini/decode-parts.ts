import type { IRFilePart, IRImagePart, IRPart, IRReasoningPart, IRTextPart, IRToolResultPart } from '../ir.js';
import { badRequest, optionalBoolean, optionalString, requireString } from '../shared/validate.js';
import { decodeGeminiMedia } from './convert-gemini-media.js';
import { field, parseObject, unknownFields } from './json.js';
import { optionalRecord, requireRecord } from './validate.js';

/** Part fields the IR carries; anything else on a mapped part is kept aside for the round trip. */
export const KNOWN_PART_FIELDS = ['text', 'thought', 'thoughtSignature', 'inlineData', 'fileData', 'functionCall', 'functionResponse'];

/** How function calls and results get their ids (see gemini-tool-ids.ts). */
export interface CallIds {
  /** The id of a function call that came without one. */
  call(name: string): string;
  /** Records a call, so a result without an id can be paired with it. */
  seen(id: string, name: string): void;
  /** The id of a function result: its own, else the first unanswered call of that name. */
  result(name: string, id: string | undefined): string;
}

export interface PartSink {
  /** A part the IR has no place for (code execution, …), by its index. */
  unmapped(index: number, part: Record<string, unknown>): void;
  /**
   * Fields of a mapped part the IR has no place for (`videoMetadata`, …), or
   * a mapped field kept whole because something inside it was left out (named
   * to `lost`).
   */
  extras(index: number, fields: Record<string, unknown>): void;
  /** Names a loss inside a mapped part (an unknown part in a `functionResponse`). */
  lost(what: string): void;
}

/**
 * One Content's parts -> IR parts, one for one, except that a
 * `thoughtSignature` on a part that is not a thought becomes the signature of
 * the reasoning just before it (a fresh empty reasoning part when there is
 * none), since the IR keeps signatures on reasoning. encode-parts.ts puts it
 * back on the part that follows that reasoning. Throws a 400 naming the field.
 */
export function decodeGeminiParts(parts: unknown[], path: string, ids: CallIds, sink: PartSink): IRPart[] {
  const out: IRPart[] = [];
  parts.forEach((raw, index) => {
    const partPath = `${path}[${index}]`;
    const part = requireRecord(raw, partPath);
    const signature = optionalString(field(part, 'thoughtSignature'), `${partPath}.thoughtSignature`);
    const thought = optionalBoolean(part.thought, `${partPath}.thought`);
    const extras = unknownFields(part, KNOWN_PART_FIELDS);

    if (thought === true) {
      const text = optionalString(part.text, `${partPath}.text`) ?? '';
      out.push({ type: 'reasoning', text, vendor: 'gemini', ...(signature !== undefined ? { signature } : {}) });
      if (Object.keys(extras).length > 0) sink.extras(index, extras);
      return;
    }
    let innerLoss = false;
    const decoded = decodeContentPart(part, partPath, ids, (what) => {
      innerLoss = true;
      sink.lost(what);
    });
    // The round trip gives the function response back whole, with what the IR left out of it.
    if (innerLoss) extras.functionResponse = part.functionResponse;
    if (!decoded) {
      sink.unmapped(index, part);
      return;
    }
    if (signature !== undefined) attachSignature(out, signature);
    out.push(decoded);
    // `thought: false` is the default; keep it for the round trip like any other extra field
    if (thought === false) extras.thought = false;
    if (Object.keys(extras).length > 0) sink.extras(index, extras);
  });
  return out;
}

function attachSignature(out: IRPart[], signature: string): void {
  const previous = out.at(-1);
  if (previous?.type === 'reasoning' && previous.vendor === 'gemini' && previous.signature === undefined) {
    previous.signature = signature;
    return;
  }
  const carrier: IRReasoningPart = { type: 'reasoning', text: '', vendor: 'gemini', signature };
  out.push(carrier);
}

function decodeContentPart(part: Record<string, unknown>, path: string, ids: CallIds, lost: (what: string) => void): IRPart | undefined {
  if (part.text !== undefined) {
    return { type: 'text', text: requireString(part.text, `${path}.text`) };
  }
  const media = decodeGeminiMedia(part, path);
  if (media) return media;
  const call = field(part, 'functionCall');
  if (call !== undefined) {
    const fc = requireRecord(call, `${path}.functionCall`);
    const name = requireString(fc.name, `${path}.functionCall.name`);
    const args = optionalRecord(fc.args, `${path}.functionCall.args`) ?? {};
    const id = optionalString(fc.id, `${path}.functionCall.id`) ?? ids.call(name);
    ids.seen(id, name);
    return { type: 'tool-call', id, name, arguments: JSON.stringify(args) };
  }
  const result = field(part, 'functionResponse');
  if (result !== undefined) return decodeFunctionResponse(requireRecord(result, `${path}.functionResponse`), `${path}.functionResponse`, ids, lost);
  return undefined;
}

/**
 * `functionResponse` -> a tool result. `response` must be an object: a lone
 * `{output: text}` or `{error: text}` (the shape the encoder writes, and the
 * one Google's docs suggest) becomes that text, any other object its JSON text.
 * @see https://ai.google.dev/api/caching#FunctionResponse
 */
function decodeFunctionResponse(fr: Record<string, unknown>, path: string, ids: CallIds, lost: (what: string) => void): IRToolResultPart {
  const name = requireString(fr.name, `${path}.name`);
  const toolCallId = ids.result(name, optionalString(fr.id, `${path}.id`));
  const response = optionalRecord(fr.response, `${path}.response`);
  const media: (IRImagePart | IRFilePart)[] = [];
  const parts = fr.parts;
  if (parts !== undefined && parts !== null) {
    if (!Array.isArray(parts)) throw badRequest(`${path}.parts`, 'must be an array');
    parts.forEach((raw, i) => {
      const inner = requireRecord(raw, `${path}.parts[${i}]`);
      const decoded = decodeGeminiMedia(inner, `${path}.parts[${i}]`);
      if (decoded) media.push(decoded);
      else lost(`${Object.keys(inner).join('/') || 'empty'} part in ${path}.parts[${i}]`);
    });
  }
  const content: IRToolResultPart['content'] = [];
  let isError = false;
  if (response !== undefined) {
    const keys = Object.keys(response);
    const only = keys.length === 1 ? keys[0] : undefined;
    const value = only !== undefined ? response[only] : undefined;
    if ((only === 'output' || only === 'error') && typeof value === 'string' && parseObject(value) === undefined) {
      isError = only === 'error';
      if (value !== '' || media.length === 0 || isError) content.push(textPart(value));
    } else {
      content.push(textPart(JSON.stringify(response)));
    }
  }
  content.push(...media);
  return { type: 'tool-result', toolCallId, name, content, ...(isError ? { isError } : {}) };
}

function textPart(text: string): IRTextPart {
  return { type: 'text', text };
}

