import { base64url } from '../protocols/base64url.js';
import type { Store } from '../store/store.js';
import { MissingSecretError, type SecretBox } from './secrets.js';
import { toHex } from './keys.js';

/**
 * One-line agent setup links: `GET /setup/<token>/<agent>.sh` (or `.ps1`)
 * answers a script that writes a coding agent's settings with a client key
 * (gateway/agent-setup/). A token is made when a key is created and holds
 * that key's plaintext, sealed with the gateway secret, for a short time
 * (SETUP_TOKEN_TTL_MS by default); it is served once, by whichever replica
 * is asked first (Store['setupTokens'].take), and then it is gone.
 *
 * Why the key is made with the token rather than when the link is used:
 * keys are stored as hashes, so the plaintext exists only when a key is
 * created. Sealing that one key keeps making keys an admin's act (an
 * unauthenticated GET never creates one, nor picks its name, group, models
 * or limits from a stored template), the admin sees the key it gave away in
 * the list at once (and can revoke it), and a link used or expired holds
 * nothing. The cost: the plaintext is at rest, sealed, until the link is
 * used or expires, and making a link needs a gateway secret.
 */

/** How long a link is served by default: long enough to paste it into another machine's shell. */
export const SETUP_TOKEN_TTL_MS = 15 * 60_000;

/** The agents a link sets up, as named in its path (`/setup/<token>/claude.sh`). */
export const SETUP_AGENTS = ['claude', 'codex', 'gemini', 'opencode'] as const;
export type SetupAgent = (typeof SETUP_AGENTS)[number];

/** `sbs_` and 32 random bytes in base64url: not guessable, and safe in a URL path and in a shell word. */
const TOKEN_PREFIX = 'sbs_';
const TOKEN_PATTERN = /^sbs_[A-Za-z0-9_-]{43}$/;

export interface SetupLink {
  token: string;
  expiresAt: number;
}

/** Makes a link for a key just created (its plaintext is known only now); needs the gateway secret to seal it. */
export async function mintSetupToken(store: Store, secrets: SecretBox, key: string, now: number, ttlMs = SETUP_TOKEN_TTL_MS): Promise<SetupLink> {
  if (!secrets.canSeal) throw new MissingSecretError('one-line setup links cannot be made');
  const token = TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
  const expiresAt = now + ttlMs;
  await store.setupTokens.put({ id: await tokenId(token), sealed: await secrets.encrypt(JSON.stringify({ key })), expiresAt }, now);
  return { token, expiresAt };
}

/**
 * The key a link holds, taken from the store so it is never served again;
 * undefined for a token that is malformed, unknown, used, expired, or
 * sealed under a secret the gateway no longer has.
 */
export async function redeemSetupToken(store: Store['setupTokens'], secrets: SecretBox, token: string, now: number): Promise<string | undefined> {
  if (!TOKEN_PATTERN.test(token) || !secrets.canSeal) return undefined;
  const record = await store.take(await tokenId(token), now);
  if (!record) return undefined;
  try {
    const { key } = JSON.parse(await secrets.decrypt(record.sealed)) as { key?: unknown };
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The one-liners of a link, per agent: `curl … | sh` and PowerShell's `irm … | iex`. */
export function setupCommands(baseUrl: string, token: string): Record<SetupAgent, { sh: string; ps1: string }> {
  const url = (agent: SetupAgent, ext: string) => `${baseUrl}/setup/${token}/${agent}.${ext}`;
  const entry = (agent: SetupAgent) => ({ sh: `curl -fsSL ${url(agent, 'sh')} | sh`, ps1: `irm ${url(agent, 'ps1')} | iex` });
  return { claude: entry('claude'), codex: entry('codex'), gemini: entry('gemini'), opencode: entry('opencode') };
}

/** The stored id: the token's SHA-256, so the table does not hold working links. */
async function tokenId(token: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}
