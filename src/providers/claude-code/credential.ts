import type { OAuthTokens } from '../token-sessions.js';

/**
 * A claude-code credential, stored as one secret (sealed like every
 * credential): either the JSON of a sign-in's tokens, refreshed as they
 * expire, or a bare access token such as the long-lived one `claude
 * setup-token` prints (`sk-ant-oat01-…`, valid about a year), used as it is.
 * `expires_at` is epoch milliseconds.
 */
export interface ClaudeCodeCredential extends OAuthTokens {
  /** The signed-in account's e-mail, when the token answer named it (for the label). */
  email?: string;
}

/** Reads a stored secret: JSON tokens, or a bare token. Throws naming the missing field. */
export function parseClaudeCodeCredential(secret: string): ClaudeCodeCredential {
  const text = secret.trim();
  if (!text.startsWith('{')) {
    if (text === '' || /\s/.test(text)) throw new Error('claude-code credential: must be an access token (sk-ant-oat01-…) or the JSON of the sign-in tokens');
    return { access_token: text };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('claude-code credential: must be an access token (sk-ant-oat01-…) or the JSON of the sign-in tokens');
  }
  return claudeCodeCredentialOf(value);
}

/**
 * The tokens as a credential, from a stored secret, a token answer
 * (`expires_in` already made `expires_at`), or Claude Code's own
 * `~/.claude/.credentials.json` (`claudeAiOauth: {accessToken, refreshToken, expiresAt}`).
 */
export function claudeCodeCredentialOf(value: unknown): ClaudeCodeCredential {
  let v = record(value);
  if (v.claudeAiOauth !== undefined) {
    const o = record(v.claudeAiOauth);
    v = { access_token: o.accessToken, refresh_token: o.refreshToken, expires_at: o.expiresAt };
  }
  const text = (name: string) => (typeof v[name] === 'string' && v[name] !== '' ? (v[name] as string) : undefined);
  const access = text('access_token');
  if (!access) throw new Error('claude-code credential: access_token is missing');
  const refresh = text('refresh_token');
  const email = text('email') ?? emailOf(v.account);
  return {
    access_token: access,
    ...(refresh ? { refresh_token: refresh } : {}),
    ...(typeof v.expires_at === 'number' ? { expires_at: v.expires_at } : {}),
    ...(email ? { email } : {}),
  };
}

export function serializeClaudeCodeCredential(c: ClaudeCodeCredential): string {
  return JSON.stringify(c);
}

/** A label to show: the account's e-mail when known, else what kind of token it is. */
export function claudeCodeLabelOf(c: ClaudeCodeCredential): string {
  if (c.email) return `claude-code ${c.email}`;
  return c.refresh_token ? 'claude-code sign-in' : 'claude-code setup token';
}

/** The token answer's `account: {uuid, email_address}`. */
function emailOf(account: unknown): string | undefined {
  const email = record(account).email_address;
  return typeof email === 'string' && email !== '' ? email : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
