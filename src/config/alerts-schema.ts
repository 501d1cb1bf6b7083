import { z } from 'zod';
import { deliveryRetrySchema, endpointUrl, recordId } from './delivery-fields.js';

/**
 * Alerts (docs/alerts.md): rules over the gateway's own figures, evaluated
 * by a job, fired once across replicas to webhooks (alerts/).
 */
export const ALERT_KINDS = ['error-rate', 'latency-p95', 'limit-refusals', 'budget', 'credential-disabled', 'upstream-benched'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The rules read from the request log, which can be split per model, upstream, key or group. */
export const LOG_ALERT_KINDS: readonly AlertKind[] = ['error-rate', 'latency-p95', 'limit-refusals'];

export const ALERT_DIMENSIONS = ['model', 'upstream', 'key', 'group'] as const;
export type AlertDimension = (typeof ALERT_DIMENSIONS)[number];

export const alertScopeSchema = z
  .strictObject({
    model: z.string().min(1).optional().describe('A public model id.'),
    upstream: z.string().min(1).optional().describe('An upstream id.'),
    key: z.string().min(1).optional().describe('A key by name.'),
    group: z.string().min(1).optional().describe('A group, with its narrowings (`team-a` covers `team-a/<sub>`).'),
  })
  .describe('Only the requests (or budgets, credentials) of this model, upstream, key and group; absent: all.');

export const alertRuleSchema = z
  .strictObject({
    id: recordId.describe('Names the rule in messages, the admin API and the dashboard.'),
    kind: z
      .enum(ALERT_KINDS)
      .describe(
        '`error-rate`: share of requests not `ok`; `latency-p95`: p95 latency, ms; `limit-refusals`: requests the gateway refused with 429 (rate limits and budgets); `budget`: share of a budget spent; `credential-disabled`: a credential disabled (threshold unused); `upstream-benched`: every enabled credential of an upstream cooling down or disabled (threshold unused).',
      ),
    threshold: z
      .number()
      .min(0)
      .default(0)
      .describe('Fires at or above this: a share 0–1 (error-rate; budget: 0.8 is 80 %, 1 is spent), ms (latency-p95), a count (limit-refusals).'),
    windowMinutes: z.number().int().min(1).max(1440).default(5).describe('The window the request-log rules look back over.'),
    minRequests: z.number().int().min(1).default(10).describe('error-rate and latency-p95 judge a window only with at least this many requests.'),
    per: z
      .enum(ALERT_DIMENSIONS)
      .optional()
      .describe(
        'Fire separately for each model, upstream, key or group (request-log rules); for `budget`, which budgets: each `key`\'s or `group`\'s; absent: the gateway\'s budget, or the whole window.',
      ),
    scope: alertScopeSchema.default({}),
    webhooks: z.array(recordId).default([]).describe('Webhook ids it is sent to; empty: every webhook.'),
    enabled: z.boolean().default(true).describe('false: not evaluated (an open firing of it resolves).'),
  })
  .superRefine((rule, ctx) => {
    if (rule.kind === 'error-rate' && rule.threshold > 1) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'an error rate is a share from 0 to 1' });
    if ((rule.kind === 'limit-refusals' || rule.kind === 'latency-p95') && rule.threshold <= 0)
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${rule.kind} needs a threshold above 0` });
    if (rule.kind === 'error-rate' && rule.threshold <= 0) ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'an error rate threshold is a share above 0' });
    if (rule.kind === 'budget' && (rule.threshold <= 0 || rule.threshold > 1))
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a budget threshold is a share above 0 and at most 1 (0.8 is 80 %)' });
    if (rule.kind === 'budget' && rule.per !== undefined && rule.per !== 'key' && rule.per !== 'group')
      ctx.addIssue({ code: 'custom', path: ['per'], message: 'budgets are per key or per group (absent: the gateway\'s)' });
    if ((rule.kind === 'credential-disabled' || rule.kind === 'upstream-benched') && rule.per !== undefined)
      ctx.addIssue({ code: 'custom', path: ['per'], message: `${rule.kind} fires per ${rule.kind === 'credential-disabled' ? 'credential' : 'upstream'} already` });
  });

export const ALERT_FORMATS = ['json', 'slack'] as const;

export const alertWebhookSchema = z.strictObject({
  id: recordId.describe('Names the webhook in rules and the admin API.'),
  url: endpointUrl.describe('Where firings are POSTed.'),
  format: z
    .enum(ALERT_FORMATS)
    .default('json')
    .describe('`json`: the firing as a JSON object; `slack`: a Slack-compatible message (`text` and `blocks`), for incoming webhooks of Slack and the chat tools that take its shape.'),
  headers: z.record(z.string().min(1), z.string()).default({}).describe('Sent with every message (an `Authorization`, say).'),
  enabled: z.boolean().default(true).describe('false: nothing is sent to it.'),
});

export const alertsSchema = z.strictObject({
  evaluateEverySeconds: z.number().int().min(1).max(3600).default(30).describe('How often the rules are evaluated (by every replica; each firing is sent by one).'),
  retry: deliveryRetrySchema.prefault({}).describe('Tries of one message to one webhook.'),
  webhooks: z.array(alertWebhookSchema).default([]).describe('Upserted by id at start (webhooks the admin API made stay).'),
  rules: z.array(alertRuleSchema).default([]).describe('Upserted by id at start (rules the admin API made stay).'),
});

export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertScope = z.infer<typeof alertScopeSchema>;
export type AlertWebhook = z.infer<typeof alertWebhookSchema>;
export type AlertsSettings = z.infer<typeof alertsSchema>;
