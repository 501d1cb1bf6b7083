import { z } from 'zod';
import { alertsSchema } from './alerts-schema.js';
import { logExportSchema } from './log-export-schema.js';
import { promptConfigSchema } from './prompt-schema.js';
import { parseCidr } from './ip-address.js';
import { patternProblems } from './redact-patterns.js';

/**
 * The config file's schema (DESIGN.md, "Configuration"). Validated once at the
 * edge; everything inside trusts the resulting types.
 */

export const UPSTREAM_KINDS = ['openai', 'anthropic', 'gemini', 'azure', 'copilot', 'codex', 'claude-code', 'ollama', 'mock', 'cohere', 'jina', 'voyage'] as const;
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number];

const id = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'may hold only letters, digits and . _ : / @ -');

const url = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be a URL');

/** How an upstream spreads requests over its credentials (routing/strategies.ts). */
export const STRATEGIES = ['round-robin', 'weighted', 'least-busy', 'latency'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const credentialSchema = z.strictObject({
  id: id.optional().describe('A stable id for this credential (health, logs); absent: derived from the upstream and its place in the list.'),
  key: z.string().min(1, 'must not be empty').describe('The API key, usually `${ENV_VAR}`; stored encrypted with `secret`.'),
  weight: z.number().int().positive().default(1).describe('Its share of requests under the `weighted` strategy.'),
  label: z.string().optional().describe('A name shown in the dashboard and `switchboard health`.'),
});

/** Timeouts toward an upstream, in milliseconds. */
export const timeoutsSchema = z
  .strictObject({
    connectMs: z.number().int().positive().default(10_000).describe('No connection within this long fails the try.'),
    firstByteMs: z.number().int().positive().default(120_000).describe('No answer (headers) within this long fails the try.'),
    idleMs: z.number().int().positive().default(120_000).describe('A stream silent for this long is ended.'),
  })
  .describe('Timeouts toward this upstream, in milliseconds.');

/**
 * Settings only some upstream kinds read (docs/upstreams.md). They sit flat
 * on the upstream in the file and the admin API, and are kept together as
 * the record's `settings`.
 */
export const modelSyncSchema = z.strictObject({
  intervalMinutes: z.number().positive().describe("Ask the upstream for its model list this often and store it as the upstream's `models`."),
});

export const copilotAuthSchema = z.strictObject({
  githubUrl: url.optional().describe('Where the device flow runs (default https://github.com).'),
  githubApiUrl: url.optional().describe('Where the Copilot token is exchanged (default https://api.github.com).'),
  clientId: z.string().min(1).optional().describe("The OAuth app the device flow signs in to (default: the Copilot editor plugins' public client id)."),
});

/** The Claude sign-in endpoints of a claude-code upstream; each defaults to what the Claude Code CLI uses (providers/claude-code/constants.ts). */
export const claudeOAuthSchema = z.strictObject({
  authorizeUrl: url.optional().describe('Where the browser signs in (default https://claude.ai/oauth/authorize).'),
  tokenUrl: url.optional().describe('Where the code is exchanged and tokens are refreshed (default https://console.anthropic.com/v1/oauth/token).'),
  redirectUri: url.optional().describe('The page that shows the code to paste back (default https://console.anthropic.com/oauth/code/callback).'),
  clientId: z.string().min(1).optional().describe("The OAuth client signed in to (default: the Claude Code CLI's public client id)."),
  scope: z.string().min(1).optional().describe('The scopes asked for (default `org:create_api_key user:profile user:inference`).'),
});

/** How a credential is sent (providers/provider.ts `credentialHeaders`). */
export const AUTH_HEADERS = ['bearer', 'x-api-key', 'api-key', 'none'] as const;
export type AuthHeader = (typeof AUTH_HEADERS)[number];

/** An HTTP header name (RFC 9110 §5.1: a token), lower-cased when used. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a header name');

const endpointPath = z.string().regex(/^\/[^\s?#]*$/, 'must be a path beginning with /');
/** Per-endpoint paths of an OpenAI-compatible server, under its base URL. */
export const endpointPathsSchema = z.strictObject({
  chat: endpointPath.optional().describe('Chat completions (default `/chat/completions`).'),
  responses: endpointPath.optional().describe('Responses (default `/responses`).'),
  compact: endpointPath.optional().describe('Responses compaction (default `/responses/compact`).'),
  embeddings: endpointPath.optional().describe('Embeddings (default `/embeddings`).'),
  completions: endpointPath.optional().describe('Legacy completions (default `/completions`).'),
  images: endpointPath.optional().describe('Image generations (default `/images/generations`).'),
  image_edits: endpointPath.optional().describe('Image edits (default `/images/edits`).'),
  transcriptions: endpointPath.optional().describe('Audio transcriptions (default `/audio/transcriptions`).'),
  translations: endpointPath.optional().describe('Audio translations (default `/audio/translations`).'),
  speech: endpointPath.optional().describe('Speech (default `/audio/speech`).'),
  models: endpointPath.optional().describe('The model list (default `/models`).'),
});

/**
 * Client headers an upstream does not get unless its `forwardClientHeaders`
 * names them: the ones that pick which organization, project or billing
 * account the gateway's credential is charged to, and the ones that carry the
 * client's address (a gateway's clients are its own business).
 */
export const CLIENT_HEADERS_HELD_BACK = [
  'openai-organization',
  'openai-project',
  'anthropic-organization-id',
  'x-goog-user-project',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-real-ip',
  'forwarded',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'x-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
  'x-original-forwarded-for',
  'x-azure-clientip',
  'x-appengine-user-ip',
  'via',
] as const;

/** The rerank dialects an OpenAI-compatible server may serve (translate/rerank/). */
export const RERANK_DIALECTS = ['cohere-v1', 'cohere-v2', 'jina', 'voyage'] as const;

export const openaiRerankSchema = z.strictObject({
  dialect: z.enum(RERANK_DIALECTS).describe('The shape its rerank endpoint takes and answers in: `jina`, `cohere-v1`, `cohere-v2` or `voyage` (vLLM serves `/v1/rerank` in the Jina and Cohere v1 shape, `/v2/rerank` in Cohere v2\'s).'),
  path: z
    .string()
    .regex(/^\//, 'must start with /')
    .default('/rerank')
    .describe('Its path under `baseUrl` (default `/rerank`: `http://host:8000/v1` + `/rerank`).'),
});

function upstreamSettingsShape() {
  return {
    forwardClientHeaders: z
      .array(z.enum(CLIENT_HEADERS_HELD_BACK, { error: `must be one of ${CLIENT_HEADERS_HELD_BACK.join(', ')}` }))
      .optional()
      .describe(
        `Client headers this upstream gets although the gateway holds them back by default: ${CLIENT_HEADERS_HELD_BACK.map((h) => `\`${h}\``).join(', ')}. Absent: none of them (a client cannot choose the organization or project the credential bills, and its address stays here).`,
      ),
    apiVersion: z.string().min(1).optional().describe('azure: the dated `api-version` of the deployments API.'),
    deployments: z
      .record(z.string().min(1), z.string().min(1))
      .optional()
      .describe('azure: public model id -> deployment name; a model not listed is its own deployment name.'),
    authHeader: z
      .enum(AUTH_HEADERS)
      .optional()
      .describe(
        'How the credential is sent: `bearer` (`Authorization: Bearer`), `x-api-key`, `api-key` (the header of that name holding the key) or `none` (no credential sent). Default: `bearer` for `openai`, `api-key` for `azure` (`bearer` there for Microsoft Entra ID access tokens).',
      ),
    paths: endpointPathsSchema
      .optional()
      .describe('openai: where each endpoint is, under `baseUrl`, for a server with paths of its own (default `/chat/completions`, `/responses`, `/embeddings`, …).'),
    removeHeaders: z
      .array(headerName)
      .optional()
      .describe('Headers never sent to this upstream, whoever set them (a client header that passes by default, such as `user-agent` or `openai-beta`; a default such as `anthropic-version`). Not the credential (see `authHeader`).'),
    auth: copilotAuthSchema.optional().describe('copilot: the GitHub endpoints of the login and the token exchange.'),
    authUrl: url.optional().describe('codex: the OpenAI sign-in server for login and refresh (default https://auth.openai.com).'),
    anthropicMessages: z
      .boolean()
      .optional()
      .describe(
        "ollama: whether the server serves Anthropic's `/v1/messages` (Ollama's Anthropic compatibility; absent: assumed, and a 404 there is learned). `false`: Anthropic clients are translated to Chat.",
      ),
    proxy: url
      .optional()
      .describe(
        'An HTTP or HTTPS proxy every request to this upstream goes through, `http://user:pass@host:port` (a password usually as `${ENV}`; sent as Proxy-Authorization, shown masked). Node only: a Worker refuses it. A try the proxy fails does not count against the credential (docs/upstreams.md).',
      ),
    oauth: claudeOAuthSchema.optional().describe('claude-code: the Claude sign-in endpoints and client of the login and refresh.'),
    rerank: openaiRerankSchema
      .optional()
      .describe('openai: the rerank endpoint an OpenAI-compatible server has (vLLM, Infinity), and its dialect; absent: the upstream serves no rerank (docs/upstreams.md, "Rerank").'),
    modelSync: modelSyncSchema.optional().describe('Periodic model list sync; absent: only on demand (`switchboard upstream sync-models`).'),
    structuredOutput: z
      .enum(['native', 'tool', 'prompt'])
      .optional()
      .describe(
        'anthropic: how a translated request asks for a JSON-schema answer: `native` (`output_config.format`, the default), `tool` (a forced tool) or `prompt` (the schema in the system prompt), for upstreams that refuse native structured output. A model that refuses it is also learned.',
      ),
  };
}

