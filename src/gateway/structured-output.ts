import type { UpstreamRecord } from '../store/types.js';
import type { StructuredOutputMode } from '../translate/codec.js';

/**
 * How a translated request asks an Anthropic upstream for a JSON-schema
 * answer: the upstream's `structuredOutput` setting (default `native`,
 * Anthropic's `output_config.format`), unless the upstream refused native
 * structured output for that model, which is remembered for the life of the
 * process (a model that does not support it will not start to).
 */
export class StructuredOutputMemory {
  readonly #refused = new Set<string>();

  modeFor(upstream: UpstreamRecord, model: string): StructuredOutputMode {
    const configured = upstream.settings?.structuredOutput ?? 'native';
    return configured === 'native' && this.#refused.has(key(upstream.id, model)) ? 'tool' : configured;
  }

  /** The upstream refused `output_config.format` for this model: from now on it gets the forced-tool fallback. */
  learnRefusal(upstreamId: string, model: string): void {
    this.#refused.add(key(upstreamId, model));
  }
}

function key(upstreamId: string, model: string): string {
  return `${upstreamId}\n${model}`;
}

/**
 * Whether an upstream's answer refuses the native structured output a
 * translated Anthropic body asked for: a 400 whose error names the field
 * (`output_config.format`, or `output_format` from the beta era) or the
 * feature. Anthropic documents no error code for it, so the text decides.
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 */
export function refusesNativeStructuredOutput(body: unknown, status: number, errorText: string): boolean {
  if (status !== 400 || !asksNativeFormat(body)) return false;
  return /output_config\.format|output_format|structured output/i.test(errorText);
}

function asksNativeFormat(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const config = (body as { output_config?: unknown }).output_config;
  return typeof config === 'object' && config !== null && typeof (config as { format?: unknown }).format === 'object';
}
