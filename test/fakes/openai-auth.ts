// Fake OpenAI sign-in server for the Codex upstream: POST /oauth/token for the
// authorization-code exchange (form, checking the PKCE verifier against the
// challenge of the authorize URL) and for refresh (JSON; refresh tokens are
// single-use and rotate, as OpenAI's do). Tokens are JWT-shaped, carrying the
// ChatGPT account id claim and `exp`.
import { createHash, randomBytes } from 'node:crypto';
import type { FakeUpstream } from './server.js';
import { sendJson, startFakeServer } from './server.js';

export const FAKE_ACCOUNT_ID = 'acct-fake-0001';
export const FAKE_EMAIL = 'dev@example.com';

export interface FakeOpenAIAuth extends FakeUpstream {
  /** Plays the browser: reads the authorize URL, "signs in" and returns the URL the browser lands on. */
  authorize(authorizeUrl: string): string;
  /** Mints tokens directly (as an earlier sign-in did), e.g. for an auth.json. */
  mint(accessTtlSeconds?: number): { access_token: string; refresh_token: string; id_token: string };
  /** Access tokens issued and still valid. */
  isLiveAccessToken(token: string): boolean;
  /** Refresh grants served. */
  refreshCount(): number;
  /** Lifetime of access tokens issued from now on, seconds. */
  setAccessTtl(seconds: number): void;
}

function jwt(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
}

export async function startFakeOpenAIAuth(): Promise<FakeOpenAIAuth> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const liveRefresh = new Set<string>();
  const access = new Map<string, number>();
  let ttl = 3600;
  const counts = { refreshes: 0 };

  const mint = (accessTtl = ttl) => {
    const exp = Math.floor(Date.now() / 1000) + accessTtl;
    const auth = { 'https://api.openai.com/auth': { chatgpt_account_id: FAKE_ACCOUNT_ID, chatgpt_plan_type: 'plus' } };
    const accessToken = jwt({ exp, jti: randomBytes(8).toString('hex'), ...auth });
    const refreshToken = `rt_${randomBytes(16).toString('hex')}`;
    access.set(accessToken, exp);
    liveRefresh.add(refreshToken);
    return { access_token: accessToken, refresh_token: refreshToken, id_token: jwt({ exp, email: FAKE_EMAIL, ...auth }) };
  };

  const server = await startFakeServer({
    headers: () => ({}),
    errorFor: (status) => ({ body: { error: 'server_error', error_description: `fake error ${status}` } }),
    async handle(ctx) {
      if (ctx.call.method !== 'POST' || ctx.url.pathname !== '/oauth/token') return sendJson(ctx, 404, { error: 'not_found' });
      const json = ctx.req.headers['content-type']?.startsWith('application/json');
      const params: Record<string, string> = json ? (ctx.call.body ?? {}) : Object.fromEntries(new URLSearchParams(ctx.call.rawBody));
      if (params.client_id !== 'app_EMoamEEZ73f0CkXaXp7hrann') return sendJson(ctx, 401, { error: 'invalid_client' });
      if (params.grant_type === 'authorization_code') {
        const pending = codes.get(params.code ?? '');
        if (!pending) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'unknown code' });
        const challenge = createHash('sha256').update(params.code_verifier ?? '').digest('base64url');
        if (challenge !== pending.challenge) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match the challenge' });
        if (params.redirect_uri !== pending.redirectUri) return sendJson(ctx, 400, { error: 'invalid_grant', error_description: 'redirect_uri differs' });
        codes.delete(params.code ?? '');
        return sendJson(ctx, 200, { ...mint(), token_type: 'Bearer', expires_in: ttl });
      }
      if (params.grant_type === 'refresh_token') {
        if (!liveRefresh.delete(params.refresh_token ?? ''))
          return sendJson(ctx, 401, { error: 'invalid_grant', error_description: 'refresh token already used or unknown' });
        counts.refreshes += 1;
        return sendJson(ctx, 200, { ...mint(), token_type: 'Bearer', expires_in: ttl });
      }
      return sendJson(ctx, 400, { error: 'unsupported_grant_type' });
    },
  });

  return Object.assign(server, {
    refreshCount: () => counts.refreshes,
    mint,
    setAccessTtl: (seconds: number) => void (ttl = seconds),
    isLiveAccessToken: (token: string) => (access.get(token) ?? 0) * 1000 > Date.now(),
    authorize(authorizeUrl: string) {
      const url = new URL(authorizeUrl);
      const q = url.searchParams;
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) throw new Error('authorize: no S256 challenge');
      if (q.get('client_id') !== 'app_EMoamEEZ73f0CkXaXp7hrann') throw new Error('authorize: wrong client id');
      const code = `ac_${randomBytes(12).toString('hex')}`;
      const redirectUri = q.get('redirect_uri') ?? '';
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri });
      return `${redirectUri}?code=${code}&scope=${encodeURIComponent(q.get('scope') ?? '')}&state=${q.get('state') ?? ''}`;
    },
  });
}
