import type { Store } from '../../store/store.js';
import { displayPrefix, generateClientKey, hashClientKey, newId } from '../../policy/keys.js';
import { table } from '../table.js';
import { keyResponsesSchema, type KeyResponses } from '../../config/schema.js';
import { requireSecretForStoring } from '../../stored-responses/stored-response.js';

export const KEYS_HELP = `switchboard keys <create|list|revoke> [--config PATH]

  keys create --name NAME [--group GROUP] [--models a,b,c] [--store-responses DAYS]
      Creates a client key and prints it once; only its hash is stored.
      --store-responses keeps its Responses answers (sealed with the secret)
      for DAYS, for previous_response_id (docs/responses.md).
  keys list
      Lists keys (prefix, name, group, models, created, revoked).
  keys revoke NAME_OR_ID
      Revokes a key; a running gateway refuses it within a few seconds.`;

export async function keysCommand(
  store: Store,
  action: string | undefined,
  args: string[],
  options: { name?: string; group?: string; models?: string; 'store-responses'?: string },
  /** Whether the gateway has a secret to seal stored responses with. */
  canSeal = false,
): Promise<void> {
  switch (action) {
    case 'create': {
      if (!options.name) throw new Error('keys create: --name is required');
      const keys = await store.keys.list();
      if (keys.some((k) => k.name === options.name)) throw new Error(`keys create: a key named "${options.name}" exists`);
      const plain = generateClientKey();
      const models = options.models ? options.models.split(',').map((m) => m.trim()).filter(Boolean) : null;
      const responses = storedResponsesOption(options['store-responses'], canSeal);
      await store.keys.put({
        id: newId('key'),
        name: options.name,
        hash: await hashClientKey(plain),
        prefix: displayPrefix(plain),
        group: options.group ?? 'default',
        models,
        limits: null,
        budget: null,
        responses,
        source: 'cli',
        createdAt: Date.now(),
        revokedAt: null,
      });
      console.log(`Created key "${options.name}" in group "${options.group ?? 'default'}". It is shown only this once:\n\n  ${plain}\n`);
      return;
    }
    case 'list': {
      const keys = await store.keys.list();
      console.log(
        table(
          ['id', 'name', 'group', 'prefix', 'models', 'created', 'revoked'],
          keys.map((k) => [
            k.id,
            k.name,
            k.group,
            k.prefix,
            k.models ? k.models.join(',') : 'all',
            new Date(k.createdAt).toISOString().slice(0, 16).replace('T', ' '),
            k.revokedAt ? new Date(k.revokedAt).toISOString().slice(0, 16).replace('T', ' ') : '',
          ]),
        ),
      );
      return;
    }
    case 'revoke': {
      const target = args[0];
      if (!target) throw new Error('keys revoke: name the key (name or id)');
      const key = (await store.keys.list()).find((k) => k.id === target || k.name === target);
      if (!key) throw new Error(`keys revoke: no key named or with id "${target}"`);
      if (key.revokedAt !== null) throw new Error(`keys revoke: "${key.name}" was already revoked`);
      await store.keys.revoke(key.id, Date.now());
      console.log(`Revoked key "${key.name}" (${key.prefix}).`);
      return;
    }
    default:
      throw new Error(`keys: expected create, list or revoke\n\n${KEYS_HELP}`);
  }
}

/** `--store-responses DAYS`: stored responses for that many days; they are sealed, so only with a secret. */
function storedResponsesOption(days: string | undefined, canSeal: boolean): KeyResponses | null {
  if (days === undefined) return null;
  const retentionDays = Number(days);
  const parsed = keyResponsesSchema.safeParse({ store: true, retentionDays });
  if (!parsed.success) throw new Error(`keys create: --store-responses must be a whole number of days from 1 to 3650, not "${days}"`);
  return requireSecretForStoring(parsed.data, canSeal, 'keys create');
}