/** The per-kind settings as stored on the upstream record. */
export const upstreamSettingsSchema = z.strictObject(upstreamSettingsShape());
export type UpstreamSettings = z.infer<typeof upstreamSettingsSchema>;
export const UPSTREAM_SETTING_KEYS = Object.keys(upstreamSettingsSchema.shape) as (keyof UpstreamSettings)[];

export const upstreamSchema = z.strictObject({
  id: id.describe('How routes and the admin API name this upstream.'),
  kind: z.enum(UPSTREAM_KINDS).describe('The API it speaks: `openai` is any OpenAI-compatible endpoint; `ollama` an Ollama server, local or its cloud; `mock` answers offline (docs/upstreams.md).'),
  baseUrl: url
    .optional()
    .describe("The API's base URL; absent: the kind's public one (`openai`: https://api.openai.com/v1; `ollama`: http://127.0.0.1:11434, the server's root without /v1). `azure` has none: its resource's endpoint."),
  credentials: z.array(credentialSchema).default([]).describe('The pool of API keys requests are spread over (docs/pools.md).'),
  strategy: z.enum(STRATEGIES).default('round-robin').describe('How requests are spread over the credentials.'),
  speaks: z
    .array(z.enum(['chat', 'responses']))
    .min(1)
    .default(['chat', 'responses'])
    .describe(
      "openai, ollama: the OpenAI API shapes it serves, `chat` (/chat/completions) and `responses` (/responses); the first listed is the one other clients are translated to. A server whose /responses answers 404 is served through chat once learned. Other kinds know their own.",
    ),
  models: z.array(z.string().min(1)).default([]).describe('Models this upstream serves under their own ids, for models not declared under `models`.'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers sent with every request to this upstream.'),
  timeouts: timeoutsSchema.prefault({}),
  enabled: z.boolean().default(true).describe('`false` takes it out of every route without deleting it.'),
  ...upstreamSettingsShape(),
});

export const routeSchema = z.strictObject({
  upstream: id.describe('The upstream that serves this route.'),
  model: z.string().min(1, 'must not be empty').describe('The model id sent to that upstream.'),
  weight: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe("When any route of a model has a weight, the first try is drawn by weight (absent: 1) and the rest follow in order."),
});

/**
 * What a model does, for the model lists (gateway/models.ts): an agent's
 * picker is shown `chat` models only. Gateway-owned names; absent on a
 * model, the kind is read from its id (routing/model-kind.ts).
 */
export const MODEL_KINDS = ['chat', 'completion', 'embedding', 'image', 'audio', 'rerank'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const modelKindSchema = z
  .enum(MODEL_KINDS, { error: `must be one of ${MODEL_KINDS.join(', ')}` })
  .describe(
    'What the model does, for the model lists: `chat`, `completion` (legacy text completions only), `embedding`, `image`, `audio` or `rerank`. Absent: read from the id (`text-embedding-*`, `*embed*`: embedding; `dall-e*`, `gpt-image*`, `imagen*`, `*-image*`: image; `whisper*`, `tts*`, `*-tts*`, `*transcribe*`: audio; `rerank*`, `*-rerank*`: rerank; `*-instruct*`, `davinci-*`, `babbage-*`: completion; else chat).',
  );

export const modelSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty').describe('The public model id clients ask for.'),
  routes: z.array(routeSchema).min(1, 'needs at least one route').describe('Where it is served, tried in order on failure (docs/pools.md).'),
  kind: modelKindSchema.optional(),
});

