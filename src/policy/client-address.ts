import { formatIp, parseIp, type Cidr } from '../config/ip-address.js';
import { allowedBy } from './ip-allowlist.js';

/**
 * Which address a request comes from. `X-Forwarded-For` is a list every
 * proxy appends to (`client, proxy1, proxy2`) and anyone can forge its
 * left part, so it is read from the right and only across hops the operator
 * trusts (the rule MDN gives for security uses of the header):
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#selecting_an_ip_address
 *
 * - `off`: the socket's peer address; the header is ignored.
 * - `hops`: that many trusted proxies stand in front of the gateway; the
 *   client is the entry that many places from the right of
 *   `[...X-Forwarded-For, socket address]`.
 * - `cidrs`: proxies are known by address; walking from the socket address
 *   leftwards, the first address outside the trusted ranges is the client.
 */
export type ProxyTrust = { kind: 'off' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; cidrs: Cidr[] };

export function resolveClientAddress(socket: string | undefined, forwardedFor: string | null | undefined, trust: ProxyTrust): string | undefined {
  return canonical(pick(socket, forwardedFor, trust));
}

function pick(socket: string | undefined, forwardedFor: string | null | undefined, trust: ProxyTrust): string | undefined {
  if (trust.kind === 'off' || !socket) return socket;
  const chain = [...(forwardedFor ?? '').split(',').map(withoutPort).filter((a) => a.length > 0), socket];
  if (trust.kind === 'hops') return chain[Math.max(0, chain.length - 1 - trust.hops)];
  let i = chain.length - 1;
  while (i > 0 && allowedBy(trust.cidrs, chain[i])) i--;
  return chain[i];
}

/** One spelling per address (`::ffff:127.0.0.1` is `127.0.0.1`), so counts by source add up; unreadable text stays as it is. */
function canonical(address: string | undefined): string | undefined {
  const ip = address === undefined ? undefined : parseIp(address);
  return ip ? formatIp(ip) : address;
}

/** `1.2.3.4:5678` -> `1.2.3.4`, `[::1]:443` -> `::1`; a bare IPv6 address is left alone. */
function withoutPort(entry: string): string {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  return v4WithPort ? v4WithPort[1] : text;
}
