import { alertWebhookSchema, type AlertWebhook } from '../config/alerts-schema.js';
import type { SecretBox } from '../policy/secrets.js';
import type { Store } from '../store/store.js';

/**
 * Alert webhooks as the Store keeps them: the config's JSON, sealed with the
 * gateway secret (a Slack webhook's URL is its own credential). One that no
 * longer opens (the secret changed) is logged and left out.
 */
export async function loadWebhooks(store: Store, box: SecretBox, log: (message: string) => void): Promise<AlertWebhook[]> {
  const out: AlertWebhook[] = [];
  for (const record of await store.alerts.webhooks.list()) {
    try {
      out.push(alertWebhookSchema.parse(JSON.parse(await box.decrypt(record.sealed))));
    } catch (err) {
      log(`alerts: webhook ${record.id} cannot be read (was the secret changed?): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

/** Stores a webhook sealed; an unchanged one is not written again. */
export async function saveWebhook(store: Store, box: SecretBox, webhook: AlertWebhook, at: number): Promise<void> {
  const json = JSON.stringify(webhook);
  const old = (await store.alerts.webhooks.list()).find((r) => r.id === webhook.id);
  if (old && (await box.decrypt(old.sealed).catch(() => undefined)) === json) return;
  await store.alerts.webhooks.put({ id: webhook.id, sealed: await box.encrypt(json), updatedAt: at });
}

/** What the admin API shows of a webhook: where it goes, not the secret part of its URL, nor header values. */
export function webhookView(webhook: AlertWebhook) {
  return {
    id: webhook.id,
    url: maskUrl(webhook.url),
    format: webhook.format,
    headers: Object.keys(webhook.headers),
    enabled: webhook.enabled,
  };
}

/** The origin and the path's last four characters: enough to tell webhooks apart, not to post to one. */
export function maskUrl(url: string): string {
  const u = new URL(url);
  const rest = `${u.pathname}${u.search}`;
  return rest.length <= 1 ? u.origin : `${u.origin}/…${rest.slice(-4)}`;
}
