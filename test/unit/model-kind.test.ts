import { describe, expect, it } from 'vitest';
import { defaultKind } from '../../src/routing/model-kind.js';

// The kind a model id reads as when its declaration names none (the model lists filter by it).
describe('defaultKind', () => {
  const cases: [string, string][] = [
    ['gpt-4o', 'chat'],
    ['claude-sonnet-4-5', 'chat'],
    ['gemini-2.5-pro', 'chat'],
    ['openai/gpt-4o', 'chat'],
    ['text-embedding-3-small', 'embedding'],
    ['gemini-embedding-001', 'embedding'],
    ['nomic-embed-text', 'embedding'],
    ['dall-e-3', 'image'],
    ['gpt-image-1', 'image'],
    ['imagen-4.0-generate-001', 'image'],
    ['gemini-2.5-flash-image', 'image'],
    ['whisper-1', 'audio'],
    ['tts-1-hd', 'audio'],
    ['gpt-4o-mini-tts', 'audio'],
    ['gpt-4o-transcribe', 'audio'],
    ['gemini-2.5-flash-preview-tts', 'audio'],
    ['rerank-v3.5', 'rerank'],
    ['jina-reranker-v2-base-multilingual', 'rerank'],
    ['cohere/rerank-english-v3.0', 'rerank'],
    ['gpt-3.5-turbo-instruct', 'completion'],
    ['davinci-002', 'completion'],
    ['babbage-002', 'completion'],
  ];
  it.each(cases)('%s is %s', (id, kind) => expect(defaultKind(id)).toBe(kind));
});
