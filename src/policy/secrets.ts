import { base64url, fromBase64url } from '../protocols/base64url.js';
import type { Config } from '../config/schema.js';
import { proxyHasLogin } from '../providers/proxy-url.js';

/**
 * Encrypts upstream credentials at rest with AES-256-GCM (WebCrypto), a
 * fresh random 96-bit IV per value (NIST SP 800-38D §8.2.2).
 *
 * The key is derived from the gateway `secret` with PBKDF2-HMAC-SHA-256
 * (RFC 8018 §5.2), so a passphrase-like secret is still costly to guess from
 * a stolen database. 100,000 iterations: the most Cloudflare Workers' WebCrypto
 * allows (https://developers.cloudflare.com/workers/runtime-apis/web-crypto/),
 * about 50 ms once at start on Node. The salt is fixed and names the purpose:
 * one key per deployment, derived once, so a per-value salt would buy nothing.
 *
 * Stored form: `v2.<iv>.<ciphertext>` (base64url). Values sealed by earlier
 * versions (`v1.`: the key was the bare SHA-256 of the secret) still open,
 * and are re-sealed as v2 by `switchboard secret rotate`.
 */
export interface SecretBox {
  /** False when the gateway has no secret: nothing can be sealed or opened. */
  readonly canSeal: boolean;
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

const KDF_ITERATIONS = 100_000;
const KDF_SALT = new TextEncoder().encode('switchboard/credentials/aes-256-gcm/v2');

/** How to give the gateway a secret; shown wherever one is missing. */
export const SECRET_HELP =
  'set one: put `secret: ${SWITCHBOARD_SECRET}` in the config file and start with SWITCHBOARD_SECRET set to a long random value (e.g. `openssl rand -base64 32`); see docs/security.md';

/**
 * What the config file asks to encrypt while no secret is set: one problem
 * per upstream with credentials and per key storing Responses, as
 * `path: message`. `looked` says where a secret was looked for.
 */
export function valuesNeedingSecret(config: Config, looked: string): string[] {
  const credentials = config.upstreams.flatMap((u, i) =>
    u.credentials.length === 0 ? [] : [`upstreams[${i}].credentials: cannot be stored without a secret to encrypt them (${looked}); ${SECRET_HELP}`],
  );
  // A proxy URL's user and password are sealed too (policy/sealed-proxy.ts); one without them is not secret.
  const proxies = config.upstreams.flatMap((u, i) =>
    u.proxy !== undefined && proxyHasLogin(u.proxy) ? [`upstreams[${i}].proxy: a proxy URL with a user or password cannot be stored without a secret to encrypt it (${looked}); ${SECRET_HELP}`] : [],
  );
  // Stored Responses are sealed like credentials.
  const responses = config.keys.flatMap((k, i) =>
    k.responses?.store ? [`keys[${i}].responses: stored responses cannot be enabled without a secret to encrypt them (${looked}); ${SECRET_HELP}`] : [],
  );
  // Webhooks and log export destinations hold URLs and tokens: sealed too.
  const webhooks = config.alerts.webhooks.length === 0 ? [] : [`alerts.webhooks: cannot be stored without a secret to encrypt them (${looked}); ${SECRET_HELP}`];
  const destinations = config.logExport.destinations.length === 0 ? [] : [`logExport.destinations: cannot be stored without a secret to encrypt them (${looked}); ${SECRET_HELP}`];
  return [...credentials, ...proxies, ...responses, ...webhooks, ...destinations];
}

export class MissingSecretError extends Error {
  constructor(what = 'credentials cannot be stored') {
    super(`${what}: the gateway has no secret to encrypt them with; ${SECRET_HELP}`);
  }
}

export async function createSecretBox(secret: string): Promise<SecretBox> {
  const bytes = new TextEncoder().encode(secret);
  const base = await crypto.subtle.importKey('raw', bytes, 'PBKDF2', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: KDF_SALT, iterations: KDF_ITERATIONS },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  let legacyKey: Promise<CryptoKey> | undefined;
  const legacy = () =>
    (legacyKey ??= crypto.subtle
      .digest('SHA-256', bytes)
      .then((raw) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt'])));
  return {
    canSeal: true,
    async encrypt(plain) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(plain));
      return `v2.${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
    },
    async decrypt(sealed) {
      const [version, iv, data, extra] = sealed.split('.');
      if ((version !== 'v1' && version !== 'v2') || !iv || !data || extra !== undefined)
        throw new Error('credential is not in a known sealed format (v1 or v2)');
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: fromBase64url(iv) },
          version === 'v2' ? key : await legacy(),
          fromBase64url(data),
        );
        return new TextDecoder().decode(plain);
      } catch {
        throw new Error('credential cannot be decrypted: the gateway secret differs from the one that sealed it');
      }
    },
  };
}

/** The box of a gateway started without a secret: upstreams without credentials still work. */
export function noSecretBox(): SecretBox {
  return {
    canSeal: false,
    encrypt: () => Promise.reject(new MissingSecretError()),
    decrypt: () => Promise.reject(new MissingSecretError('stored credentials cannot be read')),
  };
}

/** Whether a sealed value is in the current format (older ones are re-sealed by `secret rotate`). */
export function isCurrentSeal(sealed: string): boolean {
  return sealed.startsWith('v2.');
}

/** A masked form of a credential safe to list: `sk-…wxyz`. */
export function maskSecret(secret: string): string {
  // Never more than a quarter of a secret: short ones show less.
  if (secret.length < 16) return secret.length <= 8 ? '…' : `…${secret.slice(-2)}`;
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}
