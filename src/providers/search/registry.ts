import type { SEARCH_PROVIDERS } from '../../config/schema.js';
import type { SearchProvider } from './search-provider.js';
import { tavily } from './tavily.js';
import { brave } from './brave.js';
import { searxng } from './searxng.js';
import { jina } from './jina.js';

/** Every search vendor the config may name (`hostedTools.webSearch.provider`). */
export const SEARCH_PROVIDER_MODULES: Record<(typeof SEARCH_PROVIDERS)[number], SearchProvider> = { tavily, brave, searxng, jina };
