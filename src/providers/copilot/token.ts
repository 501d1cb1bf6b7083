import type { UpstreamRecord } from '../../store/types.js';
import type { HttpClient } from '../http.js';
import { joinUrl } from '../provider.js';
import { recordOf, requestJson } from '../upstream-json.js';
import { COPILOT_API_URL, EDITOR_HEADERS, GITHUB_API_URL } from './constants.js';

/** A short-lived Copilot token and where to use it. */
export interface CopilotToken {
  token: string;
  /** The Copilot API base URL (`endpoints.api` of the answer). */
  apiUrl: string;
  /** Epoch ms when the token stops working. */
  expiresAt: number;
  /** Epoch ms after which a new one is fetched. */
  refreshAt: number;
}

/** Refresh at least this long before expiry, so a token never dies mid-request. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Copilot tokens by GitHub token, in memory. A GitHub OAuth token is
 * exchanged at `GET {githubApiUrl}/copilot_internal/v2/token`
 * (`Authorization: token <gh>`), which answers `{token, expires_at (unix s),
 * refresh_in (s), endpoints: {api}}`; the Copilot token is reused until
 * `refresh_in` has passed or expiry is near. Concurrent requests share one exchange.
 */
export class CopilotTokens {
  private readonly cache = new Map<string, CopilotToken>();
  private readonly pending = new Map<string, Promise<CopilotToken>>();

  constructor(
    private readonly http: HttpClient,
    private readonly now: () => number = Date.now,
  ) {}

  async get(upstream: UpstreamRecord, githubToken: string): Promise<CopilotToken> {
    const cached = this.cache.get(githubToken);
    if (cached && this.now() < cached.refreshAt) return cached;
    let exchange = this.pending.get(githubToken);
    if (!exchange) {
      // Shared by every request waiting for it: its own time limit, never one client's signal (a client that leaves must not fail the others).
      exchange = this.exchange(upstream, githubToken, AbortSignal.timeout(upstream.timeouts.firstByteMs)).finally(() => this.pending.delete(githubToken));
      this.pending.set(githubToken, exchange);
    }
    return exchange;
  }

  /** Forgets a token the Copilot API refused, so the next call exchanges again. */
  forget(githubToken: string): void {
    this.cache.delete(githubToken);
  }

  private async exchange(upstream: UpstreamRecord, githubToken: string, signal: AbortSignal): Promise<CopilotToken> {
    const base = upstream.settings?.auth?.githubApiUrl ?? GITHUB_API_URL;
    const answer = recordOf(
      await requestJson(
        this.http,
        // GitHub gets none of the headers configured for the Copilot API.
        { headers: {}, timeouts: upstream.timeouts },
        { url: joinUrl(base, '/copilot_internal/v2/token'), headers: { ...EDITOR_HEADERS, authorization: `token ${githubToken}` } },
        signal,
      ),
    );
    if (typeof answer.token !== 'string' || answer.token === '') throw new Error('copilot token exchange: the answer has no token');
    const now = this.now();
    const expiresAt = typeof answer.expires_at === 'number' ? answer.expires_at * 1000 : now + 25 * 60_000;
    const refreshIn = typeof answer.refresh_in === 'number' ? answer.refresh_in * 1000 : Infinity;
    const apiUrl = recordOf(answer.endpoints).api;
    const token: CopilotToken = {
      token: answer.token,
      apiUrl: typeof apiUrl === 'string' && apiUrl !== '' ? apiUrl : (upstream.baseUrl ?? COPILOT_API_URL),
      expiresAt,
      refreshAt: Math.min(now + refreshIn, expiresAt - EXPIRY_MARGIN_MS),
    };
    this.cache.set(githubToken, token);
    return token;
  }
}
