import { connect, type Socket } from 'node:net';

/** A raw TCP connection to the gateway, for clients no HTTP library would make (trickling, holding, piling up). */
export interface RawClient {
  socket: Socket;
  /** Everything the gateway sent so far. */
  received(): string;
  /** Resolves when the connection is closed (by either side), with when it happened (Date.now()). */
  closed: Promise<number>;
  /** Writes `text` one piece at a time, `everyMs` apart, until it is all sent or the connection closes. */
  trickle(text: string, everyMs: number, pieceLength?: number): Promise<void>;
}

export async function openRaw(url: string, host?: string): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: host ?? hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  // A reset is a close too; the tests look at when and what was received, not how.
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  return {
    socket,
    received: () => text,
    closed,
    async trickle(body, everyMs, pieceLength = 1) {
      for (let i = 0; i < body.length && !isClosed; i += pieceLength) {
        socket.write(body.slice(i, i + pieceLength));
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },
  };
}

/** Whether the connection is closed within `ms` (false: still open then). */
export async function closesWithin(client: RawClient, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([client.closed.then(() => true as const), late]);
  clearTimeout(timer);
  return result;
}
