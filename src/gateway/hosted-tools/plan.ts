import type { Operation } from '../../protocols/operations.js';
import type { Candidate } from '../../routing/plan.js';
import type { HostedToolsSettings, ImageGenerationSettings, WebSearchSettings } from '../../config/schema.js';
import type { ClientBody } from '../../protocols/requests.js';
import type { HostedToolsAsk } from '../../policy/hosted-tools-estimate.js';

/**
 * Whether the gateway serves a request's hosted tools itself, and how.
 *
 * A client may ask for a vendor's hosted tool: Anthropic's web search server
 * tool in Messages (`{"type":"web_search_20250305","name":"web_search",…}`),
 * or in Responses `{"type":"web_search"}` (and its `web_search_preview`
 * spellings) or `{"type":"image_generation"}`. An upstream that is that
 * vendor, spoken to in that vendor's own shape, runs the tool itself, so the
 * request passes through as any other: an `anthropic` or `claude-code`
 * upstream for Anthropic's tool, an `openai`, `azure` or `codex` upstream
 * asked in Responses for OpenAI's. Every other route (an OpenAI-compatible
 * Chat server, Gemini, Ollama, a Messages client translated to Chat…) lacks
 * it, and the gateway serves it when `hostedTools` enables it there: the
 * tool's `upstreams` list, when given, names exactly the upstreams that get
 * the gateway's tool (even one that has the vendor's own), and `models` the
 * public models. Decided on the first planned route; later routes of the same
 * request get the same function tool.
 */

/** Anthropic's web search server tool: `web_search_20250305`, and later dated versions. */
const ANTHROPIC_WEB_SEARCH = /^web_search_\d{8}$/;
/** The Responses web search tool's spellings (openai-node `WebSearchTool`, `WebSearchPreviewTool`). */
const RESPONSES_WEB_SEARCH = new Set(['web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11']);

/** Upstream kinds that run each vendor's tool themselves, in that vendor's own shape. */
const NATIVE_ANTHROPIC = new Set(['anthropic', 'claude-code']);
const NATIVE_RESPONSES = new Set(['openai', 'azure', 'codex']);

export interface WebSearchAsk {
  /** Searches allowed in this request: the client's `max_uses`, else the setting's, never above it. */
  maxUses: number;
  allowedDomains?: string[];
  blockedDomains?: string[];
  userLocation?: { country?: string; region?: string; city?: string; timezone?: string };
  settings: WebSearchSettings;
}

export interface ImageAsk {
  /** The client's tool as sent (size, quality, output format…), read when the image model is asked. */
  tool: Record<string, unknown>;
  settings: ImageGenerationSettings;
}

export interface HostedPlan {
  dialect: 'messages' | 'responses';
  webSearch?: WebSearchAsk;
  image?: ImageAsk;
}

/**
 * What a request's hosted tools may spend, before its route is known (for
 * the budget's reservation, policy/hosted-tools-estimate.ts): the searches
 * it may run and the image it may make, for the tools the setting turns on
 * for its model. A route whose upstream runs the tool itself is reserved the
 * same, and settled with what was used.
 */
export function hostedToolsAsked(op: Operation, body: ClientBody, settings: HostedToolsSettings): HostedToolsAsk | undefined {
  if (op.endpoint !== 'messages' && op.endpoint !== 'responses') return undefined;
  const tools = Array.isArray(body.json.tools) ? (body.json.tools as unknown[]).filter(isRecord) : [];
  if (tools.length === 0) return undefined;
  const dialect = op.endpoint === 'messages' ? 'messages' : 'responses';
  const forModel = (s: { models?: string[] }) => !s.models || s.models.includes(body.model);
  const ask: HostedToolsAsk = { searches: 0 };
  const search = settings.webSearch;
  const searchTool = tools.find((t) => typeof t.type === 'string' && (dialect === 'messages' ? ANTHROPIC_WEB_SEARCH.test(t.type) : RESPONSES_WEB_SEARCH.has(t.type)));
  if (search && searchTool && forModel(search)) {
    ask.searches = webSearchAsk(dialect, searchTool, search).maxUses;
    ask.searchPricePer1000 = search.pricePer1000;
  }
  const image = settings.imageGeneration;
  const imageTool = dialect === 'responses' ? tools.find((t) => t.type === 'image_generation') : undefined;
  if (image && imageTool && forModel(image)) ask.image = { model: image.model, size: imageTool.size, quality: imageTool.quality };
  return ask.searches > 0 || ask.image ? ask : undefined;
}

/** The hosted tools the gateway serves for this request, or null when it serves none (the request goes as any other). */
export function hostedToolsFor(op: Operation, body: ClientBody, first: Candidate, settings: HostedToolsSettings): HostedPlan | null {
  if (op.endpoint !== 'messages' && op.endpoint !== 'responses') return null;
  const tools = Array.isArray(body.json.tools) ? (body.json.tools as unknown[]).filter(isRecord) : [];
  if (tools.length === 0) return null;
  const dialect = op.endpoint === 'messages' ? 'messages' : 'responses';
  const native = !first.translate && (dialect === 'messages' ? NATIVE_ANTHROPIC : NATIVE_RESPONSES).has(first.upstream.record.kind);
  const applies = (s: { upstreams?: string[]; models?: string[] }) =>
    (s.upstreams ? s.upstreams.includes(first.upstream.record.id) : !native) && (!s.models || s.models.includes(first.model) || s.models.includes(body.model));
  const plan: HostedPlan = { dialect };

  const search = settings.webSearch;
  const searchTool = tools.find((t) => typeof t.type === 'string' && (dialect === 'messages' ? ANTHROPIC_WEB_SEARCH.test(t.type) : RESPONSES_WEB_SEARCH.has(t.type)));
  if (search && searchTool && applies(search)) plan.webSearch = webSearchAsk(dialect, searchTool, search);

  const image = settings.imageGeneration;
  const imageTool = dialect === 'responses' ? tools.find((t) => t.type === 'image_generation') : undefined;
  if (image && imageTool && applies(image)) plan.image = { tool: imageTool, settings: image };

  return plan.webSearch || plan.image ? plan : null;
}

function webSearchAsk(dialect: 'messages' | 'responses', tool: Record<string, unknown>, settings: WebSearchSettings): WebSearchAsk {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
  if (dialect === 'messages') {
    // Anthropic: `max_uses`, `allowed_domains`, `blocked_domains`, `user_location` {type: approximate, city, region, country, timezone}.
    const asked = typeof tool.max_uses === 'number' && tool.max_uses >= 1 ? Math.floor(tool.max_uses) : settings.maxUses;
    return {
      maxUses: Math.min(asked, settings.maxUses),
      allowedDomains: strings(tool.allowed_domains),
      blockedDomains: strings(tool.blocked_domains),
      userLocation: location(tool.user_location),
      settings,
    };
  }
  // Responses: `filters.allowed_domains`, `user_location` {type: approximate, city, region, country, timezone}; no count of uses.
  const filters = isRecord(tool.filters) ? tool.filters : {};
  return { maxUses: settings.maxUses, allowedDomains: strings(filters.allowed_domains), userLocation: location(tool.user_location), settings };
}

function location(value: unknown): WebSearchAsk['userLocation'] {
  if (!isRecord(value)) return undefined;
  const pick = (k: string) => (typeof value[k] === 'string' ? (value[k] as string) : undefined);
  return { country: pick('country'), region: pick('region'), city: pick('city'), timezone: pick('timezone') };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
