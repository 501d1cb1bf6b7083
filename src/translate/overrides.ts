import type { RequestOverrides } from '../config/schema.js';
import type { Protocol } from '../protocols/protocol.js';
import type { IRReasoningConfig, IRRequest } from './ir.js';
import { isRecord } from './shared/json.js';
import { CODECS } from './registry.js';
import { budgetForEffort } from './shared/reasoning-levels.js';

/**
 * An alias target's request settings (docs/aliases.md) put over the
 * client's own, as if the client had asked for them. They are named once for
 * every protocol and written in the shape the upstream is spoken to in:
 * on the IR for a translated request (the codec then maps them as it maps a
 * client's own), or in the body's own fields for a passed-through one (the
 * reasoning settings by the same codec, so an effort becomes a thinking
 * budget, an adaptive effort or a Gemini level exactly as translation does).
 * `body` is merged last, as is, into the body that goes upstream.
 *
 * Reasoning an override turns on is the administrator's choice, so it is not
 * cut to fit the client's token limit: a limit at or below the thinking
 * budget is raised by the budget, leaving the answer the room the client gave it.
 */

type Json = Record<string, unknown>;

/** The IR request of a translated request with the overrides over the client's settings. */
export function overrideRequest(request: IRRequest, overrides: RequestOverrides | undefined): IRRequest {
  if (!overrides) return request;
  const { temperature, topP, reasoning } = overrides;
  const maxTokens = overrides.maxTokens ?? roomForThinking(request.maxTokens, overrides);
  return {
    ...request,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(reasoning ? { reasoning: irReasoning(reasoning) } : {}),
  };
}

/**
 * A passed-through body (in `protocol`'s shape, for `upstreamModel`) with the
 * overrides written in that protocol's own fields, then `body` merged in.
 * Protocols without a codec (embeddings) take `body` only.
 */
export function overrideBody(protocol: Protocol, body: Json, upstreamModel: string, overrides: RequestOverrides | undefined): Json {
  if (!overrides) return body;
  const out = { ...body };
  const sampling = SAMPLING_FIELDS[protocol];
  if (sampling) {
    const target = sampling.nested ? { ...(isRecord(out[sampling.nested]) ? (out[sampling.nested] as Json) : {}) } : out;
    if (overrides.temperature !== undefined) target[sampling.temperature] = overrides.temperature;
    if (overrides.topP !== undefined) target[sampling.topP] = overrides.topP;
    const field = sampling.maxTokens(target);
    const limit = overrides.maxTokens ?? roomForThinking(typeof target[field] === 'number' ? target[field] : undefined, overrides);
    if (limit !== undefined) target[field] = limit;
    if (sampling.nested) out[sampling.nested] = target;
  }
  if (overrides.reasoning) writeReasoning(protocol, out, upstreamModel, irReasoning(overrides.reasoning));
  return mergeBody(out, overrides.body);
}

/** `extra` merged into `body`: objects key by key (so `{ generationConfig: { seed: 1 } }` keeps the rest), anything else replaced. */
export function mergeBody(body: Json, extra: Json | undefined): Json {
  if (!extra) return body;
  const out = { ...body };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = isRecord(value) && isRecord(out[key]) ? mergeBody(out[key] as Json, value) : value;
  }
  return out;
}

/** The client's token limit, raised by the override's thinking budget when it does not exceed it; undefined: unchanged. */
function roomForThinking(limit: number | undefined, overrides: RequestOverrides): number | undefined {
  const reasoning = overrides.reasoning;
  if (limit === undefined || !reasoning) return undefined;
  const budget = reasoning.budgetTokens ?? (reasoning.effort !== undefined ? budgetForEffort(reasoning.effort) : undefined);
  return budget !== undefined && budget > 0 && limit <= budget ? limit + budget : undefined;
}

function irReasoning(reasoning: NonNullable<RequestOverrides['reasoning']>): IRReasoningConfig {
  if (reasoning.budgetTokens === 0) return { disabled: true };
  return { ...(reasoning.effort !== undefined ? { effort: reasoning.effort } : {}), ...(reasoning.budgetTokens !== undefined ? { budgetTokens: reasoning.budgetTokens } : {}) };
}

