import { writeFileSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { createSecretBox } from '../../policy/secrets.js';
import { openProxy } from '../../policy/sealed-proxy.js';
import { findSecret } from '../../platform/node/local-secrets.js';
import { openStore } from '../../platform/node/open-store.js';
import { planResealing } from '../../policy/reseal-other-secrets.js';

export const SECRET_HELP = `switchboard secret rotate --new-secret-env NAME [--config PATH]

Re-encrypts every stored upstream credential under a new secret, in one
transaction, and then the upstreams' proxy URLs, the alert webhooks, the log
export destinations and the hosted web search key: each is opened with the
current secret (the config file's \`secret\`, else <data folder>/secret) and
sealed with the new one, read from the environment variable NAME (at least
16 characters). If any of them cannot be opened, nothing changes. Stored responses are not re-encrypted:
under the new secret they read as not found, and go at the end of their
retention.

Then give the gateway the new secret (set the variable the config's \`secret\`
names, e.g. SWITCHBOARD_SECRET, to the new value) and restart it. Steps in
docs/security.md.`;

const MIN_SECRET = 16;

export async function secretCommand(config: Config, action: string | undefined, options: { newSecretEnv?: string }, env: NodeJS.ProcessEnv): Promise<void> {
  if (action !== 'rotate') throw new Error(`secret: expected "rotate"\n\n${SECRET_HELP}`);
  const name = options.newSecretEnv;
  if (!name) throw new Error(`secret rotate: --new-secret-env NAME is required (the new secret is read from that environment variable, never from the command line, where other users could see it)`);
  const next = env[name];
  if (!next) throw new Error(`secret rotate: environment variable ${name} is not set`);
  if (next.length < MIN_SECRET) throw new Error(`secret rotate: the new secret in ${name} must be at least ${MIN_SECRET} characters`);
  const current = findSecret(config);
  if (current.kind === 'none') throw new Error(`secret rotate: there is no current secret (no \`secret\` in the config file, no ${current.path}), so nothing is sealed under one`);
  if (current.value === next) throw new Error(`secret rotate: ${name} holds the current secret; give the new one`);

  const store = await openStore(config.storage.url);
  try {
    const [oldBox, newBox] = await Promise.all([createSecretBox(current.value), createSecretBox(next)]);
    const updates: { id: string; secretEnc: string }[] = [];
    const failures: string[] = [];
    for (const upstream of await store.upstreams.list()) {
      for (const credential of upstream.credentials) {
        try {
          updates.push({ id: credential.id, secretEnc: await newBox.encrypt(await oldBox.decrypt(credential.secretEnc)) });
        } catch (err) {
          failures.push(`  upstream ${upstream.id}, credential ${credential.id}: ${(err as Error).message}`);
        }
      }
    }
    // Upstreams' proxy URLs are sealed too (policy/sealed-proxy.ts); one still plain is sealed in passing.
    const proxies: { id: string; from: string; to: string }[] = [];
    for (const upstream of await store.upstreams.list()) {
      const stored = upstream.settings?.proxy;
      if (stored === undefined) continue;
      try {
        proxies.push({ id: upstream.id, from: stored, to: await newBox.encrypt(await openProxy(oldBox, stored)) });
      } catch (err) {
        failures.push(`  upstream ${upstream.id}, its proxy: ${(err as Error).message}`);
      }
    }
    const others = await planResealing(store, oldBox, newBox, Date.now());
    failures.push(...others.failures);
    if (failures.length > 0)
      throw new Error(`secret rotate: nothing was changed; these credentials do not open with the current secret:\n${failures.join('\n')}\nDelete or re-add them (admin API), then rotate again.`);
    await store.upstreams.resealCredentials(updates);
    await store.upstreams.resealProxies(proxies);
    await others.write();

    const { webhooks, destinations, searchKeys } = others.counts;
    const also = [
      [proxies.length, 'proxy URL(s)'],
      [webhooks, 'alert webhook(s)'],
      [destinations, 'log export destination(s)'],
      [searchKeys, 'web search key'],
    ].filter(([n]) => Number(n) > 0).map(([n, what]) => `${n} ${what}`);
    console.log(`Re-encrypted ${updates.length} credential(s)${also.length > 0 ? `, ${also.join(', ')}` : ''} under the new secret.`);
    if (current.kind === 'file') {
      // The gateway reads this file when the config has no `secret`; it must hold the new one now.
      writeFileSync(current.path, `${next}\n`, { mode: 0o600 });
      console.log(`Wrote the new secret to ${current.path}, where the gateway read the old one.`);
      console.log(`Better: put \`secret: \${SWITCHBOARD_SECRET}\` in the config, set SWITCHBOARD_SECRET to it, and delete ${current.path}.`);
    } else {
      console.log('Next: set the variable your config\'s `secret` names (e.g. SWITCHBOARD_SECRET) to the new secret, then restart the gateway.');
      console.log('Until then a running gateway keeps the credentials it already decrypted; do not add credentials through it meanwhile.');
    }
  } finally {
    await store.close();
  }
}
