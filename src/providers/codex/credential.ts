/**
 * A Codex credential: the ChatGPT sign-in tokens, stored as one JSON secret
 * (sealed like every credential). `expires_at` is epoch milliseconds; when
 * absent it is read from the access token's `exp` claim.
 */
export interface CodexCredential {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  account_id: string;
  expires_at?: number;
}

/** Reads a stored secret; throws naming the missing field. */
export function parseCodexCredential(secret: string): CodexCredential {
  let value: unknown;
  try {
    value = JSON.parse(secret);
  } catch {
    throw new Error('codex credential: must be the JSON of the sign-in tokens');
  }
  return codexCredentialOf(value);
}

/**
 * The tokens as a credential, from a stored secret, a token answer, or the
 * `tokens` object of the Codex CLI's `~/.codex/auth.json`. The account id is
 * read from the tokens' ChatGPT claim when it is not given.
 */
export function codexCredentialOf(value: unknown): CodexCredential {
  const v = (value ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof v[name] === 'string' && v[name] !== '' ? (v[name] as string) : undefined);
  const access = text('access_token');
  const refresh = text('refresh_token');
  if (!access) throw new Error('codex credential: access_token is missing');
  if (!refresh) throw new Error('codex credential: refresh_token is missing');
  const idToken = text('id_token');
  const account = text('account_id') ?? accountIdOf(idToken) ?? accountIdOf(access);
  if (!account) throw new Error('codex credential: account_id is missing and not in the tokens');
  const expiresAt = typeof v.expires_at === 'number' ? v.expires_at : expiryOf(access);
  return {
    access_token: access,
    refresh_token: refresh,
    ...(idToken ? { id_token: idToken } : {}),
    account_id: account,
    ...(expiresAt !== undefined ? { expires_at: expiresAt } : {}),
  };
}

export function serializeCodexCredential(c: CodexCredential): string {
  return JSON.stringify(c);
}

/** A label to show for the credential: the account's e-mail when the id token carries one. */
export function codexLabelOf(c: CodexCredential): string {
  const email = claimsOf(c.id_token)?.email;
  return typeof email === 'string' ? `codex ${email}` : `codex ${c.account_id}`;
}

/** The ChatGPT account id OpenAI puts in its tokens under `https://api.openai.com/auth`. */
function accountIdOf(jwt: string | undefined): string | undefined {
  const auth = claimsOf(jwt)?.['https://api.openai.com/auth'] as Record<string, unknown> | undefined;
  const id = auth?.chatgpt_account_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function expiryOf(jwt: string): number | undefined {
  const exp = claimsOf(jwt)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/** A JWT's claims, unverified: only used to read what the sign-in server told us. */
function claimsOf(jwt: string | undefined): Record<string, unknown> | undefined {
  const payload = jwt?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0))));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