/**
 * Request settings an alias target puts over the client's own, named once
 * for every protocol (translate/overrides.ts writes them in the shape the
 * upstream is spoken to in), and `body` for anything else, merged as is.
 */
export const overridesSchema = z
  .strictObject({
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature.'),
    topP: z.number().min(0).max(1).optional().describe('Nucleus sampling (`top_p`, `topP`).'),
    maxTokens: z.number().int().positive().optional().describe('Most output tokens (`max_tokens`, `max_completion_tokens`, `max_output_tokens`, `maxOutputTokens`).'),
    reasoning: z
      .strictObject({
        effort: z.string().min(1).optional().describe('A reasoning effort (`low`, `medium`, `high`, …; opaque): OpenAI `reasoning_effort`, Anthropic thinking, Gemini thinking, as translation maps efforts.'),
        budgetTokens: z.number().int().nonnegative().optional().describe('A thinking budget in tokens (0: thinking off): Anthropic `thinking.budget_tokens`, Gemini `thinkingBudget`, an effort for OpenAI.'),
      })
      .optional()
      .describe("Reasoning for this target, in place of the client's."),
    body: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Fields merged as they are into the body sent upstream (objects merged key by key), in the upstream's own shape: for what the fields above do not name."),
  })
  .describe("Request settings for this target, over the client's own (docs/aliases.md).");

export const aliasTargetSchema = z.strictObject({
  model: z.string().min(1, 'must not be empty').describe('A public model id (declared under `models`, or one an upstream lists); not another alias.'),
  weight: z.number().int().nonnegative().optional().describe('`random` selection: its share of requests (absent: 1).'),
  overrides: overridesSchema.optional(),
});

export const ALIAS_SELECTIONS = ['random', 'first-available'] as const;
export type AliasSelection = (typeof ALIAS_SELECTIONS)[number];

export const aliasSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty').describe('The public name clients ask for; not also a model id.'),
  select: z
    .enum(ALIAS_SELECTIONS)
    .default('first-available')
    .describe(
      '`first-available`: the first target with a usable credential now, the others as failover in order; `random`: a target drawn by weight, the others as failover in order.',
    ),
  targets: z.array(aliasTargetSchema).min(1, 'needs at least one target').describe('The models it resolves to.'),
  listed: z.boolean().default(true).describe('Shown in `/v1/models` (with the kind of its first target).'),
});

/** The client protocols a tier rule may name (the chat shapes a router serves). */
export const ROUTER_PROTOCOLS = ['openai-chat', 'openai-responses', 'anthropic-messages', 'gemini'] as const;

/**
 * What a tier rule looks at: cheap features of the request (routing/tier-features.ts).
 * Every condition given must hold; a rule with none always matches.
 */
export const tierConditionsSchema = z
  .strictObject({
    minInputTokens: z.number().int().nonnegative().optional().describe("At least this many input tokens, by the gateway's rough estimate (about four bytes a token)."),
    maxInputTokens: z.number().int().nonnegative().optional().describe('At most this many input tokens, by the same estimate.'),
    minTurns: z.number().int().nonnegative().optional().describe('At least this many messages in the conversation (system instructions not counted).'),
    maxTurns: z.number().int().nonnegative().optional().describe('At most this many messages in the conversation.'),
    tools: z.boolean().optional().describe('true: the request offers tools; false: it offers none.'),
    images: z.boolean().optional().describe('true: the conversation holds an image or file; false: it holds none.'),
    reasoning: z.boolean().optional().describe('true: the client asked for reasoning (an effort, a thinking budget, adaptive thinking); false: it did not, or turned it off.'),
    keywords: z.array(z.string().min(1)).min(1).optional().describe('Any of these words or phrases in the last user message (case-insensitive; its first 4,096 characters are read).'),
    pattern: z
      .string()
      .min(1)
      .refine((p) => compiles(p), 'not a valid regular expression')
      .refine(
        (p) => !NESTED_REPETITION.test(p),
        'a repeated group that holds a repetition (`(a+)+`, `(\\w+\\s?)*`) can take exponential time on some texts: write it without the nesting',
      )
      .optional()
      .describe('A regular expression (case-insensitive) found in the last user message (its first 4,096 characters).'),
    groups: z.array(z.string().min(1)).min(1).optional().describe("The key's group (as the request narrowed it) is one of these, or under one (`team-a` covers `team-a/x`)."),
    protocols: z.array(z.enum(ROUTER_PROTOCOLS)).min(1).optional().describe('The client speaks one of these protocols.'),
  })
  .describe('Conditions over the request; all must hold.');

