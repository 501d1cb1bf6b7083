import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/**
 * The TCP proxies of tcp-proxy-process.ts, in a process of their own: told
 * by the parent which targets to proxy (argv: name=host:port …), they report
 * their ports, then cut, restore and close on the parent's word.
 */
type Command = { id: number; op: 'cut' | 'restore'; name: string } | { id: number; op: 'close' };

const proxies = new Map<string, TcpProxy>();
for (const arg of process.argv.slice(2)) {
  const [name, address] = arg.split('=');
  const [host, port] = address.split(':');
  proxies.set(name, await startTcpProxy({ host, port: Number(port) }));
}
process.send!({ ready: Object.fromEntries([...proxies].map(([name, p]) => [name, p.port])) });

process.on('message', (command: Command) => {
  void (async () => {
    if (command.op === 'close') {
      await Promise.all([...proxies.values()].map((p) => p.close()));
      process.send!({ id: command.id }, () => process.exit(0));
      return;
    }
    const proxy = proxies.get(command.name)!;
    if (command.op === 'cut') proxy.cut();
    else proxy.restore();
    process.send!({ id: command.id });
  })();
});
// The test went away: nothing left to proxy for.
process.on('disconnect', () => process.exit(0));
