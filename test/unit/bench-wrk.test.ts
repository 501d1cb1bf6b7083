import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MARK, parseWrk, runWrk } from '../../bench/wrk.js';

const line = (o: Record<string, unknown>) =>
  `Running 1s test @ http://127.0.0.1:1/\n  1 threads and 2 connections\n${MARK}${JSON.stringify({
    requests: 1000,
    durationUs: 2_000_000,
    bytes: 1,
    errors: { connect: 1, read: 2, write: 0, status: 100, timeout: 3 },
    latencyUs: { p50: 1500, p90: 2000, p99: 4000, p999: 9000, mean: 1600.5, max: 12000 },
    cpuTicks: 50,
    ...o,
  })}\nRequests/sec: 500\n`;

describe('bench wrk driver', () => {
  it('reads the JSON line of the Lua done(): ms latencies, responses >= 400 apart from the rest', () => {
    const r = parseWrk(line({}), 10_000);
    expect(r).toMatchObject({ requests: 900, durationS: 2, reqPerSec: 450, errors: 6, non2xx: 100, samples: 1000, p50: 1.5, p99: 4, p999: 9, max: 12, wrkCpuMicros: 500_000 });
    expect(r.errorsBy).toEqual({ connect: 1, read: 2, write: 0, status: 100, timeout: 3 });
    expect(Number.isNaN(parseWrk(line({ cpuTicks: -1 })).wrkCpuMicros)).toBe(true);
    expect(() => parseWrk('Running 1s test\nunable to connect\n')).toThrow(/no result line/);
  });

  const hasWrk = spawnSync('wrk', ['-v']).error === undefined;
  it.skipIf(!hasWrk)('drives a real server with the method, headers and body of the spec', async () => {
    const seen = new Set<string>();
    let n = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.add(`${req.method} ${req.headers['x-bench']} ${body.length}`);
        // Every tenth answer refused: wrk must count them.
        res.writeHead(++n % 10 === 0 ? 503 : 200, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify({ text: 'x'.repeat(300_000), quote: '"]]\'' });
      const r = await runWrk({ url: `http://127.0.0.1:${port}/v1/x`, body, headers: { 'x-bench': 'yes' }, connections: 2, threads: 1, durationS: 1 });
      expect([...seen]).toEqual([`POST yes ${body.length}`]);
      expect(r.requests).toBeGreaterThan(0);
      expect(r.non2xx).toBeGreaterThan(0);
      expect(r.non2xx).toBeLessThanOrEqual(Math.floor(n / 10)); // the server may answer a last request wrk no longer reads
      expect(r.errors).toBe(0);
      expect(r.wrkCpuMicros).toBeGreaterThan(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
