import type { UpstreamRecord } from '../../store/types.js';
import type { HttpClient } from '../http.js';
import type { ProviderDeps } from '../provider.js';
import { REFRESH_MARGIN_MS } from './constants.js';
import { parseCodexCredential, serializeCodexCredential, type CodexCredential } from './credential.js';
import { refreshCodexTokens } from './oauth.js';
import { inProcessLocks, type Locks } from '../../store/locks.js';

/**
 * Keeps Codex access tokens fresh. A token within a few minutes of expiry
 * (or one the backend refused) is refreshed once, however many requests
 * wait for it, and the rotated tokens are written back to the credential
 * before use: the old refresh token is dead from then on. Until the catalog
 * reloads, requests still carrying the old secret get the new tokens from here.
 * Across replicas the refresh holds a lock (`deps.locks`) and first re-reads
 * the stored credential, so a replica that waited uses what the first stored.
 */
export class CodexSessions {
  /** Latest tokens, by the refresh token of the secret they replaced. */
  private readonly rotated = new Map<string, CodexCredential>();
  private readonly pending = new Map<string, Promise<CodexCredential>>();
  private readonly locks: Locks;

  constructor(
    private readonly http: HttpClient,
    private readonly deps: ProviderDeps,
    private readonly now: () => number = Date.now,
  ) {
    this.locks = deps.locks ?? inProcessLocks();
  }

  /** Usable tokens for a stored secret, refreshed first when expired or nearly so. */
  async fresh(upstream: UpstreamRecord, secret: string, credentialId: string | undefined): Promise<CodexCredential> {
    const stored = parseCodexCredential(secret);
    const current = this.latest(stored);
    if (!this.expiring(current)) return current;
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
      // Other replicas hold the same refresh token: one refreshes, the others wait and read what it stored.
      const name = `codex-refresh:${upstream.id}:${credentialId ?? key}`;
      const leaseMs = upstream.timeouts.firstByteMs + LOCK_SLACK_MS;
      running = this.locks
        .withLock(name, { leaseMs, waitMs: leaseMs }, () => this.refreshHolding(upstream, secret, credentialId, current))
        .finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    return running;
  }

  /** With the lock held: tokens another replica stored while this one waited are used as they are, or refreshed from. */
  private async refreshHolding(upstream: UpstreamRecord, secret: string, credentialId: string | undefined, current: CodexCredential): Promise<CodexCredential> {
    const theirs = await this.storedNow(upstream, credentialId);
    if (theirs && theirs.refresh_token !== current.refresh_token) {
      this.rotated.set(current.refresh_token, theirs);
      if (!this.expiring(theirs) && theirs.access_token !== current.access_token) return theirs;
      current = theirs;
    }
    // Its own time limit, never one client's signal: a refresh cut off after the server rotated the token would lose the credential.
    const next = await refreshCodexTokens(this.http, upstream, current, AbortSignal.timeout(upstream.timeouts.firstByteMs));
    this.rotated.set(current.refresh_token, next);
    if (this.deps.saveCredentialSecret) {
      await this.deps
        .saveCredentialSecret({ upstreamId: upstream.id, credentialId, previous: secret, next: serializeCodexCredential(next) })
        .catch((err: unknown) => this.deps.log?.(`codex ${upstream.id}: refreshed tokens could not be stored: ${String(err)}`));
    }
    return next;
  }

  /** The credential's tokens as stored now (followed through this process's own rotations); undefined when they cannot be read. */
  private async storedNow(upstream: UpstreamRecord, credentialId: string | undefined): Promise<CodexCredential | undefined> {
    if (!credentialId || !this.deps.readCredentialSecret) return undefined;
    try {
      const secret = await this.deps.readCredentialSecret(upstream.id, credentialId);
      return secret === undefined ? undefined : this.latest(parseCodexCredential(secret));
    } catch (err) {
      this.deps.log?.(`codex ${upstream.id}: could not read the stored credential ${credentialId}: ${String(err)}`);
      return undefined;
    }
  }

  private expiring(tokens: CodexCredential): boolean {
    return tokens.expires_at !== undefined && tokens.expires_at - REFRESH_MARGIN_MS <= this.now();
  }
}

/** How much longer than the refresh's own time limit the lock is held at most (the save and the catalog reload). */
const LOCK_SLACK_MS = 15_000;
