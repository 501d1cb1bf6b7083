import type { Server, Socket } from 'node:net';
import { formatIp, parseIp } from '../../config/ip-address.js';

/**
 * At most `max` open connections per client address (`server.maxConnectionsPerAddress`;
 * 0: no cap). A connection past the cap is closed as soon as it is accepted,
 * before a byte of it is read, and `refused` is told. The address is the
 * connection's peer: X-Forwarded-For arrives only with a request, after the
 * connection is already held, and anyone can write it; behind a reverse proxy
 * every connection is the proxy's, so the cap must be raised or turned off there.
 */
export function capConnectionsPerAddress(server: Server, max: number, refused: (address: string) => void): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = canonical(socket.remoteAddress);
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      refused(address);
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address); // the map holds only addresses with a connection open
    });
  });
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client on a dual-stack listener. */
function canonical(address: string | undefined): string {
  if (!address) return 'unknown';
  const ip = parseIp(address);
  return ip ? formatIp(ip) : address;
}
