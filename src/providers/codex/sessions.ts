import type { UpstreamRecord } from '../../store/types.js';
import type { HttpClient } from '../http.js';
import type { ProviderDeps } from '../provider.js';
import { REFRESH_MARGIN_MS } from './constants.js';
import { parseCodexCredential, serializeCodexCredential, type CodexCredential } from './credential.js';
import { refreshCodexTokens } from './oauth.js';

/**
 * Keeps Codex access tokens fresh. A token within a few minutes of expiry
 * (or one the backend refused) is refreshed once, however many requests
 * wait for it, and the rotated tokens are written back to the credential
 * before use: the old refresh token is dead from then on. Until the catalog
 * reloads, requests still carrying the old secret get the new tokens from here.
 */
export class CodexSessions {
  /** Latest tokens, by the refresh token of the secret they replaced. */
  private readonly rotated = new Map<string, CodexCredential>();
  private readonly pending = new Map<string, Promise<CodexCredential>>();

  constructor(
    private readonly http: HttpClient,
    private readonly deps: ProviderDeps,
    private readonly now: () => number = Date.now,
  ) {}

  /** Usable tokens for a stored secret, refreshed first when expired or nearly so. */
  async fresh(upstream: UpstreamRecord, secret: string, credentialId: string | undefined): Promise<CodexCredential> {
    const stored = parseCodexCredential(secret);
    const current = this.latest(stored);
    if (current.expires_at === undefined || current.expires_at - REFRESH_MARGIN_MS > this.now()) return current;
    return this.refresh(upstream, secret, credentialId, current);
  }

  /** After a 401: refresh now, unless another request already did since `used` was handed out. */
  async refused(upstream: UpstreamRecord, secret: string, credentialId: string | undefined, used: CodexCredential): Promise<CodexCredential> {
    const current = this.latest(parseCodexCredential(secret));
    if (current.access_token !== used.access_token) return current;
    return this.refresh(upstream, secret, credentialId, current);
  }

  private latest(stored: CodexCredential): CodexCredential {
    let current = stored;
    // Follow the chain: a secret may be two rotations behind.
    for (let next = this.rotated.get(current.refresh_token); next; next = this.rotated.get(current.refresh_token)) current = next;
    return current;
  }

  private refresh(upstream: UpstreamRecord, secret: string, credentialId: string | undefined, current: CodexCredential): Promise<CodexCredential> {
    const key = current.refresh_token;
    let running = this.pending.get(key);
    if (!running) {
      running = (async () => {
        // Its own time limit, never one client's signal: a refresh cut off after the server rotated the token would lose the credential.
        const next = await refreshCodexTokens(this.http, upstream, current, AbortSignal.timeout(upstream.timeouts.firstByteMs));
        this.rotated.set(key, next);
        if (this.deps.saveCredentialSecret) {
          await this.deps
            .saveCredentialSecret({ upstreamId: upstream.id, credentialId, previous: secret, next: serializeCodexCredential(next) })
            .catch((err: unknown) => this.deps.log?.(`codex ${upstream.id}: refreshed tokens could not be stored: ${String(err)}`));
        }
        return next;
      })().finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    return running;
  }
}
