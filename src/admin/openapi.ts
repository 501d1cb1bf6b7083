import { z } from 'zod';
import * as s from './schemas.js';
import { configSchema } from '../config/schema.js';
import { overviewQuery, overviewView } from './overview.js';
import { performanceQuery, performanceView } from './performance.js';
import { configExportQuery, configImportQuery, configImportView } from './config-io.js';
import { logsExportQuery } from './logs-export.js';
import { setCredentialStateBody } from './credential-health.js';
import { groupStatusView, keyStatusView, limitsReportView, scopeRuleBody, scopeStatusView } from './limits.js';
import { deletedPriceView, priceEntryView } from './prices.js';
import { priceSchema } from '../config/schema.js';
import { logDetailView } from './logs.js';
import { liveQuery } from './live.js';
import { playgroundBody, playgroundView } from './playground.js';
import { securityReportView } from './security.js';
import { patchSettingsBody, settingsView } from './settings.js';
import type { Access } from './principal.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { auditPageView, auditQuery } from './audit.js';
import { hostedToolsView, putHostedToolsBody } from './hosted-tools.js';
import * as u from './user-schemas.js';
import { logExportDestinationSchema } from '../config/log-export-schema.js';
import { logExportDestinationView } from './log-export.js';
import { alertDeliveryView, alertsView, alertWebhookView, putAlertWebhookBody } from './alerts.js';
import { alertRuleSchema } from '../config/alerts-schema.js';
import { deletedPromptView, promptVersionView, promptView, putPromptBody, rollbackPromptBody } from './prompts.js';

/**
 * The OpenAPI 3.1 document of the control plane, generated from the same zod
 * schemas the handlers validate with (`z.toJSONSchema`, JSON Schema 2020-12,
 * which OpenAPI 3.1 uses as is), so the document cannot drift from the code.
 * @see https://spec.openapis.org/oas/v3.1.0
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonSchema = Record<string, unknown>;

/** Request bodies are described as clients send them (`input`), responses as sent back (`output`). */
const REQUEST_BODIES = {
  CreateUpstream: s.createUpstreamBody,
  PatchUpstream: s.patchUpstreamBody,
  CreateCredential: s.createCredentialBody,
  SetCredentialState: setCredentialStateBody,
  CredentialOrder: s.credentialOrderBody,
  CreateModel: s.createModelBody,
  PutModel: s.putModelBody,
  CreateAlias: s.createAliasBody,
  PutAlias: s.putAliasBody,
  CreateRouter: s.createRouterBody,
  PutRouter: s.putRouterBody,
  CreateKey: s.createKeyBody,
  PatchKey: s.patchKeyBody,
  ScopeRule: scopeRuleBody,
  Price: priceSchema,
  CopilotPoll: s.copilotPollBody,
  CodexFinish: s.codexFinishBody,
  CodexImport: s.codexImportBody,
  ClaudeCodeFinish: s.claudeCodeFinishBody,
  ConfigDocument: configSchema,
  PatchSettings: patchSettingsBody,
  PlaygroundRequest: playgroundBody,
  PutHostedTools: putHostedToolsBody,
  SignIn: u.signInBody,
  ChangeOwnPassword: u.changeOwnPasswordBody,
  CreateUser: u.createUserBody,
  PatchUser: u.patchUserBody,
  SetPassword: u.setPasswordBody,
  CreateKeyRequest: u.createKeyRequestBody,
  DecideKeyRequest: u.decideKeyRequestBody,
  LogExportDestination: logExportDestinationSchema,
  AlertRule: alertRuleSchema,
  PutAlertWebhook: putAlertWebhookBody,
  PutPrompt: putPromptBody,
  RollbackPrompt: rollbackPromptBody,
} satisfies Record<string, z.ZodType>;

