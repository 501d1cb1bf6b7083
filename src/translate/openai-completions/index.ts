/**
 * The OpenAI legacy Completions codec (`openai-completions`), client side
 * only: a Completions client whose upstream does not serve /completions is
 * decoded to the IR and answered in `text_completion` bodies and chunks. An
 * upstream is never asked in this shape through the IR (one that serves it
 * gets the client's body passed through), so `encodeRequest` refuses; the
 * upstream-side decoders read passed-through answers for their counts.
 * Errors are OpenAI's, as for Chat.
 * @see https://platform.openai.com/docs/api-reference/completions
 * @module
 */
import type { Codec } from '../codec.js';
import { decodeOpenAIChatError } from '../openai-chat/decode-error.js';
import { encodeOpenAIChatError, encodeOpenAIChatStreamError } from '../openai-chat/encode-error.js';
import { decodeOpenAICompletionsRequest } from './decode-request.js';
import { decodeOpenAICompletionsResponse } from './decode-response.js';
import { OpenAICompletionsStreamDecoder } from './decode-stream.js';
import { encodeOpenAICompletionsResponse } from './encode-response.js';
import { OpenAICompletionsStreamEncoder } from './encode-stream.js';

export const openaiCompletionsCodec: Codec = {
  protocol: 'openai-completions',
  decodeRequest: (body) => decodeOpenAICompletionsRequest(body),
  encodeRequest() {
    throw new Error('openai-completions is not a translation target: upstreams that serve /completions get the client body passed through');
  },
  decodeResponse: decodeOpenAICompletionsResponse,
  encodeResponse: encodeOpenAICompletionsResponse,
  decodeStream: () => new OpenAICompletionsStreamDecoder(),
  encodeStream: (request) => new OpenAICompletionsStreamEncoder(request),
  decodeError: decodeOpenAIChatError,
  encodeError: encodeOpenAIChatError,
  encodeStreamError: encodeOpenAIChatStreamError,
};
