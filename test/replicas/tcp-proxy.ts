import net, { type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy a test puts in front of PostgreSQL or Redis to play an outage:
 * the system services cannot be restarted from a test, but the gateway's
 * connections to them can be. `cut()` resets every open connection and every
 * new one until `restore()`, as a server that went away and refuses
 * connections does; the gateway then has to notice and reconnect by itself.
 */
export interface TcpProxy {
  host: string;
  port: number;
  /** Connections ever accepted (a reconnect after `restore` shows up here). */
  readonly accepted: number;
  /** Resets open connections and refuses new ones. */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let accepted = 0;

  const server = net.createServer((client) => {
    accepted++;
    if (isCut) return void client.resetAndDestroy();
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    // Either side going away takes the other with it, as a broken network path would.
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const resetAll = () => {
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return accepted;
    },
    cut() {
      isCut = true;
      resetAll();
    },
    restore() {
      isCut = false;
    },
    close() {
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
