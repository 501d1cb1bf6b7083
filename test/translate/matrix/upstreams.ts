// The four upstream kinds of the matrix: which fake serves them, what they answer
// (tool call ids, usage in the log's meaning), and readers that pull the facts the
// matrix checks out of a request body written in that upstream's own shape.
import type { Protocol } from '../../../src/protocols/protocol.js';
import type { FakeCall, FakeUpstream } from '../../fakes/index.js';
import { FAKE_GEMINI_USAGE, FAKE_USAGE } from '../../fakes/index.js';
import { ANTHROPIC_FAKE_TOOL_IDS } from '../../fakes/anthropic-scenarios.js';
import { FAKE_CHAT_TOOL_CALL_IDS } from '../../fakes/openai-chat-scenarios.js';
import { FAKE_RESPONSES_CALL_IDS, FAKE_RESPONSES_USAGE } from '../../fakes/openai-responses.js';
import { GEMINI_FAKE_CALL_IDS } from '../../fakes/gemini.js';
import type { ScenarioName } from '../../fakes/scenarios.js';
import { MODELS, type MatrixRig } from './matrix-gateway.js';
import type { Usage } from '../../../src/translate/ir.js';

export type UpstreamName = 'chat' | 'responses' | 'anthropic' | 'gemini';
export type Vendor = 'openai' | 'anthropic' | 'gemini';

export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}
export interface SeenCall {
  id: string | undefined;
  name: string;
  args: unknown;
}
export interface SeenResult {
  id: string | undefined;
  name: string | undefined;
  /** The result as JSON (parsed from text where the shape carries text). */
  output: unknown;
}

/** What the matrix reads out of an upstream request body. */
export interface BodyReader {
  system(body: any): string | undefined;
  /** User and assistant turns with their plain text (no system, no tool traffic). */
  turns(body: any): Turn[];
  image(body: any): { mediaType: string; data: string } | undefined;
  toolCalls(body: any): SeenCall[];
  toolResults(body: any): SeenResult[];
  stop(body: any): string[] | undefined;
  maxTokens(body: any): number | undefined;
  jsonSchema(body: any): unknown;
  /** Vendor-bound reasoning data sent back in the history (signature / encrypted content). */
  opaque(body: any): string[];
}

export interface UpstreamShape {
  name: UpstreamName;
  model: string;
  protocol: Protocol;
  vendor: Vendor;
  fake(rig: MatrixRig): FakeUpstream;
  /** Whether a recorded call is a generate call to this upstream. */
  isGenerate(call: FakeCall): boolean;
  toolIds: readonly [string, string];
  /** Usage as the log stores it (uncached input, cache read/write, output incl. reasoning, reasoning). */
  usage(scenario: ScenarioName): Usage;
  read: BodyReader;
}

const parseMaybe = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

const dataUrl = (url: string): { mediaType: string; data: string } | undefined => {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1]!, data: m[2]! } : undefined;
};

/** Text of OpenAI-style / Anthropic-style content: a string or text-ish parts. */
function textOf(content: unknown, types: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: any) => (types.includes(p?.type) && typeof p.text === 'string' ? p.text : '')).join('');
}

const chatReader: BodyReader = {
  system: (b) => {
    const texts = b.messages.filter((m: any) => m.role === 'system' || m.role === 'developer').map((m: any) => textOf(m.content, ['text']));
    return texts.length > 0 ? texts.join('\n') : undefined;
  },
  turns: (b) =>
    b.messages
      .filter((m: any) => (m.role === 'user' || m.role === 'assistant') && !m.tool_calls)
      .map((m: any) => ({ role: m.role, text: textOf(m.content, ['text']) })),
  image: (b) => {
    for (const m of b.messages) {
      if (!Array.isArray(m.content)) continue;
      const part = m.content.find((p: any) => p.type === 'image_url');
      if (part) return dataUrl(part.image_url.url);
    }
    return undefined;
  },
  toolCalls: (b) =>
    b.messages.flatMap((m: any) => (m.tool_calls ?? []).map((c: any) => ({ id: c.id, name: c.function.name, args: parseMaybe(c.function.arguments) }))),
  toolResults: (b) =>
    b.messages.filter((m: any) => m.role === 'tool').map((m: any) => ({ id: m.tool_call_id, name: undefined, output: parseMaybe(textOf(m.content, ['text'])) })),
  stop: (b) => (b.stop === undefined ? undefined : [b.stop].flat()),
  maxTokens: (b) => b.max_completion_tokens ?? b.max_tokens,
  jsonSchema: (b) => b.response_format?.json_schema?.schema,
  opaque: () => [],
};

