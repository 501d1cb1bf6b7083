import { base64url } from '../protocols/base64url.js';

/**
 * Client keys: `sk-sb-` followed by 32 random bytes in base64url. Only the
 * SHA-256 of the whole key is stored, with a short prefix for display.
 * WebCrypto only, so this runs on Node and Workers alike.
 */
export const KEY_PREFIX = 'sk-sb-';

export function generateClientKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return KEY_PREFIX + base64url(bytes);
}

export async function hashClientKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return toHex(new Uint8Array(digest));
}

/**
 * hashClientKey with a memory of recent answers: the same few keys arrive
 * on every request, and WebCrypto's digest costs more than the rest of the
 * authentication. Bounded in count and in length (a Switchboard key is 49
 * characters), so random or huge strings cannot grow it without limit.
 */
export function memoizedKeyHasher(capacity = 10_000, maxKeyLength = 256): (key: string) => Promise<string> {
  const known = new Map<string, string>();
  return async (key) => {
    const hit = known.get(key);
    if (hit !== undefined) return hit;
    const hash = await hashClientKey(key);
    if (key.length > maxKeyLength) return hash;
    if (known.size >= capacity) known.delete(known.keys().next().value!);
    known.set(key, hash);
    return hash;
  };
}

/** What admins see of a key: enough to recognise it, too little to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6) + '…';
}

export function newId(prefix: string): string {
  return `${prefix}_${toHex(crypto.getRandomValues(new Uint8Array(8)))}`;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Finds the client key in a request: `Authorization: Bearer`, `x-api-key`
 * (Anthropic SDK), `x-goog-api-key` or the `?key=` query parameter (Gemini).
 */
export function extractClientKey(headers: Headers, queryKey?: string): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1].trim();
  }
  return headers.get('x-api-key')?.trim() || headers.get('x-goog-api-key')?.trim() || queryKey?.trim() || undefined;
}
