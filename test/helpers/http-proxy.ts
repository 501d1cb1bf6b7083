// A small forward HTTP proxy for tests: CONNECT tunnels (RFC 9110 §9.3.6)
// and absolute-form requests (RFC 9112 §3.2.2), each one recorded with the
// Proxy-Authorization it came with. `requireAuth` makes it answer 407 without
// the right Basic credentials; `refuseConnect` makes every CONNECT answer that
// status (a proxy that cannot reach the upstream answers 502).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxySeen {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  proxyAuthorization: string | undefined;
}

export interface TestProxy {
  url: string;
  port: number;
  seen: ProxySeen[];
  requireAuth(user: string, password: string): void;
  refuseConnect(status: number | null): void;
  close(): Promise<void>;
}

export async function startTestProxy(): Promise<TestProxy> {
  const seen: ProxySeen[] = [];
  const sockets = new Set<Socket>();
  let expected: string | undefined;
  let refusal: number | null = null;
  const authorized = (header: string | undefined) => expected === undefined || header === expected;

  const server = http.createServer((req, res) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    seen.push({ method: req.method ?? 'GET', target: req.url ?? '', proxyAuthorization });
    if (!authorized(proxyAuthorization)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    // Absolute-form: forward to the origin, without the proxy's own headers.
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    seen.push({ method: 'CONNECT', target: req.url ?? '', proxyAuthorization });
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (!authorized(proxyAuthorization)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (refusal !== null) {
      client.end(`HTTP/1.1 ${refusal} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    requireAuth(user, password) {
      expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    },
    refuseConnect(status) {
      refusal = status;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
