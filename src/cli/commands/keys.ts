import type { Store } from '../../store/store.js';
import { displayPrefix, generateClientKey, hashClientKey, newId } from '../../policy/keys.js';
import { table } from '../table.js';
import { keyResponsesSchema, type KeyResponses } from '../../config/schema.js';
import { requireSecretForStoring } from '../../stored-responses/stored-response.js';
import { MissingSecretError, type SecretBox } from '../../policy/secrets.js';
import { mintSetupToken, setupCommands } from '../../policy/setup-tokens.js';
import type { Config } from '../../config/schema.js';

export const KEYS_HELP = `switchboard keys <create|list|revoke> [--config PATH]

  keys create --name NAME [--group GROUP] [--models a,b,c] [--store-responses DAYS] [--setup]
      Creates a client key and prints it once; only its hash is stored.
      --store-responses keeps its Responses answers (sealed with the secret)
      for DAYS, for previous_response_id (docs/responses.md).
      --setup also prints one-line agent setups (curl … | sh, irm … | iex) for
      Claude Code, Codex CLI, Gemini CLI and opencode: one link, served once,
      for 15 minutes, at server.publicUrl (else http://HOST:PORT of the config).
  keys list
      Lists keys (prefix, name, group, models, created, revoked).
  keys revoke NAME_OR_ID
      Revokes a key; a running gateway refuses it within a few seconds.`;

export async function keysCommand(
  store: Store,
  action: string | undefined,
  args: string[],
  options: { name?: string; group?: string; models?: string; 'store-responses'?: string; setup?: boolean },
  /** Whether the gateway has a secret to seal stored responses with. */
  canSeal = false,
  /** For --setup: the gateway secret's box (to seal the key into the link) and the gateway's base URL. */
  setup?: { secrets: () => Promise<SecretBox>; baseUrl: string },
): Promise<void> {
  switch (action) {
    case 'create': {
      if (!options.name) throw new Error('keys create: --name is required');
      const keys = await store.keys.list();
      if (keys.some((k) => k.name === options.name)) throw new Error(`keys create: a key named "${options.name}" exists`);
      const plain = generateClientKey();
      const models = options.models ? options.models.split(',').map((m) => m.trim()).filter(Boolean) : null;
      const responses = storedResponsesOption(options['store-responses'], canSeal);
      // The link holds the key sealed: refused before the key is made.
      if (options.setup && (!canSeal || !setup)) throw new MissingSecretError('keys create --setup: one-line setup links cannot be made');
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
      if (options.setup && setup) {
        const link = await mintSetupToken(store, await setup.secrets(), plain, Date.now());
        const commands = setupCommands(setup.baseUrl, link.token);
        const lines = Object.entries(commands).map(([agent, c]) => `  ${agent}:\n    ${c.sh}\n    ${c.ps1}`);
        console.log(`Set up an agent with it in one line (one of these, once, until ${new Date(link.expiresAt).toISOString()}):\n\n${lines.join('\n')}\n`);
      }
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

/** The gateway's base URL for links the CLI prints: server.publicUrl, else the address the config listens on. */
export function configuredBaseUrl(config: Config): string {
  if (config.server.publicUrl) return config.server.publicUrl.replace(/\/+$/, '');
  const { host, port } = config.server;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
