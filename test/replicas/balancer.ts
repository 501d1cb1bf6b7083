import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * A round-robin HTTP load balancer, as nginx or Caddy would sit in front of
 * the replicas: each request goes to the next live target, whole (method,
 * path, headers, body streamed both ways). A target that refuses the
 * connection is skipped for that request, as `proxy_next_upstream error`
 * does for a connection that never opened; a request a replica took and then
 * dropped is not sent again (it may have been served), the client gets a 502.
 */
export interface Balancer {
  url: string;
  /** Requests forwarded to each target URL so far. */
  readonly served: Map<string, number>;
  close(): Promise<void>;
}

export async function startBalancer(targets: () => string[]): Promise<Balancer> {
  const served = new Map<string, number>();
  let next = 0;
  // A fresh connection per request: a killed replica is then a refused connection, never a stale kept-alive socket.
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

  const server = http.createServer((req, res) => {
    // The body is buffered so that a refused connection can be retried on the next target.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    // Each request starts at the next target and walks on from there, whatever other requests do meanwhile.
    const first = next++;
    req.on('end', () => forward(Buffer.concat(chunks), targets(), 0));

    function forward(body: Buffer, live: string[], tries: number): void {
      if (tries >= live.length) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('no replica answered');
        return;
      }
      const target = live[(first + tries) % live.length];
      const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers, agent }, (answer) => {
        served.set(target, (served.get(target) ?? 0) + 1);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // The client leaving ends the upstream request, so the replica sees the abort.
        res.on('close', () => answer.destroy());
      });
      upstream.on('error', (err: NodeJS.ErrnoException) => {
        if (res.headersSent) return void res.destroy();
        // Only a refused connection is safe to try elsewhere: the replica never saw the request.
        if (err.code === 'ECONNREFUSED') return forward(body, live, tries + 1);
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`replica failed: ${err.message}`);
      });
      upstream.end(body);
    }
  });
  const tunnels = new Set<net.Socket>();
  // A WebSocket upgrade (the Responses socket) is a byte tunnel to the next replica for its whole life.
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const live = targets();
    const target = new URL(live[next++ % live.length]!);
    const tunnel = net.connect(Number(target.port), target.hostname, () => {
      served.set(target.origin, (served.get(target.origin) ?? 0) + 1);
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      tunnel.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) tunnel.write(head);
      tunnel.pipe(socket).pipe(tunnel);
    });
    tunnels.add(tunnel).add(socket);
    tunnel.on('close', () => tunnels.delete(tunnel));
    socket.on('close', () => tunnels.delete(socket));
    tunnel.on('error', () => socket.destroy());
    socket.on('error', () => tunnel.destroy());
    socket.on('close', () => tunnel.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close() {
      agent.destroy();
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
