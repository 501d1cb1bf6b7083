import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { tempDir } from '../helpers/gateway.js';
import { startBalancer, type Balancer } from './balancer.js';
import { startCluster, type Cluster } from './cluster.js';
import { startTcpProxy } from './tcp-proxy.js';
import { chat, countStatuses } from './traffic.js';

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

describe('two gateway processes behind the balancer', () => {
  let fake: FakeUpstream;
  let cluster: Cluster;
  let balancer: Balancer;
  const key = 'sk-sb-replicas-harness-00000000000000000';

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    cluster = await startCluster({
      replicas: 2,
      config: {
        storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
        upstreams: [{ id: 'oai', kind: 'openai', baseUrl: `${fake.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] }],
        models: [{ id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] }],
        keys: [{ name: 'harness', key }],
      },
    });
    // Every replica's address, dead or alive, as nginx's static upstream list.
    balancer = await startBalancer(() => cluster.replicas.map((r) => r.url));
  });
  afterAll(async () => {
    await balancer?.close();
    await cluster?.close();
    await fake?.close();
  });

  it('spreads requests over both, survives a SIGKILLed replica and takes it back after a restart', async () => {
    const first = await Promise.all(Array.from({ length: 10 }, () => chat(balancer.url, key)));
    expect(countStatuses(first)).toEqual({ 200: 10 });
    expect([...balancer.served.values()]).toEqual([5, 5]);
    expect(fake.calls.length).toBe(10);

    const killed = cluster.replicas[0];
    await cluster.kill(0);
    expect(killed.child.signalCode).toBe('SIGKILL');
    expect(cluster.urls()).toEqual([cluster.replicas[1].url]);
    // The balancer still lists the dead one: its refused connection moves the request on to the live one.
    const during = await Promise.all(Array.from({ length: 4 }, () => chat(balancer.url, key)));
    expect(countStatuses(during)).toEqual({ 200: 4 });

    const back = await cluster.restart(0);
    expect(back.url).toBe(killed.url);
    const after = await Promise.all(Array.from({ length: 4 }, () => chat(back.url, key)));
    expect(countStatuses(after)).toEqual({ 200: 4 });
  });
});

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
