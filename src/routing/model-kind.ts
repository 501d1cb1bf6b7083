import type { ModelKind } from '../config/schema.js';
import type { Snapshot } from './catalog.js';

/**
 * Kinds read from model ids, first match wins, for models declared without
 * a `kind` and models upstreams list under their own ids. The patterns
 * follow the vendors' own naming: OpenAI (`text-embedding-3-small`,
 * `dall-e-3`, `gpt-image-1`, `whisper-1`, `tts-1`, `gpt-4o-mini-transcribe`,
 * `gpt-3.5-turbo-instruct`, `davinci-002`), Google (`gemini-embedding-001`,
 * `imagen-4.0-generate-001`, `gemini-2.5-flash-image`,
 * `gemini-2.5-flash-preview-tts`), Cohere, Jina and Voyage (`rerank-v3.5`,
 * `jina-reranker-v2-base-multilingual`, `rerank-2`).
 */
const PATTERNS: [RegExp, ModelKind][] = [
  [/(^|[/-])rerank/, 'rerank'],
  [/embed/, 'embedding'],
  [/(^|\/)(dall-e|gpt-image|imagen)|-image/, 'image'],
  [/(^|\/)(whisper|tts)|-tts|transcribe/, 'audio'],
  [/-instruct|(^|\/)(davinci|babbage)-/, 'completion'],
];

/** The kind an id reads as: see PATTERNS; anything else is `chat`. */
export function defaultKind(model: string): ModelKind {
  const id = model.toLowerCase();
  return PATTERNS.find(([pattern]) => pattern.test(id))?.[1] ?? 'chat';
}

/** A public model's or alias's kind: as declared, else read from its id; an alias has its first target's. */
export function kindOf(snapshot: Snapshot, model: string): ModelKind {
  // A router serves chat-shaped requests only.
  if (snapshot.routers.has(model)) return 'chat';
  const id = snapshot.aliases.get(model)?.targets[0]?.model ?? model;
  return snapshot.models.get(id)?.kind ?? defaultKind(id);
}
