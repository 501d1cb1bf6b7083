import type { AlertWebhook } from '../config/alerts-schema.js';
import type { AlertFiringRecord } from '../store/types.js';
import type { Delivery } from '../delivery/deliver.js';

export type AlertEvent = 'firing' | 'resolved' | 'test';

/**
 * A firing as a webhook gets it: `json`, the firing as an object; `slack`,
 * a message Slack's incoming webhooks take (`text`, shown in notifications
 * and where blocks cannot be, and `blocks`: a header, a section in mrkdwn
 * and a context line).
 * @see https://api.slack.com/messaging/webhooks
 * @see https://api.slack.com/reference/block-kit/blocks
 */
export function alertMessage(webhook: AlertWebhook, event: AlertEvent, firing: AlertFiringRecord): Delivery {
  const label = event === 'firing' ? 'FIRING' : event === 'resolved' ? 'RESOLVED' : 'TEST';
  const scope = firing.scope === '' ? 'the gateway' : firing.scope;
  const body =
    webhook.format === 'slack'
      ? {
          text: `[${label}] ${firing.ruleId}: ${firing.message}`,
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: `[${label}] ${firing.ruleId}`.slice(0, 150) } },
            { type: 'section', text: { type: 'mrkdwn', text: firing.message.slice(0, 3000) } },
            {
              type: 'context',
              elements: [{ type: 'mrkdwn', text: `${firing.kind} · ${scope} · since ${new Date(firing.startedAt).toISOString()}${firing.resolvedAt ? ` · resolved ${new Date(firing.resolvedAt).toISOString()}` : ''}` }],
            },
          ],
        }
      : {
          event,
          rule: firing.ruleId,
          kind: firing.kind,
          scope: firing.scope,
          value: firing.value,
          threshold: firing.threshold,
          message: firing.message,
          firingId: firing.id,
          startedAt: new Date(firing.startedAt).toISOString(),
          resolvedAt: firing.resolvedAt === null ? null : new Date(firing.resolvedAt).toISOString(),
        };
  return { url: webhook.url, headers: { 'content-type': 'application/json', ...webhook.headers }, body: JSON.stringify(body) };
}
