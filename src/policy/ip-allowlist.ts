import { parseCidr, parseIp, type Cidr } from '../config/ip-address.js';

/** Allowlists of CIDR ranges (parsed by config/ip-address.ts) and the check of an address against them. */

/** Parses a list, naming the entries that are not CIDRs. */
export function parseCidrList(list: readonly string[]): { ok: Cidr[]; bad: string[] } {
  const ok: Cidr[] = [];
  const bad: string[] = [];
  for (const entry of list) {
    const cidr = parseCidr(entry);
    if (cidr) ok.push(cidr);
    else bad.push(entry);
  }
  return { ok, bad };
}

export function inCidr(ip: Uint8Array, cidr: Cidr): boolean {
  const whole = cidr.bits >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== cidr.bytes[i]) return false;
  const rest = cidr.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[whole] & mask) === (cidr.bytes[whole] & mask);
}

/** Whether `address` falls in any range; an address that cannot be parsed never does. */
export function allowedBy(list: readonly Cidr[], address: string | Uint8Array | undefined): boolean {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return false;
  return list.some((cidr) => inCidr(ip, cidr));
}