const responsesReader: BodyReader = {
  system: (b) => {
    const texts: string[] = [];
    if (typeof b.instructions === 'string') texts.push(b.instructions);
    const input = Array.isArray(b.input) ? b.input : [];
    for (const i of input) if (i.role === 'system' || i.role === 'developer') texts.push(textOf(i.content, ['input_text']));
    return texts.length > 0 ? texts.join('\n') : undefined;
  },
  turns: (b) => {
    if (typeof b.input === 'string') return [{ role: 'user', text: b.input }];
    return b.input
      .filter((i: any) => (i.type === 'message' || i.type === undefined) && (i.role === 'user' || i.role === 'assistant'))
      .map((i: any) => ({ role: i.role, text: textOf(i.content, ['input_text', 'output_text']) }));
  },
  image: (b) => {
    for (const i of Array.isArray(b.input) ? b.input : []) {
      const part = Array.isArray(i.content) ? i.content.find((p: any) => p.type === 'input_image') : undefined;
      if (part) return dataUrl(part.image_url);
    }
    return undefined;
  },
  toolCalls: (b) =>
    b.input.filter((i: any) => i.type === 'function_call').map((i: any) => ({ id: i.call_id, name: i.name, args: parseMaybe(i.arguments) })),
  toolResults: (b) =>
    b.input
      .filter((i: any) => i.type === 'function_call_output')
      .map((i: any) => ({ id: i.call_id, name: undefined, output: parseMaybe(typeof i.output === 'string' ? i.output : textOf(i.output, ['input_text'])) })),
  stop: () => undefined,
  maxTokens: (b) => b.max_output_tokens,
  jsonSchema: (b) => b.text?.format?.schema,
  opaque: (b) =>
    (Array.isArray(b.input) ? b.input : []).filter((i: any) => i.type === 'reasoning' && i.encrypted_content).map((i: any) => i.encrypted_content),
};

const anthropicReader: BodyReader = {
  system: (b) => (b.system === undefined ? undefined : textOf(b.system, ['text'])),
  turns: (b) =>
    b.messages
      .filter((m: any) => typeof m.content === 'string' || m.content.every((c: any) => c.type !== 'tool_use' && c.type !== 'tool_result'))
      .map((m: any) => ({ role: m.role, text: textOf(m.content, ['text']) })),
  image: (b) => {
    for (const m of b.messages) {
      const block = Array.isArray(m.content) ? m.content.find((c: any) => c.type === 'image') : undefined;
      if (block) return { mediaType: block.source.media_type, data: block.source.data };
    }
    return undefined;
  },
  toolCalls: (b) =>
    b.messages.flatMap((m: any) =>
      Array.isArray(m.content) ? m.content.filter((c: any) => c.type === 'tool_use').map((c: any) => ({ id: c.id, name: c.name, args: c.input })) : [],
    ),
  toolResults: (b) =>
    b.messages.flatMap((m: any) =>
      Array.isArray(m.content)
        ? m.content.filter((c: any) => c.type === 'tool_result').map((c: any) => ({ id: c.tool_use_id, name: undefined, output: parseMaybe(textOf(c.content, ['text'])) }))
        : [],
    ),
  stop: (b) => b.stop_sequences,
  maxTokens: (b) => b.max_tokens,
  jsonSchema: (b) => b.output_config?.format?.schema ?? b.tools?.find((t: any) => t.name === 'switchboard_json_output')?.input_schema,
  opaque: (b) =>
    b.messages.flatMap((m: any) =>
      Array.isArray(m.content) ? m.content.filter((c: any) => c.type === 'thinking' && c.signature).map((c: any) => c.signature) : [],
    ),
};