/**
 * A quantified group with a quantifier inside (`(a+)+`, `(x*y)*`, `(\w+\s?){2,}`):
 * the common shape of patterns that backtrack exponentially. A rough check
 * (not every slow pattern is caught), run once when a router is stored.
 */
const NESTED_REPETITION = /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,\d*\})/;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'iu');
    return true;
  } catch {
    return false;
  }
}

export const tierRuleSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('Shown in the log as why the tier was chosen (absent: `rules[i]`).'),
    when: tierConditionsSchema.prefault({}),
    tier: z.string().min(1).optional().describe('The tier a matching request goes to.'),
    classify: z.literal(true).optional().describe('A matching request is given to the classifier model instead (the router needs a `classifier`).'),
  })
  .refine((r) => (r.tier === undefined) !== (r.classify === undefined), { message: 'give either tier or classify: true', path: ['tier'] });

export const routerTierSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').describe('The tier\'s name, as rules, the log and the usage split call it (`small`, `large`).'),
  model: z.string().min(1, 'must not be empty').describe('A public model id or an alias that serves the tier; not a router.'),
});

export const routerClassifierSchema = z
  .strictObject({
    model: z.string().min(1).describe('A small model (public id or alias) asked which tier a request needs; called through the gateway, billed to the key and logged as its own row.'),
    timeoutMs: z.number().int().positive().max(60_000).default(3_000).describe('How long the classifier may take; past it, the fallback tier serves.'),
    fallback: z.string().min(1).optional().describe("The tier when the classifier fails, is slow or answers no tier (absent: the router's default)."),
    instructions: z.string().min(1).optional().describe('What each tier is for, told to the classifier before the tier names (absent: the tiers are taken as ordered from smallest to largest).'),
  })
  .describe('A model that picks the tier when no rule decides, or when a rule says `classify`.');

export const routerSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty').describe('The public model name clients ask for (`auto`); not also a model or alias id.'),
  tiers: z.array(routerTierSchema).min(1, 'needs at least one tier').describe('The tiers, from smallest to largest.'),
  rules: z.array(tierRuleSchema).default([]).describe('Tried in order; the first that matches decides.'),
  default: z.string().min(1).optional().describe('The tier when no rule matches and there is no classifier (absent: the first tier).'),
  reference: z.string().min(1).optional().describe('The tier savings are measured against: what each request would have cost there (absent: the last tier).'),
  classifier: routerClassifierSchema.optional(),
  listed: z.boolean().default(true).describe('Shown in `/v1/models`.'),
});

export const keyLimitsSchema = z
  .strictObject({
    rpm: z.number().int().positive().optional().describe('Requests per minute.'),
    tpm: z.number().int().positive().optional().describe('Tokens per minute (input, cached input and output all count).'),
    concurrent: z.number().int().positive().optional().describe('Requests in flight at once.'),
  })
  .describe('Rate limits; a request past one gets a 429 with Retry-After (docs/limits.md).');

export const keyBudgetSchema = z
  .strictObject({
    usd: z.number().positive().optional().describe('Spend in USD per period, priced from the price table.'),
    tokens: z.number().int().positive().optional().describe('Tokens per period.'),
    period: z.enum(['day', 'week', 'month', 'total']).default('month').describe('When the budget starts again (UTC); `total` never.'),
  })
  .describe('A spending budget; past it, requests get a 429 until the period ends (docs/limits.md).');

/** A key's or a model's response-cache choice: on, off, or on with its own time to live. */
export const cacheChoiceSchema = z.union([
  z.boolean(),
  z.strictObject({ ttlSeconds: z.number().int().positive().describe('How long its answers are kept, in seconds.') }),
]);

/** An IPv4 or IPv6 address or CIDR range (policy/ip-allowlist.ts). */
export const cidrSchema = z
  .string()
  .refine((v) => parseCidr(v) !== undefined, 'must be an IPv4 or IPv6 address or CIDR range, e.g. 10.0.0.0/8 or 2001:db8::/32');
export const cidrListSchema = z.array(cidrSchema);

/**
 * Stateful Responses for a key (docs/responses.md): with `store: true` the
 * gateway keeps the key's Responses answers (sealed with the secret) for
 * `retentionDays`, serves them back, and expands `previous_response_id`.
 */
export const keyResponsesSchema = z.strictObject({
  store: z.boolean().describe("`true` keeps the key's Responses answers, sealed with the secret, and expands `previous_response_id`."),
  retentionDays: z.number().int().min(1).max(3650).default(30).describe('How long each stored answer is kept.'),
});

