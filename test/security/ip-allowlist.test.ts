import { describe, expect, it } from 'vitest';
import { formatIp, parseCidr, parseIp } from '../../src/config/ip-address.js';
import { allowedBy, parseCidrList } from '../../src/policy/ip-allowlist.js';
import { resolveClientAddress } from '../../src/policy/client-address.js';

const list = (...cidrs: string[]) => parseCidrList(cidrs).ok;

describe('parseIp', () => {
  it('reads IPv4, IPv6 (compressed, full, with an IPv4 tail, bracketed, with a zone) and refuses the rest', () => {
    expect(formatIp(parseIp('192.168.1.20')!)).toBe('192.168.1.20');
    expect(formatIp(parseIp('::1')!)).toBe('::1');
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('2001:db8:0:1:0:0:0:0')!)).toBe('2001:db8:0:1::');
    expect(formatIp(parseIp('::ffff:10.1.2.3')!)).toBe('10.1.2.3');
    expect(formatIp(parseIp('[fe80::1%eth0]')!)).toBe('fe80::1');
    expect(formatIp(parseIp('::')!)).toBe('::');
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1.2.3.4::1', 'localhost'])
      expect(parseIp(bad), bad).toBeUndefined();
  });

  it('maps IPv4 and IPv4-mapped IPv6 to the same bytes', () => {
    expect(parseIp('127.0.0.1')).toEqual(parseIp('::ffff:127.0.0.1'));
    expect(parseIp('127.0.0.1')).toEqual(parseIp('::ffff:7f00:1'));
  });
});

describe('parseCidr and allowedBy', () => {
  it('matches IPv4 ranges, also against IPv4-mapped addresses', () => {
    const l = list('10.0.0.0/8', '192.168.1.0/24', '203.0.113.7');
    expect(allowedBy(l, '10.255.3.4')).toBe(true);
    expect(allowedBy(l, '11.0.0.1')).toBe(false);
    expect(allowedBy(l, '192.168.1.200')).toBe(true);
    expect(allowedBy(l, '192.168.2.1')).toBe(false);
    expect(allowedBy(l, '203.0.113.7')).toBe(true);
    expect(allowedBy(l, '203.0.113.8')).toBe(false);
    expect(allowedBy(l, '::ffff:10.9.9.9')).toBe(true);
    expect(allowedBy(l, '::ffff:11.9.9.9')).toBe(false);
  });

  it('matches IPv6 ranges, prefixes that are not whole bytes, and the everything ranges', () => {
    const l = list('2001:db8::/32', 'fd00::/7', '::1');
    expect(allowedBy(l, '2001:db8:1234::9')).toBe(true);
    expect(allowedBy(l, '2001:db9::1')).toBe(false);
    expect(allowedBy(l, 'fdff::1')).toBe(true); // fd00::/7 covers fc00-fdff
    expect(allowedBy(l, 'fc00::1')).toBe(true);
    expect(allowedBy(l, 'fe00::1')).toBe(false);
    expect(allowedBy(l, '::1')).toBe(true);
    expect(allowedBy(l, '::2')).toBe(false);
    expect(allowedBy(list('0.0.0.0/0'), '8.8.8.8')).toBe(true);
    expect(allowedBy(list('0.0.0.0/0'), '2001:db8::1')).toBe(false); // an IPv4 range holds IPv4 (and mapped) addresses only
    expect(allowedBy(list('::/0'), '2001:db8::1')).toBe(true);
    expect(allowedBy(list('172.16.0.0/12'), '172.31.255.255')).toBe(true);
    expect(allowedBy(list('172.16.0.0/12'), '172.32.0.0')).toBe(false);
  });

  it('refuses bad CIDRs and never allows an address it cannot read', () => {
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', 'ten/8', '10.0.0.0/-1', '10.0.0.0/08x'])
      expect(parseCidr(bad), bad).toBeUndefined();
    expect(parseCidrList(['10.0.0.0/8', 'nope']).bad).toEqual(['nope']);
    expect(allowedBy(list('::/0', '0.0.0.0/0'), 'not-an-ip')).toBe(false);
    expect(allowedBy(list('::/0'), undefined)).toBe(false);
  });
});

describe('resolveClientAddress', () => {
  const xff = '198.51.100.9, 203.0.113.5, 10.0.0.2';
  it('uses the socket address when proxies are not trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('10.0.0.1', xff, { kind: 'off' })).toBe('10.0.0.1');
    // One spelling per address: IPv4-mapped IPv6 as dotted IPv4, IPv6 compressed.
    expect(resolveClientAddress('::ffff:10.0.0.1', null, { kind: 'off' })).toBe('10.0.0.1');
    expect(resolveClientAddress('2001:0db8:0:0:0:0:0:1', null, { kind: 'off' })).toBe('2001:db8::1');
    expect(resolveClientAddress('garbage', null, { kind: 'off' })).toBe('garbage');
  });

  it('with a hop count, takes the entry that many places from the right', () => {
    expect(resolveClientAddress('10.0.0.1', xff, { kind: 'hops', hops: 1 })).toBe('10.0.0.2');
    expect(resolveClientAddress('10.0.0.1', xff, { kind: 'hops', hops: 2 })).toBe('203.0.113.5');
    expect(resolveClientAddress('10.0.0.1', xff, { kind: 'hops', hops: 9 })).toBe('198.51.100.9');
    expect(resolveClientAddress('10.0.0.1', null, { kind: 'hops', hops: 1 })).toBe('10.0.0.1');
  });

  it('with trusted CIDRs, walks from the right to the first untrusted hop, so a forged left part is ignored', () => {
    const trust = { kind: 'cidrs' as const, cidrs: list('10.0.0.0/8') };
    expect(resolveClientAddress('10.0.0.1', xff, trust)).toBe('203.0.113.5');
    expect(resolveClientAddress('10.0.0.1', '1.1.1.1, 10.0.0.3', trust)).toBe('1.1.1.1');
    // The socket itself is not a trusted proxy: the header is not believed.
    expect(resolveClientAddress('203.0.113.99', '10.0.0.5', trust)).toBe('203.0.113.99');
    expect(resolveClientAddress('::ffff:10.0.0.1', '[2001:db8::7]:4711', trust)).toBe('2001:db8::7');
    expect(resolveClientAddress('10.0.0.1', '192.0.2.1:8080', trust)).toBe('192.0.2.1');
  });
});
