import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { configSchema, hostedToolsSchema } from '../../src/config/schema.js';
import { secretCommand } from '../../src/cli/commands/secret.js';
import { createSecretBox } from '../../src/policy/secrets.js';
import { loadSettings, saveSettings } from '../../src/policy/gateway-settings.js';
import { loadWebhooks, saveWebhook } from '../../src/alerts/webhooks.js';
import { loadDestinations, saveDestination } from '../../src/log-export/destinations.js';
import { logExportDestinationSchema } from '../../src/config/log-export-schema.js';
import { sealHostedTools } from '../../src/admin/hosted-tools.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import { tempDir } from '../helpers/gateway.js';
import type { Store } from '../../src/store/store.js';

/**
 * `secret rotate` re-seals what the gateway keeps sealed besides credentials
 * and proxies: alert webhooks, log export destinations and the hosted web
 * search key. Run in-process on a real SQLite file (test/security/secret-rotate
 * runs the CLI itself over credentials).
 */
const OLD = 'old-secret-0123456789-abcdefghij';
const NEW = 'new-secret-9876543210-zyxwvutsrq';
const WEBHOOK = { id: 'ops', url: 'https://hooks.example.com/services/T000/B000/secret-path', format: 'slack' as const, headers: { authorization: 'Bearer hook-token' }, enabled: true };
const DESTINATION = { id: 'siem', kind: 'splunk-hec', url: 'https://splunk.example.com:8088', token: 'hec-token-1234' };
const SEARCH_KEY = 'tvly-search-key-5678';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function seeded(secret: string) {
  const url = `sqlite:${join(tempDir(), 'rotate-others.db')}`;
  store = await openSqliteStore(url);
  const box = await createSecretBox(secret);
  await saveWebhook(store, box, WEBHOOK, 1);
  await saveDestination(store, box, logExportDestinationSchema.parse(DESTINATION), 1);
  const hostedTools = await sealHostedTools(hostedToolsSchema.parse({ webSearch: { provider: 'tavily', apiKey: SEARCH_KEY } }), box);
  await saveSettings(store, { hostedTools });
  await store.close();
  store = undefined;
  return configSchema.parse({ secret, storage: { url } });
}

async function reopened(url: string, secret: string) {
  store = await openSqliteStore(url);
  const box = await createSecretBox(secret);
  const logged: string[] = [];
  const log = (m: string) => void logged.push(m);
  const settings = await loadSettings(store);
  const key = settings.hostedTools.webSearch?.apiKey;
  return {
    webhooks: await loadWebhooks(store, box, log),
    destinations: await loadDestinations(store, box, log),
    searchKey: key === undefined ? undefined : await box.decrypt(key).catch(() => 'does not open'),
    logged,
  };
}

describe('secret rotate, beyond credentials', () => {
  it('re-seals alert webhooks, log export destinations and the web search key under the new secret', async () => {
    const config = await seeded(OLD);
    await secretCommand(config, 'rotate', { newSecretEnv: 'ROTATE_NEW' }, { ROTATE_NEW: NEW });
    const seen = await reopened(config.storage.url, NEW);
    expect(seen.logged).toEqual([]);
    expect(seen.webhooks).toEqual([WEBHOOK]);
    expect(seen.destinations.map((d) => ({ id: d.id, token: (d as { token?: string }).token }))).toEqual([{ id: 'siem', token: 'hec-token-1234' }]);
    expect(seen.searchKey).toBe(SEARCH_KEY);
  });

  it('changes nothing when one of them does not open with the current secret', async () => {
    const config = await seeded(OLD);
    const wrong = configSchema.parse({ secret: 'not-the-secret-that-sealed-them', storage: { url: config.storage.url } });
    await expect(secretCommand(wrong, 'rotate', { newSecretEnv: 'ROTATE_NEW' }, { ROTATE_NEW: NEW })).rejects.toThrow(/nothing was changed[\s\S]*alert webhook ops[\s\S]*log export destination siem[\s\S]*web search key/);
    const seen = await reopened(config.storage.url, OLD);
    expect(seen.webhooks).toEqual([WEBHOOK]);
    expect(seen.searchKey).toBe(SEARCH_KEY);
  });
});