const geminiReader: BodyReader = {
  system: (b) => (b.systemInstruction === undefined ? undefined : b.systemInstruction.parts.map((p: any) => p.text).join('')),
  turns: (b) =>
    b.contents
      .filter((c: any) => c.parts.every((p: any) => !p.functionCall && !p.functionResponse))
      .map((c: any) => ({
        role: c.role === 'model' ? 'assistant' : 'user',
        text: c.parts.map((p: any) => (typeof p.text === 'string' && !p.thought ? p.text : '')).join(''),
      })),
  image: (b) => {
    for (const c of b.contents) {
      const part = c.parts.find((p: any) => p.inlineData);
      if (part) return { mediaType: part.inlineData.mimeType, data: part.inlineData.data };
    }
    return undefined;
  },
  toolCalls: (b) =>
    b.contents.flatMap((c: any) =>
      c.parts.filter((p: any) => p.functionCall).map((p: any) => ({ id: p.functionCall.id, name: p.functionCall.name, args: p.functionCall.args })),
    ),
  toolResults: (b) =>
    b.contents.flatMap((c: any) =>
      c.parts
        .filter((p: any) => p.functionResponse)
        .map((p: any) => ({ id: p.functionResponse.id, name: p.functionResponse.name, output: p.functionResponse.response })),
    ),
  stop: (b) => b.generationConfig?.stopSequences,
  maxTokens: (b) => b.generationConfig?.maxOutputTokens,
  jsonSchema: (b) => b.generationConfig?.responseJsonSchema ?? b.generationConfig?.responseSchema,
  opaque: (b) => b.contents.flatMap((c: any) => c.parts.filter((p: any) => p.thoughtSignature).map((p: any) => p.thoughtSignature)),
};

const chatUsage = FAKE_USAGE.openai.chat;
const anthropicUsage = FAKE_USAGE.anthropic.messages;

export const UPSTREAMS: readonly UpstreamShape[] = [
  {
    name: 'chat',
    model: MODELS.chat,
    protocol: 'openai-chat',
    vendor: 'openai',
    fake: (rig) => rig.openai,
    isGenerate: (c) => c.path.startsWith('/v1/chat/completions'),
    toolIds: FAKE_CHAT_TOOL_CALL_IDS,
    usage: () => ({
      inputTokens: chatUsage.prompt_tokens - chatUsage.prompt_tokens_details.cached_tokens,
      cacheReadTokens: chatUsage.prompt_tokens_details.cached_tokens,
      cacheWriteTokens: 0,
      outputTokens: chatUsage.completion_tokens,
      reasoningTokens: chatUsage.completion_tokens_details.reasoning_tokens,
    }),
    read: chatReader,
  },
  {
    name: 'responses',
    model: MODELS.responses,
    protocol: 'openai-responses',
    vendor: 'openai',
    fake: (rig) => rig.openai,
    isGenerate: (c) => c.path.startsWith('/v1/responses'),
    toolIds: FAKE_RESPONSES_CALL_IDS,
    usage: () => ({
      inputTokens: FAKE_RESPONSES_USAGE.input_tokens - FAKE_RESPONSES_USAGE.input_tokens_details.cached_tokens,
      cacheReadTokens: FAKE_RESPONSES_USAGE.input_tokens_details.cached_tokens,
      cacheWriteTokens: 0,
      outputTokens: FAKE_RESPONSES_USAGE.output_tokens,
      reasoningTokens: FAKE_RESPONSES_USAGE.output_tokens_details.reasoning_tokens,
    }),
    read: responsesReader,
  },
  {
    name: 'anthropic',
    model: MODELS.anthropic,
    protocol: 'anthropic-messages',
    vendor: 'anthropic',
    fake: (rig) => rig.anthropic,
    isGenerate: (c) => c.path.startsWith('/v1/messages') && !c.path.startsWith('/v1/messages/count_tokens'),
    toolIds: ANTHROPIC_FAKE_TOOL_IDS,
    usage: () => ({
      inputTokens: anthropicUsage.input_tokens,
      cacheReadTokens: anthropicUsage.cache_read_input_tokens,
      cacheWriteTokens: anthropicUsage.cache_creation_input_tokens,
      outputTokens: anthropicUsage.output_tokens,
      reasoningTokens: 0,
    }),
    read: anthropicReader,
  },
  {
    name: 'gemini',
    model: MODELS.gemini,
    protocol: 'gemini',
    vendor: 'gemini',
    fake: (rig) => rig.gemini,
    isGenerate: (c) => /:(generateContent|streamGenerateContent)/.test(c.path),
    toolIds: GEMINI_FAKE_CALL_IDS,
    usage: (scenario) => {
      const thoughts = scenario === 'reasoning' ? FAKE_GEMINI_USAGE.thoughtsTokenCount : 0;
      return {
        inputTokens: FAKE_GEMINI_USAGE.promptTokenCount - FAKE_GEMINI_USAGE.cachedContentTokenCount,
        cacheReadTokens: FAKE_GEMINI_USAGE.cachedContentTokenCount,
        cacheWriteTokens: 0,
        outputTokens: FAKE_GEMINI_USAGE.candidatesTokenCount + thoughts,
        reasoningTokens: thoughts,
      };
    },
    read: geminiReader,
  },
];
