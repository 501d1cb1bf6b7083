import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Cuttable TCP proxies (tcp-proxy.ts) run in a child process, so that the
 * path from the replicas to PostgreSQL and Redis never waits on the test's
 * own event loop, busy with hundreds of client requests, the fake upstream
 * and the balancer: a stall there would look like a slow Redis to the
 * replicas (and, with a 1 s command timeout, like an outage).
 */
export interface CuttableProxy {
  host: string;
  port: number;
  /** Resets open connections and refuses new ones (resolves once done). */
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export interface ProxyProcess<Name extends string> {
  proxies: Record<Name, CuttableProxy>;
  close(): Promise<void>;
}

export async function startProxyProcess<Name extends string>(targets: Record<Name, { host: string; port: number }>): Promise<ProxyProcess<Name>> {
  const args = Object.entries<{ host: string; port: number }>(targets).map(([name, t]) => `${name}=${t.host}:${t.port}`);
  const child = fork(fileURLToPath(new URL('./tcp-proxy-child.ts', import.meta.url)), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the proxy process exited with ${code} before it was ready`)));
    child.once('message', (m: { ready: Record<string, number> }) => resolve(m.ready));
  });
  child.removeAllListeners('exit');

  let nextId = 0;
  const ask = (command: Record<string, unknown>) =>
    new Promise<void>((resolve) => {
      const id = nextId++;
      const onMessage = (m: { id?: number }) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.send({ ...command, id });
    });
  const proxies = Object.fromEntries(
    Object.keys(targets).map((name) => [
      name,
      { host: '127.0.0.1', port: ports[name], cut: () => ask({ op: 'cut', name }), restore: () => ask({ op: 'restore', name }) },
    ]),
  ) as Record<Name, CuttableProxy>;
  return {
    proxies,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ op: 'close' });
      await exited;
    },
  };
}
