import type { IRFinish } from '../ir.js';

/**
 * Legacy Completions `finish_reason`: `stop` (a natural end or a stop
 * sequence), `length` (max_tokens) or `content_filter`. Other vendors'
 * reasons become `stop`, the neutral value.
 * @see https://platform.openai.com/docs/api-reference/completions/object#completions/object-choices
 */
export function encodeCompletionsFinishReason(finish: IRFinish): string {
  switch (finish.unified) {
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'stop':
    case 'tool-calls':
    case 'error':
    case 'other':
      return 'stop';
    default:
      return finish.unified satisfies never;
  }
}

export function decodeCompletionsFinishReason(raw: unknown): IRFinish {
  switch (raw) {
    case 'stop':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'content_filter':
      return { unified: 'content-filter', raw };
    default:
      return typeof raw === 'string' ? { unified: 'other', raw } : { unified: 'other', raw: null };
  }
}

/** A completion id in OpenAI's spelling (`cmpl-…`), from the upstream's own id when there is one. */
export function completionId(upstreamId: string): string {
  if (upstreamId.startsWith('cmpl-')) return upstreamId;
  return `cmpl-${upstreamId || Date.now().toString(36)}`;
}
