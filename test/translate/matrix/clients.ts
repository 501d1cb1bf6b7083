// The four client shapes of the matrix, each driven through its official SDK:
// a neutral request (`Ask`) is written the way an application using that SDK
// writes it, the SDK's parsed answer is read back into a neutral `Answer`, and a
// follow-up request continues the conversation the way such an application does
// (the SDK's own answer object appended as the assistant turn).
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import { expect } from 'vitest';
import type { Protocol } from '../../../src/protocols/protocol.js';
import { MATRIX_KEY } from './matrix-gateway.js';
import type { Vendor } from './upstreams.js';
import type { Usage } from '../../../src/translate/ir.js';

export type ClientName = 'chat' | 'responses' | 'anthropic' | 'gemini';

export interface Ask {
  system?: string;
  turns: { role: 'user' | 'assistant'; text: string; image?: { mediaType: string; data: string } }[];
  tools?: boolean;
  json?: boolean;
  stop?: string;
  maxTokens?: number;
  reasoning?: boolean;
}

export interface ToolCallSeen {
  id: string;
  name: string;
  args: unknown;
}

/** What the client's SDK parsed, in neutral words. */
export interface Answer {
  text: string;
  /** Readable reasoning the shape shows. */
  reasoning: string;
  /** Vendor-bound reasoning data the client can see (signature, encrypted content, thought signature). */
  opaque: string[];
  toolCalls: ToolCallSeen[];
  /** The client's own finish value (Responses: `status`, or `incomplete:<reason>`). */
  finish: string;
  /** Anthropic only: `stop_sequence`. */
  stopSequence?: string | null;
  /** The client's usage object, flattened to its own field names. */
  usage: Record<string, number>;
}

export interface FollowUp {
  toolResults?: { id: string; name: string; output: string }[];
  userText?: string;
}

export interface Conversation {
  answer: Answer;
  /** The answer appended as the assistant turn, then tool results or a user text: a second request. */
  followUp(next: FollowUp): Promise<Answer>;
}

export type ErrorKind = 'server' | 'context';

export interface ClientShape {
  name: ClientName;
  protocol: Protocol;
  vendor: Vendor;
  /** Whether the shape has a stop-sequence parameter. */
  canStop: boolean;
  send(ask: Ask, model: string, stream: boolean): Promise<Conversation>;
  /** Gateway usage (the log's meaning) as this client's protocol reports it. */
  usage(u: Usage): Record<string, number>;
  finish: { stop: string; length: string; tools: string };
  /** Asserts the SDK raised its own error class for the kind. */
  expectError(err: unknown, kind: ErrorKind): void;
  countTokens?(model: string, text: string): Promise<number>;
}

export const TOOL_DEFS = [
  {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  {
    name: 'get_time',
    description: 'Current time in a timezone',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
  },
] as const;

export const TOOL_RESULTS: Record<string, string> = {
  get_weather: '{"temperature":18,"sky":"clear"}',
  get_time: '{"time":"12:00"}',
};

export const JSON_SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'number' }, unit: { type: 'string' } },
  required: ['answer', 'unit'],
  additionalProperties: false,
};

const dataUrl = (img: { mediaType: string; data: string }): string => `data:${img.mediaType};base64,${img.data}`;

