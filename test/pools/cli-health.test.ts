import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlyConfigLine, runCli } from '../helpers/cli.js';
import { eventually, tempDir } from '../helpers/gateway.js';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway } from '../../src/platform/node/gateway.js';

describe('switchboard health', () => {
  it('shows each credential with its state, reason and since when, as the gateway recorded them', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'health.db');
    const configFile = join(dir, 'switchboard.yaml');
    const secret = 'cli-health-secret-0000000000';
    writeFileSync(
      configFile,
      `storage: { url: "sqlite:${dbPath}" }
secret: ${secret}
upstreams:
  - id: pool
    kind: openai
    baseUrl: http://127.0.0.1:9/v1
    strategy: least-busy
    credentials: [ { id: k1, key: sk-health-one-1111 }, { id: k2, key: sk-health-two-2222 } ]
`,
    );
    const gw = await startNodeGateway(
      configSchema.parse({
        server: { port: 0 },
        secret,
        storage: { url: `sqlite:${dbPath}` },
        upstreams: [{ id: 'pool', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', strategy: 'least-busy', credentials: [{ id: 'k1', key: 'sk-health-one-1111' }, { id: 'k2', key: 'sk-health-two-2222' }] }],
        health: { probeIntervalMs: 0 },
      }),
      { log: () => {} },
    );
    gw.ctx.pools.set('k2', 'disabled', 'refused the credential (401)', 'gateway', Date.now());
    await eventually(async () => expect((await gw.ctx.store.health.list()).map((h) => h.credentialId)).toEqual(['k2']));
    await gw.close();

    const res = await runCli(['health', '--config', configFile]);
    expect(res.stderr).toBe(onlyConfigLine(configFile));
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(/upstream\s+strategy\s+credential\s+hint\s+weight\s+state/);
    expect(lines.find((l) => l.includes('k1'))).toMatch(/pool\s+least-busy\s+k1\s+\S+\s+1\s+healthy/);
    expect(lines.find((l) => l.includes('k2'))).toMatch(/k2.*disabled.*refused the credential \(401\).*\(gateway\)/);
    expect(res.stdout).not.toContain('sk-health-two-2222');

    const unknown = await runCli(['health', '--upstream', 'nope', '--config', configFile]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no upstream with id "nope"/);
  });
});
