import type { IRPart, IRReasoningPart, IRToolCallPart, IRToolResultPart } from '../ir.js';
import { isRecord } from '../shared/json.js';
import { encodeGeminiMedia } from './convert-gemini-media.js';
import type { GeminiFunctionResponsePart, GeminiPart } from './gemini-wire.js';
import { isSyntheticId } from './gemini-tool-ids.js';
import { parseObject } from './json.js';

export interface PartEncoding {
  /**
   * What to do with reasoning another vendor produced: an upstream request
   * drops it (Gemini cannot use it); a client answer shows its text as thoughts.
   */
  foreignReasoning: 'drop' | 'show';
  warn(warning: string): void;
  /** The function name of an earlier tool call, for a result that does not name it. */
  toolName(toolCallId: string): string | undefined;
}

/**
 * IR parts -> one Content's parts: the inverse of decode-parts.ts. A Gemini
 * reasoning part whose signature is followed by a non-reasoning part gives
 * that signature to the part after it (where Gemini put it); an empty one
 * was only carrying the signature and writes no part of its own.
 */
export function encodeGeminiParts(parts: IRPart[], encoding: PartEncoding): GeminiPart[] {
  const out: GeminiPart[] = [];
  let pendingSignature: string | undefined;
  parts.forEach((part, index) => {
    if (part.type === 'reasoning') {
      if (part.vendor !== 'gemini') {
        encodeForeignReasoning(part, encoding, out);
        return;
      }
      const next = parts[index + 1];
      const signatureMovesOn = part.signature !== undefined && next !== undefined && next.type !== 'reasoning';
      if (signatureMovesOn) pendingSignature = part.signature;
      if (signatureMovesOn && part.text === '') return;
      out.push({
        text: part.text,
        thought: true,
        ...(part.signature !== undefined && !signatureMovesOn ? { thoughtSignature: part.signature } : {}),
      });
      return;
    }
    const wire = encodeContentPart(part, encoding);
    if (!wire) return;
    if (pendingSignature !== undefined) {
      wire.thoughtSignature = pendingSignature;
      pendingSignature = undefined;
    }
    out.push(wire);
  });
  return out;
}

function encodeForeignReasoning(part: IRReasoningPart, encoding: PartEncoding, out: GeminiPart[]): void {
  const vendor = part.vendor ?? 'unknown';
  if (part.signature !== undefined || part.encrypted !== undefined) {
    encoding.warn(`dropped ${vendor} reasoning signature: gemini cannot verify it`);
  }
  if (encoding.foreignReasoning === 'show' && part.text !== '' && !part.redacted) {
    out.push({ text: part.text, thought: true });
  } else if (part.text !== '' || part.redacted) {
    encoding.warn(`dropped ${vendor} reasoning: upstream is gemini`);
  }
}

function encodeContentPart(part: Exclude<IRPart, IRReasoningPart>, encoding: PartEncoding): GeminiPart | undefined {
  if ('cacheControl' in part && part.cacheControl !== undefined) {
    encoding.warn('dropped cache_control: gemini has no prompt-cache hints');
  }
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image':
    case 'file':
      return encodeGeminiMedia(part, encoding.warn);
    case 'tool-call':
      return { functionCall: encodeFunctionCall(part, encoding) };
    case 'tool-result':
      return { functionResponse: encodeFunctionResponse(part, encoding) };
    default:
      return part satisfies never;
  }
}

function encodeFunctionCall(part: IRToolCallPart, encoding: PartEncoding): NonNullable<GeminiPart['functionCall']> {
  let args: Record<string, unknown> = {};
  if (part.arguments.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(part.arguments);
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed)) args = parsed;
    else encoding.warn(`tool call ${part.id}: arguments are not a JSON object; sent {}`);
  }
  return { name: part.name, args, ...(isSyntheticId(part.id) ? {} : { id: part.id }) };
}

/**
 * A tool result -> `functionResponse`. `response` must be a JSON object: text
 * that is one is sent as it is, other text as `{output}` (or `{error}` for a
 * failed call); images and files go in the response's own `parts`.
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 */
function encodeFunctionResponse(part: IRToolResultPart, encoding: PartEncoding): NonNullable<GeminiPart['functionResponse']> {
  let name = part.name ?? encoding.toolName(part.toolCallId);
  if (name === undefined) {
    encoding.warn(`tool result ${part.toolCallId}: no function name known; sent as "unknown"`);
    name = 'unknown';
  }
  const texts: string[] = [];
  const media: GeminiFunctionResponsePart[] = [];
  for (const item of part.content) {
    if (item.type === 'text') {
      texts.push(item.text);
      if (item.cacheControl !== undefined) encoding.warn('dropped cache_control: gemini has no prompt-cache hints');
    } else {
      const encoded = encodeGeminiMedia(item, encoding.warn);
      if (encoded) media.push(encoded);
    }
  }
  if (part.cacheControl !== undefined) encoding.warn('dropped cache_control: gemini has no prompt-cache hints');
  const text = texts.join('\n');
  const object = part.isError ? undefined : parseObject(text);
  const response = object ?? (part.isError ? { error: text } : { output: text });
  return {
    name,
    response,
    ...(isSyntheticId(part.toolCallId) ? {} : { id: part.toolCallId }),
    ...(media.length > 0 ? { parts: media } : {}),
  };
}