export const keySchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').describe('Unique; the config file updates the key of this name.'),
  key: z
    .string()
    .min(20, 'must be at least 20 characters')
    .optional()
    .describe('The plaintext key to import (hashed at once), usually `${ENV_VAR}`. Absent: one is generated and printed once.'),
  group: z.string().min(1).default('default').describe('The group its usage is counted under, and whose limits and budget also apply.'),
  models: z.array(z.string().min(1)).optional().describe('Public model ids this key may use; absent: all.'),
  limits: keyLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
  cache: cacheChoiceSchema
    .optional()
    .describe('The response cache for this key: on, off (even when a request asks) or on with its own `ttlSeconds`.'),
  ipAllowlist: cidrListSchema.optional().describe('Addresses this key may be used from (CIDRs); absent: anywhere the global list allows.'),
  responses: keyResponsesSchema
    .optional()
    .describe('Stored Responses for this key (docs/responses.md); absent: the Responses API is served statelessly.'),
  prompts: z
    .array(z.string().min(1))
    .optional()
    .describe('Prompt templates this key may call, whatever their model (docs/prompts.md); absent: the templates whose model the key may use.'),
});

/**
 * Limits and a budget shared by every key of a group (`groups:`); a group
 * `team-a` also covers keys narrowed to `team-a/<sub>`.
 */
export const groupSchema = z.strictObject({
  id: z.string().min(1, 'must not be empty').describe("The group's name, as keys' `group` name it."),
  limits: keyLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
});

/**
 * A model's price: USD per million tokens (absent cache prices are charged at
 * the input price), and for endpoints billed by the unit, per image, minute of
 * audio, million characters or search (usage/units.ts). A model billed only by
 * the unit leaves the token prices out (0).
 */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative().optional().describe('USD per million uncached input tokens; with `output`, or neither for a model billed only by the unit.'),
  output: z.number().nonnegative().optional().describe('USD per million output tokens; with `input`.'),
  cacheRead: z.number().nonnegative().optional().describe('USD per million cache-read input tokens; absent: the input price.'),
  cacheWrite: z.number().nonnegative().optional().describe('USD per million cache-write input tokens; absent: the input price.'),
  reasoning: z.number().nonnegative().optional().describe('USD per million reasoning tokens, only when they cost other than output tokens.'),
  image: z
    .union([z.number().nonnegative(), z.record(z.string().min(1), z.number().nonnegative())])
    .optional()
    .describe(
      'USD per image made (images endpoints): one price, or prices by quality and size, tried in this order: `hd 1024x1024` (quality, a space, size), `1024x1024`, `hd`, `*`.',
    ),
  audioMinute: z.number().nonnegative().optional().describe('USD per minute of audio transcribed or translated.'),
  characters: z.number().nonnegative().optional().describe('USD per million characters turned into speech.'),
  search: z.number().nonnegative().optional().describe('USD per rerank search (a query over up to 100 documents).'),
  webSearch: z
    .number()
    .nonnegative()
    .optional()
    .describe('USD per 1,000 web searches the gateway ran for the model (hosted tools, docs/hosted-tools.md); absent: `hostedTools.webSearch.pricePer1000`.'),
}).superRefine((p, check) => {
  if ((p.input === undefined) !== (p.output === undefined))
    check.addIssue({ code: 'custom', path: [p.input === undefined ? 'input' : 'output'], message: 'is required with the other token price (`input` and `output` go together)' });
  else if (p.input === undefined && p.image === undefined && p.audioMinute === undefined && p.characters === undefined && p.search === undefined && p.webSearch === undefined)
    check.addIssue({ code: 'custom', path: ['input'], message: 'is required: a price names `input` and `output` (USD per million tokens), or a unit price (`image`, `audioMinute`, `characters`, `search`, `webSearch`)' });
});

/** The web search vendors the gateway can search through (src/providers/search/). */
export const SEARCH_PROVIDERS = ['tavily', 'brave', 'searxng', 'jina'] as const;

/**
 * Web search served by the gateway for models whose upstream lacks the
 * vendor's own (docs/hosted-tools.md): the search vendor, its key, and
 * where it applies.
 */
export const webSearchSchema = z.strictObject({
  provider: z.enum(SEARCH_PROVIDERS).describe('The search vendor: `tavily`, `brave`, `searxng` or `jina`.'),
  apiKey: z
    .string()
    .min(1, 'must not be empty')
    .optional()
    .describe('The vendor key, usually `${ENV_VAR}`; stored encrypted with `secret`. SearXNG usually needs none.'),
  baseUrl: url.optional().describe("Where the vendor's API is (default: its public one); required for `searxng`, which is self-hosted."),
  maxResults: z.number().int().min(1).max(20).default(5).describe('Results per search given to the model.'),
  maxUses: z
    .number()
    .int()
    .min(1)
    .max(20)
    .default(5)
    .describe('Searches per request when the client sets no `max_uses` (Responses has none); a client may ask for fewer, never more.'),
  upstreams: z
    .array(id)
    .optional()
    .describe(
      "Upstreams whose requests get the gateway's search (even one that has the vendor's own, such as an `anthropic` upstream); absent: every upstream that lacks the tool natively.",
    ),
  models: z.array(z.string().min(1)).optional().describe('Public models that get it; absent: every model.'),
  pricePer1000: z.number().nonnegative().optional().describe("USD per 1,000 searches, for models whose price names no `webSearch`; absent there too: the request's cost is unknown."),
});

/** An image model of the gateway's own that serves the Responses `image_generation` tool. */
export const imageGenerationSchema = z.strictObject({
  model: z.string().min(1).describe('A public image model (an images route, e.g. `gpt-image-1` on an `openai` upstream) that makes the images.'),
  upstreams: z.array(id).optional().describe("Upstreams whose requests get the gateway's image tool; absent: every upstream that lacks it natively."),
  models: z.array(z.string().min(1)).optional().describe('Public models that get it; absent: every model.'),
});

/** Hosted tools for upstreams without them (docs/hosted-tools.md). */
export const hostedToolsSchema = z.strictObject({
  webSearch: webSearchSchema.optional().describe("Anthropic's `web_search_*` and the Responses `web_search` tool, run through a search vendor; absent: off."),
  imageGeneration: imageGenerationSchema.optional().describe('The Responses `image_generation` tool, served by an image model; absent: off.'),
});

