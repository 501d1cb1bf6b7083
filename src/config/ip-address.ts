/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, written by hand (no small,
 * well-kept package for it is among the project's dependencies). Every
 * address is held as 16 bytes: IPv4 as its IPv4-mapped IPv6 form
 * (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2), so `127.0.0.1`, `::ffff:127.0.0.1`
 * and a range `127.0.0.0/8` (stored as `::ffff:127.0.0.0/104`) all compare alike.
 *
 * In config/ because the file's schema checks every address it is given;
 * policy/ip-allowlist.ts matches client addresses against the ranges.
 */

export interface Cidr {
  bytes: Uint8Array;
  /** Leading bits that must match, 0-128. */
  bits: number;
}

/** 16 bytes, or undefined when `text` is not an IPv4 or IPv6 address. */
export function parseIp(text: string): Uint8Array | undefined {
  const address = text.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // [v6] brackets, zone ids
  if (!address.includes(':')) {
    const v4 = parseIpv4(address);
    return v4 && mapped(v4);
  }
  return parseIpv6(address);
}

/** A CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a single address (a /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefix, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  const isV4 = !address.includes(':');
  const max = isV4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return undefined;
  return { bytes, bits: isV4 ? bits + 96 : bits };
}

/** The address as text: dotted IPv4 for IPv4 and IPv4-mapped addresses, else compressed IPv6. */
export function formatIp(ip: Uint8Array): string {
  if (isMappedV4(ip)) return `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip[i] << 8) | ip[i + 1]);
  // RFC 5952 §4.2: the longest run of two or more zero groups becomes `::`.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

function isMappedV4(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

function mapped(v4: number[]): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const part of parts) {
    // No leading zeros: `010` is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string, mayEndInV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      // An embedded IPv4 tail (`::ffff:1.2.3.4`) counts as two groups.
      if (mayEndInV4 && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0], halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1], true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}