const RESPONSES = {
  Upstream: s.upstreamView,
  Credential: s.credentialView,
  PoolHealth: s.poolHealthView,
  CredentialHealth: s.credentialHealthView,
  CredentialCheck: s.credentialCheckView,
  Model: s.modelView,
  Alias: s.aliasView,
  Router: s.routerView,
  TierUsage: s.tierUsageView,
  Key: s.keyView,
  CreatedKey: s.createdKeyView,
  Deleted: s.deletedView,
  LimitsReport: limitsReportView,
  ScopeLimits: scopeStatusView,
  GroupLimits: groupStatusView,
  KeyLimits: keyStatusView,
  PriceEntry: priceEntryView,
  DeletedPrice: deletedPriceView,
  UsageReport: s.usageReportView,
  LogPage: s.logPageView,
  KeyPage: s.keyPageView,
  LogDetail: logDetailView,
  LogRow: s.logRecordView,
  PlaygroundRun: playgroundView,
  SecurityReport: securityReportView,
  Settings: settingsView,
  HostedTools: hostedToolsView,
  Error: s.errorView,
  ModelSync: s.modelSyncView,
  DeviceCode: s.deviceCodeView,
  LoginProgress: s.loginProgressView,
  CodexLogin: s.codexLoginView,
  ClaudeCodeLogin: s.claudeCodeLoginView,
  CacheStats: s.cacheStatsView,
  CachePurged: s.cachePurgedView,
  Overview: overviewView,
  ConfigExport: configSchema,
  ConfigImport: configImportView,
  Prompt: promptView,
  PromptVersion: promptVersionView,
  DeletedPrompt: deletedPromptView,
  AuditPage: auditPageView,
  Session: u.sessionView,
  SignedOut: z.object({ signedOut: z.literal(true) }),
  PasswordChanged: z.object({ changed: z.literal(true), signedOut: z.literal(true) }),
  User: u.userView,
  KeyRequest: u.keyRequestView,
  ClaimedKey: u.claimedKeyView,
  LogExportDestinationView: logExportDestinationView,
  Alerts: alertsView,
  AlertDelivery: alertDeliveryView,
  AlertWebhookView: alertWebhookView,
  AlertRuleView: alertRuleSchema,
  Performance: performanceView,
} satisfies Record<string, z.ZodType>;

type Component = keyof typeof REQUEST_BODIES | keyof typeof RESPONSES;

export interface Operation {
  method: Method;
  path: string;
  /**
   * Who may call it (principal.ts): `admin`, `member` (a member then sees only
   * their own things), or `public`. The guard (access.ts) enforces exactly this
   * field, and the document shows it, so the two cannot drift.
   */
  access: Access;
  tag: 'upstreams' | 'models' | 'keys' | 'usage' | 'logs' | 'overview' | 'config' | 'cache' | 'limits' | 'prices' | 'security' | 'audit' | 'hosted-tools' | 'users' | 'prompts';
  summary: string;
  body?: keyof typeof REQUEST_BODIES;
  query?: z.ZodObject;
  /** Success status and what it returns; `list` wraps it as `{data: [...]}`; `orCreated` adds a 201. */
  ok: { status: number; schema: keyof typeof RESPONSES; list?: boolean; orCreated?: boolean };
  /** Other media types the success answer may come in (chosen by a `format` query parameter), as text. */
  alsoProduces?: string[];
  /** The answer is only ever text in `alsoProduces` (ok.schema then names what its rows hold). */
  textOnly?: boolean;
  /** A request body that is also accepted as YAML text. */
  bodyAlsoYaml?: boolean;
  /** 502: the upstream or its sign-in server failed or refused. */
  errors: (400 | 404 | 409 | 502 | 501 | 503)[];
}