/** Runs `fn`, returning what it threw (undefined when it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

// ---------------------------------------------------------------- OpenAI Chat

function chatShape(gatewayUrl: string): ClientShape {
  const client = new OpenAI({ apiKey: MATRIX_KEY, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 });

  const run = async (params: any, stream: boolean): Promise<{ answer: Answer; assistant: any }> => {
    if (!stream) {
      const done = await client.chat.completions.create(params);
      const choice = done.choices[0]!;
      const message: any = choice.message;
      return {
        assistant: message,
        answer: {
          text: message.content ?? '',
          reasoning: message.reasoning_content ?? '',
          opaque: [],
          toolCalls: (message.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) })),
          finish: choice.finish_reason,
          usage: chatUsage(done.usage),
        },
      };
    }
    // `stream()` is `create({stream: true})` plus the SDK's own accumulator, which throws on malformed chunks.
    const chunks = client.chat.completions.stream({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let reasoning = '';
    let finish = '';
    let usage: any;
    const calls: { id: string; name: string; arguments: string }[] = [];
    for await (const chunk of chunks as any as AsyncIterable<any>) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string') text += delta.content;
      if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
      for (const tc of delta.tool_calls ?? []) {
        const slot = (calls[tc.index] ??= { id: '', name: '', arguments: '' });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name = tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    const accumulated = await chunks.finalChatCompletion();
    expect(accumulated.choices[0]!.message.content ?? '').toBe(text);
    expect(accumulated.choices[0]!.finish_reason).toBe(finish);
    expect(accumulated.choices[0]!.message.tool_calls ?? []).toEqual(
      calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    );
    const assistant: any = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
    if (reasoning) assistant.reasoning_content = reasoning;
    if (calls.length > 0) assistant.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    return {
      assistant,
      answer: {
        text,
        reasoning,
        opaque: [],
        toolCalls: calls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.arguments) })),
        finish,
        usage: chatUsage(usage),
      },
    };
  };

  return {
    name: 'chat',
    protocol: 'openai-chat',
    vendor: 'openai',
    canStop: true,
    async send(ask, model, stream) {
      const messages: any[] = [];
      if (ask.system) messages.push({ role: 'system', content: ask.system });
      for (const t of ask.turns) {
        if (t.role === 'assistant') messages.push({ role: 'assistant', content: t.text });
        else if (t.image)
          messages.push({ role: 'user', content: [{ type: 'text', text: t.text }, { type: 'image_url', image_url: { url: dataUrl(t.image) } }] });
        else messages.push({ role: 'user', content: t.text });
      }
      const params: any = { model, messages };
      if (ask.tools) params.tools = TOOL_DEFS.map((t) => ({ type: 'function', function: t }));
      if (ask.json) params.response_format = { type: 'json_schema', json_schema: { name: 'answer', schema: JSON_SCHEMA, strict: true } };
      if (ask.stop) params.stop = [ask.stop];
      if (ask.maxTokens) params.max_completion_tokens = ask.maxTokens;
      if (ask.reasoning) params.reasoning_effort = 'low';
      const first = await run(params, stream);
      return {
        answer: first.answer,
        async followUp(next) {
          const more: any[] = [first.assistant];
          for (const r of next.toolResults ?? []) more.push({ role: 'tool', tool_call_id: r.id, content: r.output });
          if (next.userText) more.push({ role: 'user', content: next.userText });
          return (await run({ ...params, messages: [...messages, ...more] }, stream)).answer;
        },
      };
    },
    usage: (u) => {
      const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
      return {
        prompt_tokens: prompt,
        completion_tokens: u.outputTokens,
        total_tokens: prompt + u.outputTokens,
        cached_tokens: u.cacheReadTokens,
        reasoning_tokens: u.reasoningTokens,
      };
    },
    finish: { stop: 'stop', length: 'length', tools: 'tool_calls' },
    expectError: (err, kind) => expectOpenAIError(err, kind),
  };
}

function chatUsage(u: any): Record<string, number> {
  return {
    prompt_tokens: u?.prompt_tokens,
    completion_tokens: u?.completion_tokens,
    total_tokens: u?.total_tokens,
    cached_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0,
    reasoning_tokens: u?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

function expectOpenAIError(err: unknown, kind: ErrorKind): void {
  if (kind === 'server') {
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
  } else {
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('context_length_exceeded');
  }
}

// ----------------------------------------------------------- OpenAI Responses

function responsesShape(gatewayUrl: string): ClientShape {
  const client = new OpenAI({ apiKey: MATRIX_KEY, baseURL: `${gatewayUrl}/v1`, maxRetries: 0 });

  const fromResponse = (r: any, streamed?: { text: string; reasoning: string; calls: ToolCallSeen[]; opaque: string[] }): Answer => {
    const items: any[] = r.output ?? [];
    const reasoningItems = items.filter((i) => i.type === 'reasoning');
    return {
      text: streamed ? streamed.text : r.output_text,
      reasoning: streamed ? streamed.reasoning : reasoningItems.flatMap((i) => i.summary.map((s: any) => s.text)).join(''),
      opaque: streamed ? streamed.opaque : reasoningItems.filter((i) => i.encrypted_content).map((i) => i.encrypted_content),
      toolCalls: streamed
        ? streamed.calls
        : items.filter((i) => i.type === 'function_call').map((i) => ({ id: i.call_id, name: i.name, args: JSON.parse(i.arguments) })),
      finish: r.status === 'incomplete' ? `incomplete:${r.incomplete_details?.reason}` : r.status,
      usage: {
        input_tokens: r.usage?.input_tokens,
        output_tokens: r.usage?.output_tokens,
        total_tokens: r.usage?.total_tokens,
        cached_tokens: r.usage?.input_tokens_details?.cached_tokens ?? 0,
        reasoning_tokens: r.usage?.output_tokens_details?.reasoning_tokens ?? 0,
      },
    };
  };

  const run = async (params: any, stream: boolean): Promise<{ answer: Answer; output: any[] }> => {
    if (!stream) {
      const r = await client.responses.create(params);
      return { answer: fromResponse(r), output: r.output };
    }
    const events = await client.responses.create({ ...params, stream: true });
    const seen = { text: '', reasoning: '', calls: [] as ToolCallSeen[], opaque: [] as string[] };
    let final: any;
    // The SDK's own accumulator (what `responses.stream()` uses) throws on events that do not fit the output so far.
    let built: any;
    for await (const e of events as any as AsyncIterable<any>) {
      if (!/^response\.(completed|incomplete|failed)$/.test(e.type)) built = accumulateResponse(e, built);
      switch (e.type) {
        case 'response.output_text.delta':
          seen.text += e.delta;
          break;
        case 'response.reasoning_summary_text.delta':
          seen.reasoning += e.delta;
          break;
        case 'response.output_item.done':
          if (e.item.type === 'function_call') seen.calls.push({ id: e.item.call_id, name: e.item.name, args: JSON.parse(e.item.arguments) });
          if (e.item.type === 'reasoning' && e.item.encrypted_content) seen.opaque.push(e.item.encrypted_content);
          break;
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed':
          final = e.response;
          break;
        default:
          break;
      }
    }
    expect(final, 'a terminal response.* event').toBeDefined();
    // What the events built matches the terminal event's response.
    expect(built.output_text).toBe(seen.text);
    expect(built.output).toEqual(final.output);
    return { answer: fromResponse(final, seen), output: final.output };
  };

  return {
    name: 'responses',
    protocol: 'openai-responses',
    vendor: 'openai',
    canStop: false,
    async send(ask, model, stream) {
      const input: any[] = ask.turns.map((t) => {
        if (t.role === 'assistant') return { role: 'assistant', content: t.text };
        if (t.image)
          return { role: 'user', content: [{ type: 'input_text', text: t.text }, { type: 'input_image', image_url: dataUrl(t.image), detail: 'auto' }] };
        return { role: 'user', content: t.text };
      });
      const params: any = { model, input, store: false };
      if (ask.system) params.instructions = ask.system;
      if (ask.tools) params.tools = TOOL_DEFS.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters, strict: false }));
      if (ask.json) params.text = { format: { type: 'json_schema', name: 'answer', schema: JSON_SCHEMA, strict: true } };
      if (ask.maxTokens) params.max_output_tokens = ask.maxTokens;
      if (ask.reasoning) {
        params.reasoning = { effort: 'low', summary: 'auto' };
        params.include = ['reasoning.encrypted_content'];
      }
      const first = await run(params, stream);
      return {
        answer: first.answer,
        async followUp(next) {
          const more: any[] = [...first.output];
          for (const r of next.toolResults ?? []) more.push({ type: 'function_call_output', call_id: r.id, output: r.output });
          if (next.userText) more.push({ role: 'user', content: next.userText });
          return (await run({ ...params, input: [...input, ...more] }, stream)).answer;
        },
      };
    },
    usage: (u) => {
      const input = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
      return {
        input_tokens: input,
        output_tokens: u.outputTokens,
        total_tokens: input + u.outputTokens,
        cached_tokens: u.cacheReadTokens,
        reasoning_tokens: u.reasoningTokens,
      };
    },
    finish: { stop: 'completed', length: 'incomplete:max_output_tokens', tools: 'completed' },
    expectError: (err, kind) => expectOpenAIError(err, kind),
  };
}

// ------------------------------------------------------------------ Anthropic

function anthropicShape(gatewayUrl: string): ClientShape {
  const client = new Anthropic({ apiKey: MATRIX_KEY, baseURL: gatewayUrl, maxRetries: 0 });

  const run = async (params: any, stream: boolean): Promise<{ answer: Answer; content: any[] }> => {
    const m: any = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    const blocks: any[] = m.content;
    return {
      content: blocks,
      answer: {
        text: blocks.filter((b) => b.type === 'text').map((b) => b.text).join(''),
        reasoning: blocks.filter((b) => b.type === 'thinking').map((b) => b.thinking).join(''),
        opaque: blocks.filter((b) => b.type === 'thinking' && b.signature).map((b) => b.signature),
        toolCalls: blocks.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, args: b.input })),
        finish: m.stop_reason,
        stopSequence: m.stop_sequence,
        usage: {
          input_tokens: m.usage.input_tokens,
          output_tokens: m.usage.output_tokens,
          cache_creation_input_tokens: m.usage.cache_creation_input_tokens ?? 0,
          cache_read_input_tokens: m.usage.cache_read_input_tokens ?? 0,
        },
      },
    };
  };

  return {
    name: 'anthropic',
    protocol: 'anthropic-messages',
    vendor: 'anthropic',
    canStop: true,
    async send(ask, model, stream) {
      const messages: any[] = ask.turns.map((t) => {
        if (t.role === 'assistant') return { role: 'assistant', content: t.text };
        if (t.image)
          return {
            role: 'user',
            content: [
              { type: 'text', text: t.text },
              { type: 'image', source: { type: 'base64', media_type: t.image.mediaType, data: t.image.data } },
            ],
          };
        return { role: 'user', content: t.text };
      });
      const params: any = { model, max_tokens: ask.maxTokens ?? (ask.reasoning ? 2048 : 1024), messages };
      if (ask.system) params.system = ask.system;
      if (ask.tools) params.tools = TOOL_DEFS.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
      if (ask.json) params.output_config = { format: { type: 'json_schema', schema: JSON_SCHEMA } };
      if (ask.stop) params.stop_sequences = [ask.stop];
      if (ask.reasoning) params.thinking = { type: 'enabled', budget_tokens: 1024 };
      const first = await run(params, stream);
      return {
        answer: first.answer,
        async followUp(next) {
          const user: any[] = (next.toolResults ?? []).map((r) => ({ type: 'tool_result', tool_use_id: r.id, content: r.output }));
          if (next.userText) user.push({ type: 'text', text: next.userText });
          const more = [{ role: 'assistant', content: first.content }, { role: 'user', content: user }];
          return (await run({ ...params, messages: [...messages, ...more] }, stream)).answer;
        },
      };
    },
    usage: (u) => ({
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      cache_creation_input_tokens: u.cacheWriteTokens,
      cache_read_input_tokens: u.cacheReadTokens,
    }),
    finish: { stop: 'end_turn', length: 'max_tokens', tools: 'tool_use' },
    expectError(err, kind) {
      if (kind === 'server') {
        expect(err).toBeInstanceOf(Anthropic.InternalServerError);
        expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(500);
      } else {
        expect(err).toBeInstanceOf(Anthropic.BadRequestError);
        const e = err as InstanceType<typeof Anthropic.APIError>;
        expect(e.status).toBe(400);
        expect((e.error as any)?.error?.type).toBe('invalid_request_error');
        expect((e.error as any)?.error?.message).toMatch(/^prompt is too long/);
      }
    },
    async countTokens(model, text) {
      const counted = await client.messages.countTokens({ model, messages: [{ role: 'user', content: text }] });
      return counted.input_tokens;
    },
  };
}

// --------------------------------------------------------------------- Gemini

function geminiShape(gatewayUrl: string): ClientShape {
  const ai = new GoogleGenAI({ apiKey: MATRIX_KEY, httpOptions: { baseUrl: gatewayUrl } });

  const read = (parts: any[], finish: string, usage: any): Answer => ({
    text: parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text).join(''),
    reasoning: parts.filter((p) => typeof p.text === 'string' && p.thought).map((p) => p.text).join(''),
    opaque: parts.filter((p) => p.thoughtSignature).map((p) => p.thoughtSignature),
    toolCalls: parts.filter((p) => p.functionCall).map((p) => ({ id: p.functionCall.id, name: p.functionCall.name, args: p.functionCall.args })),
    finish,
    usage: {
      promptTokenCount: usage?.promptTokenCount,
      candidatesTokenCount: usage?.candidatesTokenCount,
      totalTokenCount: usage?.totalTokenCount,
      cachedContentTokenCount: usage?.cachedContentTokenCount ?? 0,
      thoughtsTokenCount: usage?.thoughtsTokenCount ?? 0,
    },
  });

  const run = async (params: any, stream: boolean): Promise<{ answer: Answer; content: any }> => {
    if (!stream) {
      const r: any = await ai.models.generateContent(params);
      const candidate = r.candidates[0];
      return { content: candidate.content, answer: read(candidate.content.parts ?? [], candidate.finishReason, r.usageMetadata) };
    }
    const chunks = await ai.models.generateContentStream(params);
    const parts: any[] = [];
    let finish = '';
    let usage: any;
    for await (const chunk of chunks as AsyncIterable<any>) {
      const candidate = chunk.candidates?.[0];
      for (const p of candidate?.content?.parts ?? []) {
        // A chunk's empty text part carries nothing unless it holds a signature.
        if (p.text === '' && !p.thoughtSignature) continue;
        parts.push(p);
      }
      if (candidate?.finishReason) finish = candidate.finishReason;
      if (chunk.usageMetadata) usage = chunk.usageMetadata;
    }
    return { content: { role: 'model', parts }, answer: read(parts, finish, usage) };
  };

  return {
    name: 'gemini',
    protocol: 'gemini',
    vendor: 'gemini',
    canStop: true,
    async send(ask, model, stream) {
      const contents: any[] = ask.turns.map((t) => {
        if (t.role === 'assistant') return { role: 'model', parts: [{ text: t.text }] };
        const parts: any[] = [{ text: t.text }];
        if (t.image) parts.push({ inlineData: { mimeType: t.image.mediaType, data: t.image.data } });
        return { role: 'user', parts };
      });
      const config: any = {};
      if (ask.system) config.systemInstruction = ask.system;
      if (ask.tools)
        config.tools = [{ functionDeclarations: TOOL_DEFS.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }];
      if (ask.json) {
        config.responseMimeType = 'application/json';
        config.responseJsonSchema = JSON_SCHEMA;
      }
      if (ask.stop) config.stopSequences = [ask.stop];
      if (ask.maxTokens) config.maxOutputTokens = ask.maxTokens;
      if (ask.reasoning) config.thinkingConfig = { includeThoughts: true, thinkingBudget: 1024 };
      const params = { model, contents, config };
      const first = await run(params, stream);
      return {
        answer: first.answer,
        async followUp(next) {
          const parts: any[] = (next.toolResults ?? []).map((r) => ({ functionResponse: { id: r.id, name: r.name, response: JSON.parse(r.output) } }));
          if (next.userText) parts.push({ text: next.userText });
          return (await run({ ...params, contents: [...contents, first.content, { role: 'user', parts }] }, stream)).answer;
        },
      };
    },
    usage: (u) => {
      const prompt = u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
      return {
        promptTokenCount: prompt,
        candidatesTokenCount: u.outputTokens - u.reasoningTokens,
        totalTokenCount: prompt + u.outputTokens,
        cachedContentTokenCount: u.cacheReadTokens,
        thoughtsTokenCount: u.reasoningTokens,
      };
    },
    finish: { stop: 'STOP', length: 'MAX_TOKENS', tools: 'STOP' },
    expectError(err, kind) {
      expect(err).toBeInstanceOf(ApiError);
      const e = err as ApiError;
      if (kind === 'server') {
        expect(e.status).toBe(500);
      } else {
        expect(e.status).toBe(400);
        expect(JSON.parse(e.message).error.status).toBe('INVALID_ARGUMENT');
      }
    },
    async countTokens(model, text) {
      const counted = await ai.models.countTokens({ model, contents: text });
      return counted.totalTokens ?? -1;
    },
  };
}

export function clientShapes(gatewayUrl: string): ClientShape[] {
  return [chatShape(gatewayUrl), responsesShape(gatewayUrl), anthropicShape(gatewayUrl), geminiShape(gatewayUrl)];
}
