import type { UpstreamRecord } from '../store/types.js';
import type { HttpClient } from './http.js';
import type { ProviderDeps } from './provider.js';
import { inProcessLocks, type Locks } from '../store/locks.js';

/** What a signed-in credential holds at least: an access token, and a refresh token when it can be refreshed. */
export interface OAuthTokens {
  access_token: string;
  refresh_token?: string;
  /** Epoch milliseconds; absent: not known (used until refused). */
  expires_at?: number;
}

/** How one kind reads, writes and refreshes its tokens. */
export interface TokenKind<T extends OAuthTokens> {
  /** Names the lock and the log lines (`codex`, `claude-code`). */
  name: string;
  parse(secret: string): T;
  serialize(tokens: T): string;
  refresh(http: HttpClient, upstream: UpstreamRecord, current: T, signal: AbortSignal): Promise<T>;
  /** Refresh an access token this long before it expires. */
  marginMs: number;
}

/**
 * Keeps signed-in access tokens fresh (codex, claude-code). A token within
 * the margin of expiry (or one the upstream refused) is refreshed once,
 * however many requests wait for it, and the new tokens are written back to
 * the credential before use: a rotated refresh token kills the old one.
 * Until the catalog reloads, requests still carrying the old secret get the
 * new tokens from here. Across replicas the refresh holds a lock
 * (`deps.locks`) and first re-reads the stored credential, so a replica that
 * waited uses what the first stored. Tokens without a refresh token (a
 * long-lived setup token) are used as they are.
 */
export class TokenSessions<T extends OAuthTokens> {
  /** Latest tokens, by the refresh token of the secret they replaced. */
  private readonly rotated = new Map<string, T>();
  private readonly pending = new Map<string, Promise<T>>();
  private readonly locks: Locks;

  constructor(
    private readonly kind: TokenKind<T>,
    private readonly http: HttpClient,
    private readonly deps: ProviderDeps,
    private readonly now: () => number = Date.now,
  ) {
    this.locks = deps.locks ?? inProcessLocks();
  }

  /** Usable tokens for a stored secret, refreshed first when expired or nearly so. */
  async fresh(upstream: UpstreamRecord, secret: string, credentialId: string | undefined): Promise<T> {
    const current = this.latest(this.kind.parse(secret));
    if (!this.expiring(current) || !current.refresh_token) return current;
    return this.refresh(upstream, secret, credentialId, current);
  }

  /**
   * After a 401: refreshed tokens, unless another request already refreshed
   * since `used` was handed out. Callers ask only for tokens with a refresh token.
   */
  async refused(upstream: UpstreamRecord, secret: string, credentialId: string | undefined, used: T): Promise<T> {
    const current = this.latest(this.kind.parse(secret));
    if (current.access_token !== used.access_token || !current.refresh_token) return current;
    return this.refresh(upstream, secret, credentialId, current);
  }

  private latest(stored: T): T {
    let current = stored;
    // Follow the chain: a secret may be two rotations behind.
    for (let next = this.rotatedFrom(current); next; next = this.rotatedFrom(current)) current = next;
    return current;
  }

  private rotatedFrom(tokens: T): T | undefined {
    return tokens.refresh_token ? this.rotated.get(tokens.refresh_token) : undefined;
  }

  private refresh(upstream: UpstreamRecord, secret: string, credentialId: string | undefined, current: T): Promise<T> {
    const key = current.refresh_token ?? '';
    let running = this.pending.get(key);
    if (!running) {
      // Other replicas hold the same refresh token: one refreshes, the others wait and read what it stored.
      const name = `${this.kind.name}-refresh:${upstream.id}:${credentialId ?? key}`;
      const leaseMs = upstream.timeouts.firstByteMs + LOCK_SLACK_MS;
      running = this.locks
        .withLock(name, { leaseMs, waitMs: leaseMs }, () => this.refreshHolding(upstream, secret, credentialId, current))
        .finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    return running;
  }

  /** With the lock held: tokens another replica stored while this one waited are used as they are, or refreshed from. */
  private async refreshHolding(upstream: UpstreamRecord, secret: string, credentialId: string | undefined, current: T): Promise<T> {
    const theirs = await this.storedNow(upstream, credentialId);
    if (theirs && theirs.refresh_token !== current.refresh_token) {
      if (current.refresh_token) this.rotated.set(current.refresh_token, theirs);
      if (!this.expiring(theirs) && theirs.access_token !== current.access_token) return theirs;
      current = theirs;
    }
    // Its own time limit, never one client's signal: a refresh cut off after the server rotated the token would lose the credential.
    const next = await this.kind.refresh(this.http, upstream, current, AbortSignal.timeout(upstream.timeouts.firstByteMs));
    if (current.refresh_token) this.rotated.set(current.refresh_token, next);
    if (this.deps.saveCredentialSecret) {
      await this.deps
        .saveCredentialSecret({ upstreamId: upstream.id, credentialId, previous: secret, next: this.kind.serialize(next) })
        .catch((err: unknown) => this.deps.log?.(`${this.kind.name} ${upstream.id}: refreshed tokens could not be stored: ${String(err)}`));
    }
    return next;
  }

  /** The credential's tokens as stored now (followed through this process's own rotations); undefined when they cannot be read. */
  private async storedNow(upstream: UpstreamRecord, credentialId: string | undefined): Promise<T | undefined> {
    if (!credentialId || !this.deps.readCredentialSecret) return undefined;
    try {
      const secret = await this.deps.readCredentialSecret(upstream.id, credentialId);
      return secret === undefined ? undefined : this.latest(this.kind.parse(secret));
    } catch (err) {
      this.deps.log?.(`${this.kind.name} ${upstream.id}: could not read the stored credential ${credentialId}: ${String(err)}`);
      return undefined;
    }
  }

  private expiring(tokens: T): boolean {
    return tokens.expires_at !== undefined && tokens.expires_at - this.kind.marginMs <= this.now();
  }
}

/** How much longer than the refresh's own time limit the lock is held at most (the save and the catalog reload). */
const LOCK_SLACK_MS = 15_000;