/**
 * Where each protocol keeps the sampling settings.
 * @see https://platform.openai.com/docs/api-reference/chat/create (`max_tokens` kept when the client used it: compatible servers know it)
 * @see https://platform.openai.com/docs/api-reference/responses/create
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://ai.google.dev/api/generate-content#generationconfig
 */
const SAMPLING_FIELDS: Partial<Record<Protocol, { nested?: string; temperature: string; topP: string; maxTokens: (body: Json) => string }>> = {
  'openai-chat': { temperature: 'temperature', topP: 'top_p', maxTokens: (b) => ('max_tokens' in b && !('max_completion_tokens' in b) ? 'max_tokens' : 'max_completion_tokens') },
  'openai-responses': { temperature: 'temperature', topP: 'top_p', maxTokens: () => 'max_output_tokens' },
  // https://platform.openai.com/docs/api-reference/completions/create
  'openai-completions': { temperature: 'temperature', topP: 'top_p', maxTokens: () => 'max_tokens' },
  'anthropic-messages': { temperature: 'temperature', topP: 'top_p', maxTokens: () => 'max_tokens' },
  gemini: { nested: 'generationConfig', temperature: 'temperature', topP: 'topP', maxTokens: () => 'maxOutputTokens' },
};

/**
 * Replaces the body's reasoning settings with what the protocol's codec
 * encodes for `reasoning` on `upstreamModel` (a request of nothing else).
 */
function writeReasoning(protocol: Protocol, body: Json, upstreamModel: string, reasoning: IRReasoningConfig): void {
  const codec = CODECS[protocol];
  // Legacy completions and embeddings have no reasoning settings.
  if (!codec || protocol === 'openai-completions') return;
  const bare: IRRequest = { model: upstreamModel, system: [], messages: [], tools: [], stream: false, extra: null, reasoning };
  const encoded = codec.encodeRequest(bare, upstreamModel).body as Json;
  switch (protocol) {
    case 'openai-chat':
      delete body.reasoning_effort;
      if (encoded.reasoning_effort !== undefined) body.reasoning_effort = encoded.reasoning_effort;
      return;
    case 'openai-responses': {
      // The client's summary choice stays; the effort is the override's.
      const { effort: _, ...rest } = isRecord(body.reasoning) ? (body.reasoning as Json) : {};
      const effort = isRecord(encoded.reasoning) ? encoded.reasoning.effort : undefined;
      const next = { ...rest, ...(effort !== undefined ? { effort } : {}) };
      if (Object.keys(next).length > 0) body.reasoning = next;
      else delete body.reasoning;
      return;
    }
    case 'anthropic-messages': {
      delete body.thinking;
      const { effort: _, ...config } = isRecord(body.output_config) ? (body.output_config as Json) : {};
      const effort = isRecord(encoded.output_config) ? encoded.output_config.effort : undefined;
      const next = { ...config, ...(effort !== undefined ? { effort } : {}) };
      if (Object.keys(next).length > 0) body.output_config = next;
      else delete body.output_config;
      if (isRecord(encoded.thinking)) body.thinking = encoded.thinking;
      return;
    }
    case 'gemini': {
      const config = isRecord(body.generationConfig) ? { ...(body.generationConfig as Json) } : {};
      const own = isRecord(config.thinkingConfig) ? (config.thinkingConfig as Json) : {};
      const encodedConfig = isRecord(encoded.generationConfig) ? encoded.generationConfig : {};
      const thinking = isRecord(encodedConfig.thinkingConfig) ? encodedConfig.thinkingConfig : {};
      // Whether thoughts are shown stays the client's; how much thinking is the override's.
      const next = { ...(own.includeThoughts !== undefined ? { includeThoughts: own.includeThoughts } : {}), ...thinking };
      if (Object.keys(next).length > 0) config.thinkingConfig = next;
      else delete config.thinkingConfig;
      body.generationConfig = config;
      return;
    }
    default:
      return;
  }
}
