import { base64url } from './keys.js';

/**
 * Encrypts upstream credentials at rest with AES-256-GCM. The key is the
 * SHA-256 of the gateway `secret`; each value gets a fresh 96-bit IV.
 * Stored form: `v1.<iv>.<ciphertext>` (base64url).
 */
export interface SecretBox {
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

export async function createSecretBox(secret: string): Promise<SecretBox> {
  const raw = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
  const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
  return {
    async encrypt(plain) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plain));
      return `v1.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
    },
    async decrypt(sealed) {
      const [version, iv, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !data) throw new Error('credential is not in the v1 sealed format');
      try {
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64url(iv) }, key, fromBase64url(data));
        return new TextDecoder().decode(plain);
      } catch {
        throw new Error('credential cannot be decrypted: the gateway secret differs from the one that sealed it');
      }
    },
  };
}

/** A masked form of a credential safe to list: `sk-…wxyz`. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return '…';
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
