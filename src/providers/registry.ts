import type { UpstreamKind } from '../config/schema.js';
import type { HttpClient } from './http.js';
import type { Provider, ProviderDeps } from './provider.js';
import { openaiProvider } from './openai.js';
import { anthropicProvider } from './anthropic.js';
import { mockProvider } from './mock/mock.js';
import { geminiProvider } from './gemini.js';
import { azureProvider } from './azure.js';
import { copilotProvider } from './copilot/copilot.js';
import { codexProvider } from './codex/codex.js';
import { ollamaProvider } from './ollama.js';
import { claudeCodeProvider } from './claude-code/claude-code.js';
import { cohereProvider, jinaProvider, voyageProvider } from './rerank-vendors.js';

export type Providers = Record<UpstreamKind, Provider>;

/**
 * Builds one provider per upstream kind over the platform's HTTP client.
 * `deps` lets providers whose tokens rotate (codex, claude-code) write them back,
 * and subscriptions tell what they learn of their limits.
 */
export function createProviders(http: HttpClient, deps: ProviderDeps = {}): Providers {
  return {
    openai: openaiProvider(http),
    anthropic: anthropicProvider(http),
    gemini: geminiProvider(http),
    azure: azureProvider(http),
    copilot: copilotProvider(http),
    codex: codexProvider(http, deps),
    ollama: ollamaProvider(http),
    'claude-code': claudeCodeProvider(http, deps),
    mock: mockProvider(),
    cohere: cohereProvider(http),
    jina: jinaProvider(http),
    voyage: voyageProvider(http),
  };
}
