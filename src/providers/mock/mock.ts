import type { Endpoint } from '../../protocols/protocol.js';
import type { Provider, UpstreamCall, UpstreamReply } from '../provider.js';
import { estimateTokens, mockAnswer, mockEmbedding } from './answer.js';
import { mockRerank } from './rerank.js';
import { mockMedia } from './media.js';

/**
 * The `mock` upstream kind: answers in-process, deterministically, in every
 * protocol Switchboard serves (streaming included), so the demo and offline
 * trials need no network. Its wire format follows the real APIs.
 */
export function mockProvider(): Provider {
  return {
    kind: 'mock',
    credentialOptional: true,
    speaks: ['openai-chat', 'openai-embeddings', 'openai-completions', 'openai-images', 'openai-audio', 'anthropic-messages', 'rerank-cohere-v2', 'rerank-cohere-v1', 'rerank-jina', 'rerank-voyage'],
    endpoints: ['chat', 'embeddings', 'completions', 'images', 'image_edits', 'transcriptions', 'translations', 'speech', 'messages', 'count_tokens', 'rerank', 'models'],
    async send(call) {
      const body = call.body === undefined ? {} : (JSON.parse(call.body) as Record<string, unknown>);
      return answer(call, call.endpoint, body);
    },
    // The mock serves exactly the models its upstream declares.
    async listModels(upstream) {
      return upstream.models.map((id) => ({ id, ownedBy: 'switchboard-mock' }));
    },
  };
}

function answer(call: UpstreamCall, endpoint: Endpoint, body: Record<string, unknown>): UpstreamReply | Promise<UpstreamReply> {
  const model = String(body.model ?? '');
  const created = 1_700_000_000;
  switch (endpoint) {
    case 'models':
      return json({
        object: 'list',
        data: call.upstream.models.map((id) => ({ id, object: 'model', created, owned_by: 'switchboard-mock' })),
      });
    case 'embeddings': {
      const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
      const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
      const base64 = body.encoding_format === 'base64';
      return json({
        object: 'list',
        data: inputs.map((text, index) => {
          const vector = mockEmbedding(text);
          return { object: 'embedding', index, embedding: base64 ? floatsToBase64(vector) : vector };
        }),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    }
    case 'count_tokens':
      return json({ input_tokens: mockAnswer(body).inputTokens });
    case 'chat': {
      const a = mockAnswer(body);
      const usage = {
        prompt_tokens: a.inputTokens,
        completion_tokens: a.outputTokens,
        total_tokens: a.inputTokens + a.outputTokens,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      };
      const id = 'chatcmpl-mock';
      if (!body.stream) {
        return json({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: a.text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage,
        });
      }
      const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      const chunk = (choices: unknown[], extra: object = {}) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices,
        ...(withUsage ? { usage: null } : {}),
        ...extra,
      });
      const events = [
        chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
        ...a.words.map((w) => chunk([{ index: 0, delta: { content: w }, logprobs: null, finish_reason: null }])),
        chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
        ...(withUsage ? [chunk([], { usage })] : []),
      ];
      return sse([...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n']);
    }
    case 'completions':
      return completion(body, model, created);
    case 'rerank':
      return json(mockRerank(call.protocol ?? 'rerank-cohere-v2', body));
    case 'images':
    case 'image_edits':
    case 'transcriptions':
    case 'translations':
    case 'speech':
      return mockMedia(endpoint, body, call.multipart);
    case 'messages': {
      const a = mockAnswer(body);
      const id = 'msg_mock';
      const usage = { input_tokens: a.inputTokens, output_tokens: a.outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
      if (!body.stream) {
        return json({ id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: a.text }], stop_reason: 'end_turn', stop_sequence: null, usage });
      }
      const event = (name: string, data: object) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
      return sse([
        event('message_start', {
          message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
        }),
        event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        event('ping', {}),
        ...a.words.map((w) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: w } })),
        event('content_block_stop', { index: 0 }),
        event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: a.outputTokens } }),
        event('message_stop', {}),
      ]);
    }
    case 'responses':
    case 'compact':
    case 'generate':
      // Not spoken natively: clients of these shapes reach the mock through translation.
      throw new Error(`the mock upstream does not serve ${endpoint} natively`);
    default:
      return endpoint satisfies never;
  }
}

/**
 * Legacy text completions: the prompt answered as a user turn would be, one
 * choice, streamed as `text_completion` chunks (usage in a last `choices: []`
 * chunk when `stream_options.include_usage` asks for it).
 * @see https://platform.openai.com/docs/api-reference/completions/object
 */
function completion(body: Record<string, unknown>, model: string, created: number): UpstreamReply {
  const prompt = Array.isArray(body.prompt) ? body.prompt.map(String).join('\n') : String(body.prompt ?? '');
  const a = mockAnswer({ messages: [{ role: 'user', content: prompt }] });
  const usage = { prompt_tokens: a.inputTokens, completion_tokens: a.outputTokens, total_tokens: a.inputTokens + a.outputTokens };
  const id = 'cmpl-mock';
  const choice = (text: string, finish: string | null) => ({ text, index: 0, logprobs: null, finish_reason: finish });
  if (!body.stream) return json({ id, object: 'text_completion', created, model, choices: [choice(a.text, 'stop')], usage });
  const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: object = {}) => ({ id, object: 'text_completion', created, model, choices, ...(withUsage ? { usage: null } : {}), ...extra });
  const events = [
    ...a.words.map((w) => chunk([choice(w, null)])),
    chunk([choice('', 'stop')]),
    ...(withUsage ? [chunk([], { usage })] : []),
  ];
  return sse([...events.map((e) => `data: ${JSON.stringify(e)}\n\n`), 'data: [DONE]\n\n']);
}

function json(value: unknown): UpstreamReply {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return {
    status: 200,
    headers: new Headers({ 'content-type': 'application/json', 'x-request-id': 'req_mock' }),
    body: new ReadableStream({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    }),
  };
}

function sse(events: string[]): UpstreamReply {
  const encoder = new TextEncoder();
  let i = 0;
  return {
    status: 200,
    headers: new Headers({ 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_mock' }),
    body: new ReadableStream({
      pull(c) {
        if (i < events.length) c.enqueue(encoder.encode(events[i++]));
        else c.close();
      },
    }),
  };
}

function floatsToBase64(values: number[]): string {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