/** Retries before the first byte reached the client: next credential, then next route. */
export const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(4).describe('Tries per request in all, the first included.'),
  deadlineMs: z.number().int().positive().default(60_000).describe('No new try starts after this long since the request arrived.'),
  backoffMs: z
    .number()
    .int()
    .nonnegative()
    .default(50)
    .describe('Backoff before try n is a random wait up to backoffMs * 2^(n-2), capped at maxBackoffMs.'),
  maxBackoffMs: z.number().int().nonnegative().default(2_000).describe('The longest backoff between tries.'),
});

/** When a credential cools down, and how it is checked back to health. */
export const healthSchema = z.strictObject({
  failuresBeforeCooling: z.number().int().positive().default(3).describe('Consecutive 5xx / timeout / connect failures before a credential cools down.'),
  cooldownMs: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe("First cooldown after failures (doubling on each new one, up to maxCooldownMs); 429s use the upstream's reset time."),
  maxCooldownMs: z.number().int().positive().default(300_000).describe('The longest cooldown.'),
  probeIntervalMs: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe('How often cooling and disabled credentials are probed (a model listing); 0 turns probes off.'),
});

/** The response cache (gateway/response-cache.ts): exact-match answers kept in the database. */
export const cacheSchema = z.strictObject({
  enabled: z.boolean().default(false).describe("On for every request; keys, models and the request's headers may say otherwise."),
  ttlSeconds: z.number().int().positive().default(3600).describe('How long an answer is kept, in seconds.'),
  maxBytes: z
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024)
    .describe('All entries together, in bytes; the sweep evicts the least recently used past it.'),
  maxEntryBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024)
    .describe('An answer larger than this many bytes is sent but not kept.'),
  sweepIntervalSeconds: z.number().int().positive().default(60).describe('How often expired and excess entries are deleted.'),
  scope: z.enum(['key', 'group']).default('key').describe('Who shares answers: each key its own, or every key of a group.'),
  models: z.record(z.string().min(1), cacheChoiceSchema).default({}).describe('Per public model id: on, off or on with its own `ttlSeconds`.'),
});

/** Who may reach the data plane, and how the client's address is read (docs/security.md). */
export const securitySchema = z.strictObject({
  ipAllowlist: cidrListSchema.default([]).describe('Client addresses (CIDRs) allowed on the data plane; empty: any.'),
  trustProxy: z
    .union([z.boolean(), z.number().int().min(1).max(32), cidrListSchema.min(1)])
    .default(false)
    .describe(
      "Whether to read X-Forwarded-For: `false` (the socket address), `true` (one proxy in front), a number of proxies in front, or the proxies' CIDRs.",
    ),
});

/** Logging of request and response bodies (policy/body-log.ts). */
export const loggingSchema = z.strictObject({
  bodies: z
    .enum(['off', 'metadata', 'full'])
    .default('off')
    .describe('What is kept of request and response bodies: nothing, a summary (`metadata`), or the text, redacted and capped (`full`).'),
  redact: z
    .strictObject({
      emails: z.boolean().default(false).describe('Replace e-mail addresses in logged bodies.'),
      patterns: z
        .array(z.string().min(1))
        .default([])
        .describe('Extra regular expressions; each match in a logged body is replaced (a first capture group is kept).'),
    })
    .superRefine((r, check) => {
      for (const { index, message } of patternProblems(r.patterns)) check.addIssue({ code: 'custom', path: ['patterns', index], message });
    })
    .prefault({})
    .describe('What is masked in logged bodies besides secrets and API-key shapes, which always are.'),
});

export const serverSchema = z.strictObject({
  host: z.string().default('127.0.0.1').describe('The address to listen on; `0.0.0.0` for every interface (`--host`).'),
  port: z.number().int().min(0).max(65535).default(8788).describe('The port to listen on; 0 picks a free one (`--port`).'),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(32 * 1024 * 1024)
    .describe('Largest request body accepted, in bytes (413 beyond).'),
  drainSeconds: z
    .number()
    .min(0)
    .max(3600)
    .default(30)
    .describe(
      'On SIGTERM or SIGINT: how long requests in flight (streams and WebSocket turns included) may take to finish before their connections are cut; no new connection is taken meanwhile. A second signal cuts at once.',
    ),
  headersTimeoutSeconds: z
    .number()
    .positive()
    .max(3600)
    .default(30)
    .describe("A client must have sent a request's headers within this long of starting it, or its connection is closed (a client trickling headers byte by byte holds a connection for nothing)."),
  requestTimeoutSeconds: z
    .number()
    .positive()
    .max(86_400)
    .default(300)
    .describe(
      'A client must have sent its whole request (headers and body) within this long, or its connection is closed. It covers only what the client sends: a streamed answer may run for as long as it runs.',
    ),
  bodyIdleSeconds: z
    .number()
    .positive()
    .max(3600)
    .default(30)
    .describe('A request body that stops arriving for this long is refused with 408 in the client\'s own error shape and its connection closed.'),
  maxConnectionsPerAddress: z
    .number()
    .int()
    .min(0)
    .default(1024)
    .describe(
      "Open connections one client address (the connection's peer, never X-Forwarded-For) may hold at once; a further connection is closed at once and counted in /admin/api/security. Generous by default: a team behind one NAT address, each agent holding several streams, stays well under it. Behind a reverse proxy every connection comes from the proxy: raise it, or 0 for no cap.",
    ),
  publicUrl: url
    .optional()
    .describe(
      "The gateway's base URL as clients reach it (e.g. `https://llm.example.com`), written into one-line agent setup scripts and their commands. Absent: the request's own scheme and host, with X-Forwarded-Proto / X-Forwarded-Host counted only when security.trustProxy is set.",
    ),
});

