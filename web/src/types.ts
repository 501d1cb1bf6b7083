/**
 * What the admin API answers and takes, as the page reads and sends it: each
 * type is inferred from the server's own zod schema, the one that also makes
 * the OpenAPI document. The imports are type-only, so nothing of the server
 * is bundled (the linter refuses any other import from src/), and
 * `npm run typecheck` fails when the page reads a field the API no longer has
 * or sends one it does not take.
 */
import type { z } from 'zod';
import type {
  aliasView,
  cacheStatsView,
  claudeCodeLoginView,
  codexLoginView,
  createKeyBody,
  createModelBody,
  createUpstreamBody,
  createdKeyView,
  credentialCheckView,
  credentialView,
  deviceCodeView,
  keyView,
  loginProgressView,
  logRecordView,
  modelSyncView,
  modelView,
  patchKeyBody,
  patchUpstreamBody,
  poolHealthView,
  putModelBody,
  routerView,
  tierUsageView,
  upstreamView,
  usageReportView,
} from '../../src/admin/schemas.js';
import type { keyBudgetSchema, keyLimitsSchema, STRATEGIES, UPSTREAM_KINDS } from '../../src/config/schema.js';
import type { overviewView } from '../../src/admin/overview.js';
import type { performanceView } from '../../src/admin/performance.js';
import type { keyStatusView, limitsReportView, scopeRuleBody, scopeStatusView } from '../../src/admin/limits.js';
import type { logDetailView } from '../../src/admin/logs.js';
import type { playgroundView } from '../../src/admin/playground.js';
import type { priceEntryView } from '../../src/admin/prices.js';
import type { securityReportView } from '../../src/admin/security.js';
import type { patchSettingsBody, settingsView } from '../../src/admin/settings.js';
import type { configImportView } from '../../src/admin/config-io.js';
import type { promptVersionView, promptView, putPromptBody } from '../../src/admin/prompts.js';
import type { alertDeliveryView, alertFiringView, alertRuleStateView, alertsView, alertWebhookView, putAlertWebhookBody } from '../../src/admin/alerts.js';
import type { alertRuleSchema, ALERT_KINDS } from '../../src/config/alerts-schema.js';

/** A list answer; paged lists also say whether more follow. */
export interface Page<T> {
  data: T[];
  hasMore?: boolean;
  total?: number;
}

// ---- answers ---------------------------------------------------------------

export type Overview = z.output<typeof overviewView>;
export type TopRow = Overview['top']['key'][number];
export type Performance = z.output<typeof performanceView>;

export type Key = z.output<typeof keyView>;
export type CreatedKey = z.output<typeof createdKeyView>;
export type KeyLimits = z.output<typeof keyLimitsSchema>;
export type KeyBudget = z.output<typeof keyBudgetSchema>;
export type KeyStatus = z.output<typeof keyStatusView>;

export type UsageReport = z.output<typeof usageReportView>;
export type TierUsage = z.output<typeof tierUsageView>;
export type Router = z.output<typeof routerView>;
export type Alias = z.output<typeof aliasView>;
export type AliasTarget = Alias['targets'][number];
export type UsageRow = UsageReport['rows'][number];

export type Upstream = z.output<typeof upstreamView>;
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number];
export type Strategy = (typeof STRATEGIES)[number];
export type UpstreamSettings = NonNullable<Upstream['settings']>;
export type Credential = z.output<typeof credentialView>;
export type PoolHealth = z.output<typeof poolHealthView>;
export type CredentialHealth = PoolHealth['credentials'][number];
export type CredentialCheck = z.output<typeof credentialCheckView>;
export type ModelSync = z.output<typeof modelSyncView>;
export type DeviceCode = z.output<typeof deviceCodeView>;
export type LoginProgress = z.output<typeof loginProgressView>;
export type CodexLogin = z.output<typeof codexLoginView>;
export type ClaudeCodeLogin = z.output<typeof claudeCodeLoginView>;

export type Model = z.output<typeof modelView>;
export type Route = Model['routes'][number];
export type PriceEntry = z.output<typeof priceEntryView>;

export type LogRow = z.output<typeof logRecordView>;
export type LogDetail = z.output<typeof logDetailView>;
export type Attempt = NonNullable<LogRow['attempts']>[number];

export type LimitsReport = z.output<typeof limitsReportView>;
export type ScopeStatus = z.output<typeof scopeStatusView>;

export type GatewaySettings = z.output<typeof settingsView>;
export type SecurityReport = z.output<typeof securityReportView>;
export type CacheStats = z.output<typeof cacheStatsView>;
export type ConfigImport = z.output<typeof configImportView>;
export type Prompt = z.output<typeof promptView>;
export type PromptVersion = z.output<typeof promptVersionView>;

// ---- request bodies (what the API accepts, before its defaults) -------------

export type NewUpstream = z.input<typeof createUpstreamBody>;
export type UpstreamPatch = z.input<typeof patchUpstreamBody>;
export type NewModel = z.input<typeof createModelBody>;
export type ModelRoutes = z.input<typeof putModelBody>;
export type NewKey = z.input<typeof createKeyBody>;
export type KeyPatch = z.input<typeof patchKeyBody>;
export type ScopeRule = z.input<typeof scopeRuleBody>;
export type SettingsPatch = z.input<typeof patchSettingsBody>;
export type PromptSpecBody = z.input<typeof putPromptBody>;
export type PlaygroundRun = z.output<typeof playgroundView>;

// ---- alerts ----------------------------------------------------------------

export type AlertsReport = z.output<typeof alertsView>;
export type AlertRuleState = z.output<typeof alertRuleStateView>;
export type AlertWebhookState = z.output<typeof alertWebhookView>;
export type AlertFiring = z.output<typeof alertFiringView>;
export type AlertDelivery = z.output<typeof alertDeliveryView>;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** What PUT /alerts/rules/{id} and /alerts/webhooks/{id} take (the id is in the path). */
export type AlertRuleBody = Omit<z.input<typeof alertRuleSchema>, 'id'>;
export type AlertWebhookBody = z.input<typeof putAlertWebhookBody>;
