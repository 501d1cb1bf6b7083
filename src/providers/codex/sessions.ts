import type { HttpClient } from '../http.js';
import type { ProviderDeps } from '../provider.js';
import { REFRESH_MARGIN_MS } from './constants.js';
import { parseCodexCredential, serializeCodexCredential, type CodexCredential } from './credential.js';
import { refreshCodexTokens } from './oauth.js';
import { TokenSessions } from '../token-sessions.js';

/**
 * Keeps Codex access tokens fresh (providers/token-sessions.ts): OpenAI
 * rotates refresh tokens, so refreshed tokens are stored before use.
 */
export class CodexSessions extends TokenSessions<CodexCredential> {
  constructor(http: HttpClient, deps: ProviderDeps, now: () => number = Date.now) {
    super(
      { name: 'codex', parse: parseCodexCredential, serialize: serializeCodexCredential, refresh: refreshCodexTokens, marginMs: REFRESH_MARGIN_MS },
      http,
      deps,
      now,
    );
  }
}
