// Fake GitHub for Copilot: the OAuth device flow (POST /login/device/code,
// POST /login/oauth/access_token) and the Copilot token exchange
// (GET /copilot_internal/v2/token with `Authorization: token <gh>`).
// https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
import { randomBytes } from 'node:crypto';
import type { FakeUpstream, RequestContext } from './server.js';
import { sendJson, startFakeServer } from './server.js';

export interface FakeGitHub extends FakeUpstream {
  /** Copilot tokens issued so far (one per exchange), newest last, with their expiry (epoch s). */
  issued: { token: string; expiresAt: number }[];
  /** The GitHub token the device flow hands out. */
  githubToken: string;
  /** How long the next Copilot tokens live, in seconds. */
  setTokenTtl(seconds: number): void;
  /** Makes every Copilot token issued so far stop working (as a revocation would). */
  revokeIssued(): void;
  /** Whether a Copilot token was issued here, was not revoked and has not expired. */
  isLiveCopilotToken(token: string): boolean;
}

export interface FakeGitHubOptions {
  /** The Copilot API the exchange points at (`endpoints.api`). */
  copilotApiUrl: string;
  /** Polls answered `authorization_pending` before the token is given. */
  pendingPolls?: number;
  /** Answer one `slow_down` (with this new interval, seconds) after the first pending poll. */
  slowDownInterval?: number;
  /** The device flow's polling interval, seconds. */
  interval?: number;
}

export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const githubToken = `gho_${randomBytes(18).toString('hex')}`;
  const deviceCode = `dc_${randomBytes(10).toString('hex')}`;
  const issued: FakeGitHub['issued'] = [];
  let polls = 0;
  let ttl = 1800;
  const revoked = new Set<string>();
  const form = (ctx: RequestContext) => new URLSearchParams(ctx.call.rawBody);

  const server = await startFakeServer({
    headers: () => ({ 'x-github-request-id': randomBytes(8).toString('hex') }),
    errorFor: (status) => ({ body: { message: `fake error ${status}` } }),
    async handle(ctx) {
      const { pathname } = ctx.url;
      if (ctx.call.method === 'POST' && pathname === '/login/device/code') {
        const body = form(ctx);
        if (!body.get('client_id')) return sendJson(ctx, 404, { error: 'Not Found' });
        return sendJson(ctx, 200, {
          device_code: deviceCode,
          user_code: 'ABCD-1234',
          verification_uri: 'https://github.com/login/device',
          expires_in: 900,
          interval: opts.interval ?? 0,
        });
      }
      if (ctx.call.method === 'POST' && pathname === '/login/oauth/access_token') {
        const body = form(ctx);
        if (body.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:device_code') return sendJson(ctx, 200, { error: 'unsupported_grant_type' });
        if (body.get('device_code') !== deviceCode) return sendJson(ctx, 200, { error: 'incorrect_device_code', error_description: 'The device_code provided is not valid.' });
        polls += 1;
        if (opts.slowDownInterval !== undefined && polls === 2)
          return sendJson(ctx, 200, { error: 'slow_down', error_description: 'Too many requests have been made in the same timeframe.', interval: opts.slowDownInterval });
        if (polls <= (opts.pendingPolls ?? 0) + (opts.slowDownInterval !== undefined ? 1 : 0))
          return sendJson(ctx, 200, { error: 'authorization_pending', error_description: 'The authorization request is still pending.' });
        return sendJson(ctx, 200, { access_token: githubToken, token_type: 'bearer', scope: 'read:user' });
      }
      if (ctx.call.method === 'GET' && pathname === '/copilot_internal/v2/token') {
        if (ctx.req.headers.authorization !== `token ${githubToken}`) return sendJson(ctx, 401, { message: 'Bad credentials' });
        const expiresAt = Math.floor(Date.now() / 1000) + ttl;
        const token = `tid=${randomBytes(8).toString('hex')};exp=${expiresAt};sku=free`;
        issued.push({ token, expiresAt });
        return sendJson(ctx, 200, { token, expires_at: expiresAt, refresh_in: Math.max(ttl - 300, 0), endpoints: { api: opts.copilotApiUrl } });
      }
      return sendJson(ctx, 404, { message: 'Not Found' });
    },
  });
  return Object.assign(server, {
    issued,
    githubToken,
    setTokenTtl: (seconds: number) => void (ttl = seconds),
    revokeIssued: () => issued.forEach((t) => revoked.add(t.token)),
    isLiveCopilotToken: (token: string) => !revoked.has(token) && issued.some((t) => t.token === token && t.expiresAt * 1000 > Date.now()),
  });
}