/**
 * How long and how much of the request log is kept (docs/operations.md);
 * absent: everything, forever. Usage totals (the hourly rollups) are never pruned.
 */
export const logsSchema = z.strictObject({
  retentionDays: z.number().int().min(1).max(36_500).optional().describe('Rows older than this many days are deleted, with their logged bodies. Absent: kept by age.'),
  maxRows: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('At most this many rows are kept: the oldest past it are deleted, with their logged bodies. Absent: no count limit.'),
  bodiesRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .optional()
    .describe('Logged bodies (logging.bodies) older than this many days are deleted, their rows kept. Absent: as long as their rows.'),
  bodiesMaxBytes: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Logged bodies together are kept within this many bytes (request and response text, UTF-8): the oldest past it are deleted, their rows kept. Absent: no byte limit.'),
});

/**
 * How long and how much of the audit log is kept (docs/security.md), as the
 * request log's `logs`; absent: everything, forever.
 */
export const auditSchema = z.strictObject({
  retentionDays: z.number().int().min(1).max(36_500).optional().describe('Audit rows older than this many days are deleted. Absent: kept by age.'),
  maxRows: z.number().int().positive().optional().describe('At most this many audit rows are kept: the oldest past it are deleted. Absent: no count limit.'),
});

/** Prometheus metrics at GET /metrics (docs/metrics.md). */
export const metricsSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Serve GET /metrics (Prometheus text) on the Node server; it always asks for a bearer token. false: /metrics is a 404 and requests are not counted.'),
    token: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe("A bearer token that opens /metrics and nothing else, for the scraper; the admin key opens it too."),
    maxKeys: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(200)
      .describe('How many client keys get a `key` label of their own; requests of keys past this many (in the order they were first seen since the start) share `key="_other"`. 0: no per-key series.'),
  });

export const storageSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must be sqlite:<path> or postgres://user@host:port/database')
    .default('sqlite:./data/switchboard.db')
    .describe('`sqlite:<path>` (one node; the data folder is its folder) or `postgres://user:pass@host:5432/db` (replicas; docs/scaling.md).'),
  journal: z
    .strictObject({
      enabled: z
        .boolean()
        .optional()
        .describe(
          'Note every request in a local append-only file as it is admitted and its usage row before its answer ends, so a process killed (SIGKILL, a crash) loses no row: the next start writes what the database lacks and records requests that never finished as `interrupted`. One write(2) per event, no fsync (a power cut may lose the last seconds). Absent: on with a SQLite file, off with PostgreSQL and `sqlite::memory:` (set `dir` or `true` there). Node only: on Workers each row is written within its request.',
        ),
      dir: z
        .string()
        .min(1)
        .optional()
        .describe(
          'The folder the journal is kept in, on local disk; each gateway process writes a folder of its own inside it and replays those of processes that are gone. Absent: `<database file>.usage-journal` beside a SQLite file, `./data/usage-journal` otherwise. Setting it turns the journal on.',
        ),
    })
    .prefault({})
    .describe('The usage journal (docs/reliability.md).'),
});

/**
 * Where limits are counted (docs/limits.md): in this process's memory (no
 * url), or in Redis so that every replica counts against the same limits.
 */
export const countersSchema = z.strictObject({
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must be redis://… or rediss://… (leave it out to count in memory)')
    .optional()
    .describe('`redis://…` or `rediss://…` to count limits across replicas; absent: in this process.'),
  // Braces would break the Cluster hash tag.
  prefix: z
    .string()
    .regex(/^[^{}\s]+$/, 'must be a non-empty word without braces or spaces')
    .default('switchboard')
    .describe('Every Redis key is `{prefix}:…`: gateways sharing one Redis need prefixes of their own.'),
  onUnavailable: z
    .enum(['failOpen', 'failClosed'])
    .default('failOpen')
    .describe(
      'While Redis cannot be reached: `failOpen` keeps serving, each replica counting its share of every limit alone; `failClosed` refuses requests that fall under a limit with 503.',
    ),
  replicas: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('What a replica divides limits by during an outage; absent: the replicas live when Redis was last seen.'),
  leaseMs: z
    .number()
    .int()
    .min(3000)
    .default(60_000)
    .describe("How long a concurrency slot is held without a renewal: a crashed replica's slots are free again after this."),
});

/** Request traces sent to an OpenTelemetry collector over OTLP/HTTP (docs/observability.md). */
export const tracesSchema = z.strictObject({
  endpoint: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .describe("The collector's OTLP/HTTP traces URL, path included (e.g. http://127.0.0.1:4318/v1/traces)."),
  headers: z
    .record(z.string().min(1), z.string())
    .default({})
    .describe('Headers sent with every export (e.g. an authorization token for a hosted collector).'),
  sampleRatio: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("Share of new traces kept (0 to 1); a request that comes with a W3C traceparent follows its caller's sampling decision."),
  serviceName: z.string().min(1).default('switchboard').describe('The `service.name` the spans are exported under.'),
});

/** Traces and the process log's shape (docs/observability.md). */
export const telemetrySchema = z.strictObject({
  traces: tracesSchema.optional().describe('OpenTelemetry traces of every request and upstream try; absent: none are made.'),
  logFormat: z
    .enum(['text', 'json'])
    .default('text')
    .describe('The process log: `text` (one plain line each, for a terminal) or `json` (JSON lines with time, level, message and the request id).'),
});

