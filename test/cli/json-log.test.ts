import { describe, expect, it, vi } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCli, stop } from '../helpers/cli.js';
import { tempDir } from '../helpers/gateway.js';

// `switchboard start` with `telemetry.logFormat: json`: what it writes is JSON lines, from the start to the stop.

vi.setConfig({ testTimeout: 60_000 });

const KEY = 'sk-sb-cli-json-00000000000000000000000';

describe('switchboard start with a JSON log', () => {
  it('writes nothing but JSON lines after naming its config file, its banner and its stop included', async () => {
    const dir = tempDir();
    const configFile = join(dir, 'switchboard.yaml');
    writeFileSync(
      configFile,
      `server: { host: 127.0.0.1, port: 0 }
storage: { url: "sqlite:${join(dir, 'gw.db')}" }
upstreams: [ { id: demo, kind: mock, models: [mock-a] } ]
models: [ { id: chat-model, routes: [ { upstream: demo, model: mock-a } ] } ]
keys: [ { name: app, group: team-x, key: ${KEY} } ]
telemetry: { logFormat: json }
`,
    );
    const { child, url, output } = await startCli(['--config', configFile]);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.json();
    expect(await stop(child)).toBe(0);

    // The CLI names the file it read before it has read it (plain text); everything after is the log.
    const [named, ...lines] = output().trim().split('\n');
    expect(named).toBe(`switchboard: config ${configFile} (--config)`);
    expect(stdout).toBe('');
    const parsed = lines.map((line) => JSON.parse(line) as { time: string; level: string; message: string });
    expect(parsed.map((line) => line.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Switchboard is listening on http:\/\/127\.0\.0\.1:\d+ \(config /), 'SIGTERM: writing usage records and stopping…']),
    );
    expect(parsed.every((line) => !Number.isNaN(Date.parse(line.time)) && line.level === 'info')).toBe(true);
  });
});