export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/cache', access: 'admin', tag: 'cache', summary: 'Response cache size: entries, bytes, hits', ok: { status: 200, schema: 'CacheStats' }, errors: [] },
  { method: 'delete', path: '/cache', access: 'admin', tag: 'cache', summary: 'Purge the response cache: all, or by model, client key or client cache key', query: s.cachePurgeQuery, ok: { status: 200, schema: 'CachePurged' }, errors: [400] },
  { method: 'get', path: '/upstreams', access: 'admin', tag: 'upstreams', summary: 'List upstreams, credentials masked', ok: { status: 200, schema: 'Upstream', list: true }, errors: [] },
  { method: 'post', path: '/upstreams', access: 'admin', tag: 'upstreams', summary: 'Create an upstream; credentials are encrypted at rest', body: 'CreateUpstream', ok: { status: 201, schema: 'Upstream' }, errors: [400, 409] },
  { method: 'get', path: '/upstreams/{id}', access: 'admin', tag: 'upstreams', summary: 'Get an upstream', ok: { status: 200, schema: 'Upstream' }, errors: [404] },
  { method: 'patch', path: '/upstreams/{id}', access: 'admin', tag: 'upstreams', summary: 'Change baseUrl, strategy, models, headers, timeouts or enabled', body: 'PatchUpstream', ok: { status: 200, schema: 'Upstream' }, errors: [400, 404] },
  { method: 'delete', path: '/upstreams/{id}', access: 'admin', tag: 'upstreams', summary: 'Delete an upstream no model route uses', ok: { status: 200, schema: 'Deleted' }, errors: [404, 409] },
  { method: 'post', path: '/upstreams/{id}/credentials', access: 'admin', tag: 'upstreams', summary: 'Add a credential to the pool', body: 'CreateCredential', ok: { status: 201, schema: 'Credential' }, errors: [400, 404, 409] },
  { method: 'get', path: '/health', access: 'admin', tag: 'upstreams', summary: "Every pool's credentials: state, reason, since, counters", ok: { status: 200, schema: 'PoolHealth', list: true }, errors: [] },
  { method: 'get', path: '/upstreams/{id}/health', access: 'admin', tag: 'upstreams', summary: "One pool's credentials: state, reason, since, counters", ok: { status: 200, schema: 'PoolHealth' }, errors: [404] },
  { method: 'post', path: '/upstreams/{id}/check', access: 'admin', tag: 'upstreams', summary: 'Run a validity check (a model listing) on every credential of the pool', ok: { status: 200, schema: 'CredentialCheck', list: true }, errors: [404] },
  { method: 'post', path: '/upstreams/{id}/credentials/{credentialId}/check', access: 'admin', tag: 'upstreams', summary: 'Run a validity check on one credential', ok: { status: 200, schema: 'CredentialCheck' }, errors: [404] },
  { method: 'post', path: '/upstreams/{id}/credentials/{credentialId}/disable', access: 'admin', tag: 'upstreams', summary: 'Take a credential out of the pool by hand (probes leave it alone)', body: 'SetCredentialState', ok: { status: 200, schema: 'CredentialHealth' }, errors: [400, 404] },
  { method: 'post', path: '/upstreams/{id}/credentials/{credentialId}/enable', access: 'admin', tag: 'upstreams', summary: 'Put a credential back into the pool as healthy', body: 'SetCredentialState', ok: { status: 200, schema: 'CredentialHealth' }, errors: [400, 404] },
  { method: 'put', path: '/upstreams/{id}/credentials/order', access: 'admin', tag: 'upstreams', summary: "Put the pool's credentials in a new order (the round-robin sequence and retry order)", body: 'CredentialOrder', ok: { status: 200, schema: 'Upstream' }, errors: [400, 404] },
  { method: 'delete', path: '/upstreams/{id}/credentials/{credentialId}', access: 'admin', tag: 'upstreams', summary: 'Remove a credential', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'post', path: '/upstreams/{id}/sync-models', access: 'admin', tag: 'upstreams', summary: "Ask the upstream for its models and store them as its `models` list", ok: { status: 200, schema: 'ModelSync' }, errors: [404, 502] },
  { method: 'post', path: '/upstreams/{id}/login/copilot/start', access: 'admin', tag: 'upstreams', summary: 'copilot: start the GitHub device flow; show userCode and verificationUri to the user', ok: { status: 200, schema: 'DeviceCode' }, errors: [400, 404, 502] },
  { method: 'post', path: '/upstreams/{id}/login/copilot/poll', access: 'admin', tag: 'upstreams', summary: 'copilot: poll the device flow once (every `interval` seconds); on approval the GitHub token is stored as a credential (201)', body: 'CopilotPoll', ok: { status: 200, schema: 'LoginProgress', orCreated: true }, errors: [400, 404, 502] },
  { method: 'post', path: '/upstreams/{id}/login/codex/start', access: 'admin', tag: 'upstreams', summary: 'codex: start a ChatGPT sign-in (OAuth with PKCE); open `url` in a browser', ok: { status: 200, schema: 'CodexLogin' }, errors: [400, 404] },
  { method: 'post', path: '/upstreams/{id}/login/codex/finish', access: 'admin', tag: 'upstreams', summary: 'codex: finish the sign-in with the URL the browser landed on; the tokens are stored as a credential', body: 'CodexFinish', ok: { status: 201, schema: 'LoginProgress' }, errors: [400, 404, 502] },
  { method: 'post', path: '/upstreams/{id}/login/claude-code/start', access: 'admin', tag: 'upstreams', summary: 'claude-code: start a Claude sign-in (OAuth with PKCE, as the Claude Code CLI); open `url` in a browser', ok: { status: 200, schema: 'ClaudeCodeLogin' }, errors: [400, 404] },
  { method: 'post', path: '/upstreams/{id}/login/claude-code/finish', access: 'admin', tag: 'upstreams', summary: 'claude-code: finish the sign-in with the code the page showed (`code#state`); the tokens are stored as a credential', body: 'ClaudeCodeFinish', ok: { status: 201, schema: 'LoginProgress' }, errors: [400, 404, 502] },
  { method: 'post', path: '/upstreams/{id}/import-codex', access: 'admin', tag: 'upstreams', summary: "codex: import the Codex CLI's ~/.codex/auth.json as a credential", body: 'CodexImport', ok: { status: 201, schema: 'LoginProgress' }, errors: [400, 404] },
  { method: 'get', path: '/models', access: 'admin', tag: 'models', summary: 'List models and their routes', ok: { status: 200, schema: 'Model', list: true }, errors: [] },
  { method: 'post', path: '/models', access: 'admin', tag: 'models', summary: 'Create a model', body: 'CreateModel', ok: { status: 201, schema: 'Model' }, errors: [400, 409] },
  { method: 'get', path: '/models/{id}', access: 'admin', tag: 'models', summary: 'Get a model', ok: { status: 200, schema: 'Model' }, errors: [404] },
  { method: 'put', path: '/models/{id}', access: 'admin', tag: 'models', summary: 'Replace the routes of a model, or create it (201)', body: 'PutModel', ok: { status: 200, schema: 'Model', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/models/{id}', access: 'admin', tag: 'models', summary: 'Delete a model', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/aliases', access: 'admin', tag: 'models', summary: 'List aliases and their targets', ok: { status: 200, schema: 'Alias', list: true }, errors: [] },
  { method: 'post', path: '/aliases', access: 'admin', tag: 'models', summary: 'Create an alias', body: 'CreateAlias', ok: { status: 201, schema: 'Alias' }, errors: [400, 409] },
  { method: 'get', path: '/aliases/{id}', access: 'admin', tag: 'models', summary: 'Get an alias', ok: { status: 200, schema: 'Alias' }, errors: [404] },
  { method: 'put', path: '/aliases/{id}', access: 'admin', tag: 'models', summary: 'Replace an alias, or create it (201)', body: 'PutAlias', ok: { status: 200, schema: 'Alias', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/aliases/{id}', access: 'admin', tag: 'models', summary: 'Delete an alias', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/routers', access: 'admin', tag: 'models', summary: 'List routers (tiers chosen by rules over the request)', ok: { status: 200, schema: 'Router', list: true }, errors: [] },
  { method: 'post', path: '/routers', access: 'admin', tag: 'models', summary: 'Create a router', body: 'CreateRouter', ok: { status: 201, schema: 'Router' }, errors: [400, 409] },
  { method: 'get', path: '/routers/{id}', access: 'admin', tag: 'models', summary: 'Get a router', ok: { status: 200, schema: 'Router' }, errors: [404] },
  { method: 'put', path: '/routers/{id}', access: 'admin', tag: 'models', summary: 'Replace a router, or create it (201)', body: 'PutRouter', ok: { status: 200, schema: 'Router', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/routers/{id}', access: 'admin', tag: 'models', summary: 'Delete a router', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/keys', access: 'member', tag: 'keys', summary: 'List client keys (revoked ones included unless filtered), all or a page', query: s.keysQuery, ok: { status: 200, schema: 'KeyPage' }, errors: [400] },
  { method: 'post', path: '/keys', access: 'member', tag: 'keys', summary: 'Create a client key; the plaintext is returned only here', body: 'CreateKey', ok: { status: 201, schema: 'CreatedKey' }, errors: [400, 409] },
  { method: 'get', path: '/keys/{id}', access: 'member', tag: 'keys', summary: 'Get a client key', ok: { status: 200, schema: 'Key' }, errors: [404] },
  { method: 'patch', path: '/keys/{id}', access: 'member', tag: 'keys', summary: 'Change group, models, limits or budget', body: 'PatchKey', ok: { status: 200, schema: 'Key' }, errors: [400, 404] },
  { method: 'delete', path: '/keys/{id}', access: 'member', tag: 'keys', summary: 'Revoke a client key (it stays listed)', ok: { status: 200, schema: 'Key' }, errors: [404] },
  { method: 'post', path: '/keys/{id}/revoke', access: 'member', tag: 'keys', summary: 'Revoke a client key (it stays listed)', ok: { status: 200, schema: 'Key' }, errors: [404] },
  { method: 'get', path: '/keys/{id}/limits', access: 'member', tag: 'limits', summary: "A key's own limits and budget with live counters (used, remaining, reset) and refusals", ok: { status: 200, schema: 'KeyLimits' }, errors: [404] },
  { method: 'get', path: '/limits', access: 'admin', tag: 'limits', summary: 'Gateway-wide and group limits with live counters; refused requests counted by reason', ok: { status: 200, schema: 'LimitsReport' }, errors: [] },
  { method: 'get', path: '/limits/global', access: 'admin', tag: 'limits', summary: 'Gateway-wide limits and budget with live counters', ok: { status: 200, schema: 'ScopeLimits' }, errors: [] },
  { method: 'put', path: '/limits/global', access: 'admin', tag: 'limits', summary: 'Set the gateway-wide limits and budget (a part left out is removed)', body: 'ScopeRule', ok: { status: 200, schema: 'ScopeLimits' }, errors: [400] },
  { method: 'get', path: '/limits/groups/{id}', access: 'admin', tag: 'limits', summary: "A group's limits and budget with live counters", ok: { status: 200, schema: 'GroupLimits' }, errors: [404] },
  { method: 'put', path: '/limits/groups/{id}', access: 'admin', tag: 'limits', summary: "Set a group's limits and budget (201 when new; both null removes the rule)", body: 'ScopeRule', ok: { status: 200, schema: 'GroupLimits', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/limits/groups/{id}', access: 'admin', tag: 'limits', summary: "Remove a group's limits and budget", ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/prices', access: 'admin', tag: 'prices', summary: 'The effective price table (shipped, config, admin) with where each price comes from', ok: { status: 200, schema: 'PriceEntry', list: true }, errors: [] },
  { method: 'get', path: '/prices/{model}', access: 'admin', tag: 'prices', summary: "A model's price in force", ok: { status: 200, schema: 'PriceEntry' }, errors: [404] },
  { method: 'put', path: '/prices/{model}', access: 'admin', tag: 'prices', summary: "Set a model's price (USD per million tokens); applies to the next request (201 when new)", body: 'Price', ok: { status: 200, schema: 'PriceEntry', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/prices/{model}', access: 'admin', tag: 'prices', summary: 'Remove an admin price; the config or shipped one applies again', ok: { status: 200, schema: 'DeletedPrice' }, errors: [404] },
  { method: 'get', path: '/usage', access: 'member', tag: 'usage', summary: 'Usage summed by key, group, model, upstream or prompt template', query: s.usageQuery, ok: { status: 200, schema: 'UsageReport' }, errors: [400] },
  { method: 'get', path: '/usage/tiers', access: 'admin', tag: 'usage', summary: "Requests to routers by tier, and the cost saved against each router's reference tier", query: s.tierUsageQuery, ok: { status: 200, schema: 'TierUsage' }, errors: [400] },
  { method: 'get', path: '/logs', access: 'member', tag: 'logs', summary: 'Request log, newest first', query: s.logsQuery, ok: { status: 200, schema: 'LogPage' }, errors: [400] },
  { method: 'get', path: '/logs/{id}', access: 'member', tag: 'logs', summary: 'One request log row, with its logged bodies (redacted) when body logging was on', ok: { status: 200, schema: 'LogDetail' }, errors: [404] },
  { method: 'get', path: '/security', access: 'admin', tag: 'security', summary: 'Failed admin and client auth and IP-allowlist refusals since start, by source and latest', ok: { status: 200, schema: 'SecurityReport' }, errors: [] },
  { method: 'get', path: '/settings', access: 'admin', tag: 'security', summary: 'IP allowlist, proxy trust and body logging settings', ok: { status: 200, schema: 'Settings' }, errors: [] },
  { method: 'patch', path: '/settings', access: 'admin', tag: 'security', summary: 'Change IP allowlist, proxy trust or body logging; only the fields given change', body: 'PatchSettings', ok: { status: 200, schema: 'Settings' }, errors: [400] },
  { method: 'get', path: '/hosted-tools', access: 'admin', tag: 'hosted-tools', summary: 'Web search and image generation served by the gateway (the search key masked)', ok: { status: 200, schema: 'HostedTools' }, errors: [] },
  { method: 'put', path: '/hosted-tools', access: 'admin', tag: 'hosted-tools', summary: 'Replace the hosted tools settings; a search key is sealed, and kept when none is sent for the same vendor', body: 'PutHostedTools', ok: { status: 200, schema: 'HostedTools' }, errors: [400] },
  { method: 'get', path: '/logs/export', access: 'member', tag: 'logs', summary: 'Every log row matching the filters, as CSV (default) or JSON Lines', query: logsExportQuery, ok: { status: 200, schema: 'LogPage' }, alsoProduces: ['text/csv', 'application/x-ndjson'], textOnly: true, errors: [400] },
  { method: 'get', path: '/live', access: 'member', tag: 'logs', summary: "Requests as they start, send their first byte and finish, on every replica, as server-sent events (`hello`, `started`, `first-byte`, `finished` with the log row, `gap`, `dropped`); bodies from /logs/{id}; a member sees only their own keys' requests", query: liveQuery, ok: { status: 200, schema: 'LogRow' }, alsoProduces: ['text/event-stream'], textOnly: true, errors: [400, 501, 503] },
  { method: 'post', path: '/playground', access: 'admin', tag: 'logs', summary: 'Send one request through the gateway as a client of the chosen shape (as a picked key, or the playground identity) and get both sides of the wire: client request and response (stream chunks as they arrived), each upstream try as sent and answered (credentials masked, 1 MB of bodies at most), and its log row', body: 'PlaygroundRequest', ok: { status: 200, schema: 'PlaygroundRun' }, errors: [400, 501] },
  { method: 'get', path: '/overview', access: 'admin', tag: 'overview', summary: 'Totals, error rate, cache hit ratio, p50 / p95 latency, a time series and top lists for a range', query: overviewQuery, ok: { status: 200, schema: 'Overview' }, errors: [400] },
  { method: 'get', path: '/config', access: 'admin', tag: 'config', summary: 'Export the configuration in the config file shape (credential keys as ${SB_CREDENTIAL_…} placeholders)', query: configExportQuery, ok: { status: 200, schema: 'ConfigExport' }, alsoProduces: ['application/yaml'], errors: [400] },
  { method: 'get', path: '/prompts', access: 'admin', tag: 'prompts', summary: 'List prompt templates at their published versions', ok: { status: 200, schema: 'Prompt', list: true }, errors: [] },
  { method: 'get', path: '/prompts/{name}', access: 'admin', tag: 'prompts', summary: 'Get a prompt template at its published version', ok: { status: 200, schema: 'Prompt' }, errors: [404] },
  { method: 'put', path: '/prompts/{name}', access: 'admin', tag: 'prompts', summary: 'Save a prompt template as its next version and publish it (201 when new)', body: 'PutPrompt', ok: { status: 200, schema: 'Prompt', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/prompts/{name}', access: 'admin', tag: 'prompts', summary: 'Delete a prompt template with every version', ok: { status: 200, schema: 'DeletedPrompt' }, errors: [404] },
  { method: 'get', path: '/prompts/{name}/versions', access: 'admin', tag: 'prompts', summary: "A prompt template's saved versions, newest first", ok: { status: 200, schema: 'PromptVersion', list: true }, errors: [404] },
  { method: 'post', path: '/prompts/{name}/rollback', access: 'admin', tag: 'prompts', summary: 'Publish a saved version again', body: 'RollbackPrompt', ok: { status: 200, schema: 'Prompt' }, errors: [400, 404] },
  { method: 'post', path: '/config', access: 'admin', tag: 'config', summary: 'Import a configuration (JSON or YAML): validated whole, then upserted; placeholders keep stored credentials', query: configImportQuery, body: 'ConfigDocument', bodyAlsoYaml: true, ok: { status: 200, schema: 'ConfigImport' }, errors: [400] },
  { method: 'get', path: '/audit', access: 'admin', tag: 'audit', summary: 'Audit log of admin API writes and dashboard sign-ins (who, what, which target, when, from where, outcome), newest first', query: auditQuery, ok: { status: 200, schema: 'AuditPage' }, errors: [400] },
  { method: 'post', path: '/session', access: 'public', tag: 'users', summary: 'Sign in with a name and password: sets the session cookie (HttpOnly, SameSite=Strict, 12 hours) and returns the CSRF token for writes', body: 'SignIn', ok: { status: 200, schema: 'Session' }, errors: [400] },
  { method: 'get', path: '/session', access: 'member', tag: 'users', summary: 'Who is calling: role, caps, the models a key may have, and the CSRF token of the session', ok: { status: 200, schema: 'Session' }, errors: [] },
  { method: 'delete', path: '/session', access: 'member', tag: 'users', summary: 'Sign out: the session ends on every replica', ok: { status: 200, schema: 'SignedOut' }, errors: [] },
  { method: 'put', path: '/session/password', access: 'member', tag: 'users', summary: 'Change your own password (the current one is asked); every session of yours ends', body: 'ChangeOwnPassword', ok: { status: 200, schema: 'PasswordChanged' }, errors: [400] },
  { method: 'get', path: '/users', access: 'admin', tag: 'users', summary: 'List users', ok: { status: 200, schema: 'User', list: true }, errors: [] },
  { method: 'post', path: '/users', access: 'admin', tag: 'users', summary: 'Create a user (admin or member) with a password and caps', body: 'CreateUser', ok: { status: 201, schema: 'User' }, errors: [400, 409] },
  { method: 'get', path: '/users/{id}', access: 'admin', tag: 'users', summary: 'Get a user', ok: { status: 200, schema: 'User' }, errors: [404] },
  { method: 'patch', path: '/users/{id}', access: 'admin', tag: 'users', summary: "Change a user's role, caps or disabled (disabling ends their sessions)", body: 'PatchUser', ok: { status: 200, schema: 'User' }, errors: [400, 404] },
  { method: 'put', path: '/users/{id}/password', access: 'admin', tag: 'users', summary: "Reset a user's password; their sessions end", body: 'SetPassword', ok: { status: 200, schema: 'User' }, errors: [400, 404] },
  { method: 'delete', path: '/users/{id}', access: 'admin', tag: 'users', summary: 'Delete a user: their sessions end and their keys are revoked', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'post', path: '/key-requests', access: 'member', tag: 'users', summary: 'Ask for a key beyond your caps, with a reason; an admin approves or rejects it', body: 'CreateKeyRequest', ok: { status: 201, schema: 'KeyRequest' }, errors: [400] },
  { method: 'get', path: '/key-requests', access: 'member', tag: 'users', summary: "Key requests, newest first: a member's own, or everyone's for an admin", query: u.keyRequestsQuery, ok: { status: 200, schema: 'KeyRequest', list: true }, errors: [400] },
  { method: 'get', path: '/key-requests/{id}', access: 'member', tag: 'users', summary: 'One key request and its state', ok: { status: 200, schema: 'KeyRequest' }, errors: [404] },
  { method: 'post', path: '/key-requests/{id}/approve', access: 'admin', tag: 'users', summary: "Approve a pending request, with a note: the key is made for the member, its secret fetched once by them (claim)", body: 'DecideKeyRequest', ok: { status: 200, schema: 'KeyRequest' }, errors: [400, 404, 409] },
  { method: 'post', path: '/key-requests/{id}/reject', access: 'admin', tag: 'users', summary: 'Reject a pending request, with a note', body: 'DecideKeyRequest', ok: { status: 200, schema: 'KeyRequest' }, errors: [400, 404, 409] },
  { method: 'post', path: '/key-requests/{id}/claim', access: 'member', tag: 'users', summary: "The member who asked fetches the approved key's secret: shown once, then only its hash is kept", ok: { status: 200, schema: 'ClaimedKey' }, errors: [404, 409] },
  { method: 'get', path: '/log-export', access: 'admin', tag: 'logs', summary: "Log export destinations (secrets masked) with this process's figures: queued, sent, dropped", ok: { status: 200, schema: 'LogExportDestinationView', list: true }, errors: [] },
  { method: 'post', path: '/log-export', access: 'admin', tag: 'logs', summary: 'Add a log export destination (Splunk HEC, Datadog, Elastic, JSON lines over HTTP, a rotating file)', body: 'LogExportDestination', ok: { status: 201, schema: 'LogExportDestinationView' }, errors: [400, 409] },
  { method: 'put', path: '/log-export/{id}', access: 'admin', tag: 'logs', summary: 'Replace a log export destination, or create it (201)', body: 'LogExportDestination', ok: { status: 200, schema: 'LogExportDestinationView', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/log-export/{id}', access: 'admin', tag: 'logs', summary: 'Remove a log export destination (what waits for it is dropped)', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'get', path: '/alerts', access: 'admin', tag: 'logs', summary: 'Alert rules (with how many firings each has open), webhooks (URLs masked), open firings, the latest firings and deliveries', ok: { status: 200, schema: 'Alerts' }, errors: [] },
  { method: 'put', path: '/alerts/rules/{id}', access: 'admin', tag: 'logs', summary: 'Create or replace an alert rule', body: 'AlertRule', ok: { status: 200, schema: 'AlertRuleView', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/alerts/rules/{id}', access: 'admin', tag: 'logs', summary: 'Delete an alert rule (its open firings resolve without a message)', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'put', path: '/alerts/webhooks/{id}', access: 'admin', tag: 'logs', summary: 'Create or replace an alert webhook (stored encrypted); on an edit a blank or absent url and absent headers keep the stored ones', body: 'PutAlertWebhook', ok: { status: 200, schema: 'AlertWebhookView', orCreated: true }, errors: [400] },
  { method: 'delete', path: '/alerts/webhooks/{id}', access: 'admin', tag: 'logs', summary: 'Delete an alert webhook', ok: { status: 200, schema: 'Deleted' }, errors: [404] },
  { method: 'post', path: '/alerts/webhooks/{id}/test', access: 'admin', tag: 'logs', summary: 'Send a test message to a webhook (with its retries) and record the delivery', ok: { status: 200, schema: 'AlertDelivery' }, errors: [404] },
  { method: 'get', path: '/performance', access: 'admin', tag: 'overview', summary: 'Time to first token and time per output token (p50 / p95) of streamed requests, by model or upstream, over time', query: performanceQuery, ok: { status: 200, schema: 'Performance' }, errors: [400] },
];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; the message lists every problem as `path: message`',
  401: 'Missing or wrong admin key, an ended session, or (signing in) a wrong name or password',
  403: 'A write a browser marks as sent from another site (`Sec-Fetch-Site`), refused whatever the key; a write signed in by the session cookie without its `X-CSRF-Token`; or a member calling an admin-only route, or going past a cap the admin set',
  429: 'Too many wrong admin keys or passwords from this address: try again after `Retry-After` seconds; the key is not looked at meanwhile',
  404: 'No such id',
  409: 'Already exists, or still in use',
  502: 'The upstream or its sign-in server failed or refused; the message says what it answered',
  501: 'Not served on this platform (Workers)',
  503: 'Too many at once; try again later',
};

const ACCESS_DESCRIPTIONS: Record<Access, string> = {
  admin: 'Access: admin (the admin key or an admin user); a member is refused with 403.',
  member: "Access: member (any signed-in user, and admins); a member sees and changes only their own things, and another member's is a 404.",
  public: 'Access: public (no sign-in).',
};

let cached: JsonSchema | undefined;

export function openApiDocument(): JsonSchema {
  cached ??= build();
  return cached;
}

function build(): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(REQUEST_BODIES)) schemas[name] = jsonSchema(schema, 'input');
  for (const [name, schema] of Object.entries(RESPONSES)) schemas[name] = jsonSchema(schema, 'output');

  const paths: Record<string, Record<string, unknown>> = {
    '/openapi.json': {
      get: { tags: ['meta'], summary: 'This document', operationId: 'getOpenapi', 'x-switchboard-access': 'public', security: [], responses: { '200': { description: 'OpenAPI 3.1 document' } } },
    },
  };
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);

  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard admin API',
      version: '1',
      description: 'The control plane: upstreams, credentials, models, client keys, usage and request logs. Changes take effect on the next request.',
    },
    servers: [{ url: '/admin/api' }],
    security: [{ adminKey: [] }, { session: [] }],
    tags: ['upstreams', 'models', 'keys', 'usage', 'logs', 'overview', 'config', 'cache', 'limits', 'prices', 'security', 'audit', 'hosted-tools', 'users', 'prompts', 'meta'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        adminKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <admin key>' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'A user\'s session from POST /session; writes must also carry the session\'s CSRF token as X-CSRF-Token',
        },
      },
      schemas,
    },
  };
}

function operation(op: Operation): JsonSchema {
  const ref = (name: Component) => ({ $ref: `#/components/schemas/${name}` });
  const json = (schema: unknown) => ({ 'application/json': { schema } });
  const okSchema = op.ok.list
    ? { type: 'object', properties: { data: { type: 'array', items: ref(op.ok.schema) } }, required: ['data'] }
    : ref(op.ok.schema);
  const okContent: Record<string, unknown> = op.textOnly ? {} : json(okSchema);
  for (const type of op.alsoProduces ?? []) okContent[type] = { schema: { type: 'string' } };
  const responses: Record<string, unknown> = { [String(op.ok.status)]: { description: 'OK', content: okContent } };
  if (op.ok.orCreated) responses['201'] = { description: 'Created', content: json(okSchema) };
  // Every guarded operation is guarded alike (access.ts): 401 without the key or a session, 429 after wrong ones,
  // 403 for a write from another site or without the CSRF token, and for a member on an admin-only route.
  const guard = op.access === 'public' && op.method === 'get' ? [] : [401, 403, 429];
  for (const status of [...op.errors, ...guard])
    responses[String(status)] = { description: ERROR_DESCRIPTIONS[status], content: json(ref('Error')) };

  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'URL-encoded when it holds `/` or `#`',
  }));
  const queryParams = Object.entries(op.query?.shape ?? {}).map(([name, schema]) => {
    const { description, ...rest } = jsonSchema(schema as z.ZodType, 'input');
    return { name, in: 'query', required: false, schema: rest, ...(description ? { description } : {}) };
  });

  return {
    tags: [op.tag],
    summary: op.summary,
    description: `${ACCESS_DESCRIPTIONS[op.access]}\n\n${op.summary}.`,
    'x-switchboard-access': op.access,
    ...(op.access === 'public' ? { security: [] } : {}),
    operationId: operationId(op),
    ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { ...json(ref(op.body)), ...(op.bodyAlsoYaml ? { 'application/yaml': { schema: ref(op.body) } } : {}) } } }
      : {}),
    responses,
  };
}

/** `get /upstreams/{id}` -> `getUpstreamsById`. */
function operationId(op: Operation): string {
  const words = op.path.split('/').filter(Boolean).map((part) => part.replace(/^\{(\w+)\}$/, 'by-$1'));
  return op.method + words.join('-').replace(/(^|-)(\w)/g, (_m, _dash, c: string) => c.toUpperCase());
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}