export const configSchema = z.strictObject({
  server: serverSchema.prefault({}).describe('Where the gateway listens and what it accepts.'),
  adminKey: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe('Bearer token for /admin/api and the dashboard. Absent: generated once into the data folder (`admin-key`).'),
  secret: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe(
      'Encrypts upstream credentials and stored responses at rest; required once any upstream has credentials. Absent: read from `<data folder>/secret` if that exists.',
    ),
  storage: storageSchema.prefault({}).describe('The database: every record, the request log and usage.'),
  counters: countersSchema.prefault({}).describe('Where limits are counted: in this process, or in Redis for every replica (docs/limits.md).'),
  logs: logsSchema.prefault({}).describe('How long and how much of the request log is kept (docs/operations.md); absent: all of it. Usage totals are never pruned.'),
  audit: auditSchema.prefault({}).describe('How long and how much of the audit log of admin changes and sign-ins is kept (docs/security.md); absent: all of it.'),
  metrics: metricsSchema.prefault({}).describe('Prometheus metrics at GET /metrics, on the Node server (docs/metrics.md).'),
  upstreams: z.array(upstreamSchema).default([]).describe('The provider accounts requests go to (docs/upstreams.md).'),
  retry: retrySchema.prefault({}).describe('Retries before the first byte reached the client: next credential, then next route.'),
  health: healthSchema.prefault({}).describe('When a credential cools down, and how it is checked back to health (docs/pools.md).'),
  models: z.array(modelSchema).default([]).describe('Public model ids and their routes; a model not declared here is served by the first upstream that lists it in `models`.'),
  aliases: z
    .array(aliasSchema)
    .default([])
    .describe('Public names that resolve to several models, with a selection and per-target request overrides (docs/aliases.md).'),
  routers: z
    .array(routerSchema)
    .default([])
    .describe('Public names (`auto`) that send each request to a tier (a model) by rules over the request, or a classifier model (docs/routing-tiers.md).'),
  prompts: z
    .array(promptConfigSchema)
    .default([])
    .describe('Prompt templates published as `POST /v1/prompts/{name}` (docs/prompts.md); applied at start as a new version only when one differs from the published version.'),
  keys: z.array(keySchema).default([]).describe('Client keys (upserted by name; keys made in the dashboard or CLI stay; a key an earlier file made that this one no longer names is revoked at start).'),
  groups: z.array(groupSchema).default([]).describe('Limits and a budget shared by every key of a group; `team-a` also covers keys narrowed to `team-a/<sub>`.'),
  limits: keyLimitsSchema.optional().describe('Rate limits over all traffic through this gateway.'),
  budget: keyBudgetSchema.optional().describe('A budget over all traffic through this gateway.'),
  prices: z
    .record(z.string().min(1), priceSchema)
    .default({})
    .describe(
      'Prices by model id (upstream or public), USD per million tokens, over the shipped table (src/usage/prices.json). `"*"` is the default price of every model without one; absent, such a model\'s cost is unknown and a key under a USD budget may not use it (403 `model_unpriced`).',
    ),
  cache: cacheSchema.optional().describe("The response cache (docs/cache.md); absent: the database's settings (admin API, dashboard) stay as they are."),
  security: securitySchema.optional().describe("IP allowlist and proxy trust (docs/security.md); absent: the database's settings stay as they are."),
  logging: loggingSchema.optional().describe("Logging of request and response bodies; absent: the database's settings stay as they are."),
  hostedTools: hostedToolsSchema
    .optional()
    .describe("Web search and image generation for models whose upstream lacks them (docs/hosted-tools.md); absent: the database's settings stay as they are."),
  telemetry: telemetrySchema.prefault({}).describe("Request traces and the process log's format."),
  alerts: alertsSchema.prefault({}).describe("Rules over the gateway's own figures, fired to webhooks (docs/alerts.md)."),
  logExport: logExportSchema.prefault({}).describe('Request rows sent to log platforms or a rotating file (docs/observability.md).'),
});

export type Config = z.infer<typeof configSchema>;
export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type CredentialConfig = z.infer<typeof credentialSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type AliasConfig = z.infer<typeof aliasSchema>;
export type AliasTarget = z.infer<typeof aliasTargetSchema>;
export type RequestOverrides = z.infer<typeof overridesSchema>;
export type RouterConfig = z.infer<typeof routerSchema>;
export type TierRule = z.infer<typeof tierRuleSchema>;
export type TierConditions = z.infer<typeof tierConditionsSchema>;
export type RouterProtocol = (typeof ROUTER_PROTOCOLS)[number];
export type KeyConfig = z.infer<typeof keySchema>;
export type KeyLimits = z.infer<typeof keyLimitsSchema>;
export type KeyBudget = z.infer<typeof keyBudgetSchema>;
export type GroupConfig = z.infer<typeof groupSchema>;
export type Timeouts = z.infer<typeof timeoutsSchema>;
export type Price = z.infer<typeof priceSchema>;
export type RetrySettings = z.infer<typeof retrySchema>;
export type HealthSettings = z.infer<typeof healthSchema>;
export type CacheChoice = z.infer<typeof cacheChoiceSchema>;
export type KeyResponses = z.infer<typeof keyResponsesSchema>;
export type CacheSettings = z.infer<typeof cacheSchema>;
export type SecuritySettings = z.infer<typeof securitySchema>;
export type LoggingSettings = z.infer<typeof loggingSchema>;
export type HostedToolsSettings = z.infer<typeof hostedToolsSchema>;
export type WebSearchSettings = z.infer<typeof webSearchSchema>;
export type ImageGenerationSettings = z.infer<typeof imageGenerationSchema>;
export type LogRetention = z.infer<typeof logsSchema>;
export type AuditRetention = z.infer<typeof auditSchema>;
export type TraceSettings = z.infer<typeof tracesSchema>;
export type TelemetrySettings = z.infer<typeof telemetrySchema>;
