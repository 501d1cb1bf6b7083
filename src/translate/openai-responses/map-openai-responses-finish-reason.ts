/**
 * Responses `status` + `incomplete_details.reason` <-> IR finish reason.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-status
 */
import type { IRFinish } from '../ir.js';

/** A response that ended with function calls reports `completed`; the IR says `tool-calls`. */
export function decodeFinish(status: string | undefined, reason: string | undefined, hasToolCalls: boolean): IRFinish {
  switch (status) {
    case 'completed':
      return { unified: hasToolCalls ? 'tool-calls' : 'stop', raw: status };
    case 'incomplete':
      switch (reason) {
        case 'max_output_tokens':
          return { unified: 'length', raw: reason };
        case 'content_filter':
          return { unified: 'content-filter', raw: reason };
        default:
          return { unified: 'other', raw: reason ?? status };
      }
    case 'failed':
      return { unified: 'error', raw: status };
    default:
      return { unified: 'other', raw: status ?? null };
  }
}

export interface ResponsesStatus {
  status: 'completed' | 'incomplete' | 'failed';
  /** `incomplete_details.reason` when the status is `incomplete`. */
  reason?: string;
}

export function encodeFinish(finish: IRFinish): ResponsesStatus {
  switch (finish.unified) {
    case 'length':
      return { status: 'incomplete', reason: 'max_output_tokens' };
    case 'content-filter':
      return { status: 'incomplete', reason: 'content_filter' };
    case 'error':
      return { status: 'failed' };
    case 'stop':
    case 'tool-calls':
      return { status: 'completed' };
    default:
      // 'other': an incomplete reason we decoded ourselves comes back as it was.
      return finish.raw === 'max_output_tokens' || finish.raw === 'content_filter'
        ? { status: 'incomplete', reason: finish.raw }
        : { status: 'completed' };
  }
}
