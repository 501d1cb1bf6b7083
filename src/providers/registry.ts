import type { UpstreamKind } from '../config/schema.js';
import type { HttpClient } from './http.js';
import type { Provider } from './provider.js';
import { openaiProvider } from './openai.js';
import { anthropicProvider } from './anthropic.js';
import { mockProvider } from './mock/mock.js';
import { geminiProvider } from './gemini.js';

export type Providers = Record<UpstreamKind, Provider>;

/** Builds one provider per upstream kind over the platform's HTTP client. */
export function createProviders(http: HttpClient): Providers {
  return { openai: openaiProvider(http), anthropic: anthropicProvider(http), gemini: geminiProvider(http), mock: mockProvider() };
}
