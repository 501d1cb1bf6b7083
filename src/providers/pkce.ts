import { base64url } from '../protocols/base64url.js';

/**
 * The pieces of an OAuth 2.0 authorization-code sign-in with PKCE that the
 * sign-ins of codex and claude-code share: a verifier and its S256
 * challenge, a state, and reading back what the user pasted.
 * @see https://datatracker.ietf.org/doc/html/rfc7636
 */

/** A started sign-in: the URL to open, and what finishing it needs (the verifier never leaves the gateway). */
export interface PkceLogin {
  url: string;
  state: string;
  verifier: string;
}

/** A fresh verifier, its S256 challenge and a state. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string; state: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(64)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { verifier, challenge: await pkceChallenge(verifier), state };
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * What the user pasted back: the whole redirect URL, `code#state` (the page
 * Claude's sign-in ends on shows that), or the bare code. Throws when the
 * URL carries an error or a state that differs.
 */
export function codeFromPaste(pasted: string, expectedState: string): string {
  const text = pasted.trim();
  let code: string | null = null;
  let state: string | null = null;
  if (/^https?:\/\//.test(text)) {
    const url = new URL(text);
    const error = url.searchParams.get('error');
    if (error) throw new Error(`sign-in failed: ${error} ${url.searchParams.get('error_description') ?? ''}`.trim());
    code = url.searchParams.get('code');
    state = url.searchParams.get('state');
  } else if (text.includes('#')) {
    [code, state] = text.split('#', 2);
  } else {
    code = text;
  }
  if (!code) throw new Error('no authorization code in what was pasted');
  if (state !== null && state !== expectedState) throw new Error('the pasted URL belongs to another sign-in (state differs)');
  return code;
}
