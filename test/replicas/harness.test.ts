import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startBalancer } from './balancer.js';
import { startTcpProxy } from './tcp-proxy.js';

// The pieces the replica tests stand on, checked on their own so a failure there names the harness, not the gateway.

describe('cuttable TCP proxy', () => {
  it('passes bytes, resets open and new connections while cut, and lets them through again once restored', async () => {
    const echo = net.createServer((s) => s.on('error', () => {}).pipe(s));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port });
    try {
      const live = await connect(proxy.port);
      expect(await roundTrip(live, 'ping')).toBe('ping');

      const closed = new Promise<string>((r) => live.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? '')).once('close', () => r('closed')));
      proxy.cut();
      expect(['ECONNRESET', 'closed']).toContain(await closed);
      await expect(connect(proxy.port).then((s) => roundTrip(s, 'while cut'))).rejects.toThrow();

      proxy.restore();
      const again = await connect(proxy.port);
      expect(await roundTrip(again, 'back')).toBe('back');
      again.destroy();
      expect(proxy.accepted).toBe(3);
    } finally {
      await proxy.close();
      echo.close();
    }
  });
});

describe('round-robin balancer', () => {
  it('spreads requests evenly, and moves a refused connection on to the next target', async () => {
    const servers = await Promise.all(['a', 'b'].map((name) => listen((_, res) => res.end(name))));
    const balancer = await startBalancer(() => servers.map((s) => s.url));
    try {
      const names = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(balancer.url, { method: 'POST', body: 'x' })).text()));
      expect(names.filter((n) => n === 'a')).toHaveLength(5);
      expect(names.filter((n) => n === 'b')).toHaveLength(5);

      // `a` goes away but stays on the list, as in a static upstream list: every request lands on `b`.
      await servers[0].close();
      const after = await Promise.all(Array.from({ length: 4 }, async () => (await fetch(balancer.url)).text()));
      expect(after).toEqual(['b', 'b', 'b', 'b']);
      expect(balancer.served.get(servers[1].url)).toBe(9);
    } finally {
      await balancer.close();
      await servers[1].close();
    }
  });
});

async function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `text` and resolves with what comes back; rejects if the connection dies first. */
function roundTrip(socket: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (d: Buffer) => resolve(d.toString()));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed')));
    socket.write(text);
  });
}
