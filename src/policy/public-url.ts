import type { ProxyTrust } from './client-address.js';

/**
 * The gateway's own base URL as clients reach it, for links and scripts it
 * hands out: `server.publicUrl` when set; otherwise the request's own
 * scheme and host, where `X-Forwarded-Proto` and `X-Forwarded-Host` count
 * only when the gateway trusts a proxy in front of it (`security.trustProxy`),
 * since anyone can send them. A host that is not a plain host name or
 * address is ignored (it is written into scripts).
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-Proto
 */
export function publicBaseUrl(configured: string | undefined, requestUrl: string, headers: Headers, trust: ProxyTrust): string {
  if (configured) return configured.replace(/\/+$/, '');
  const own = new URL(requestUrl);
  let scheme = own.protocol.replace(/:$/, '');
  let host = own.host;
  if (trust.kind !== 'off') {
    const proto = firstOf(headers.get('x-forwarded-proto'))?.toLowerCase();
    if (proto === 'http' || proto === 'https') scheme = proto;
    const forwardedHost = firstOf(headers.get('x-forwarded-host'));
    if (forwardedHost && HOST.test(forwardedHost)) host = forwardedHost;
  }
  return `${scheme}://${host}`;
}

/** A host name, IPv4 or bracketed IPv6 address, with an optional port. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Proxies append to these lists; the first entry is what the client asked for. */
function firstOf(value: string | null): string | undefined {
  return value?.split(',')[0]?.trim() || undefined;
}
