import { proxyHasLogin } from '../providers/proxy-url.js';
import { MissingSecretError, type SecretBox } from './secrets.js';

/*
 * An upstream's proxy URL (`settings.proxy`) can carry a user and password,
 * so the database holds it sealed with the gateway secret, like a
 * credential. Rows written before it was sealed hold the plain URL: they
 * still read (a sealed value starts with its format, `v2.`, a URL with its
 * scheme), and are sealed by the next write or the sweep at start
 * (app/sealed-proxy-store.ts).
 */

/** Whether a stored proxy is sealed (a URL never starts with `v<digit>.`). */
export function isSealedProxy(stored: string): boolean {
  return /^v\d+\./.test(stored);
}

/**
 * The proxy as stored: sealed. Without a secret a proxy without a user or
 * password is stored as it is (nothing in it is secret); one with them is
 * refused rather than stored in the clear.
 */
export async function sealProxy(box: SecretBox, proxy: string): Promise<string> {
  if (isSealedProxy(proxy)) return proxy;
  if (box.canSeal) return box.encrypt(proxy);
  if (proxyHasLogin(proxy)) throw new MissingSecretError('a proxy URL with a user or password cannot be stored');
  return proxy;
}

/** The proxy URL a stored value stands for: opened when sealed, as it is when written before sealing. */
export async function openProxy(box: SecretBox, stored: string): Promise<string> {
  return isSealedProxy(stored) ? box.decrypt(stored) : stored;
}
