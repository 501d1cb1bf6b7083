import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

// The container files cannot be run here (no Docker daemon); what can be checked is that they agree with the gateway.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('deploy/ and compose.yaml', () => {
  it("the replicas' config is valid, on PostgreSQL and Redis, on the port the image's health check and nginx use", () => {
    const env = { SWITCHBOARD_ADMIN_KEY: 'a'.repeat(20), SWITCHBOARD_SECRET: 's'.repeat(20), POSTGRES_PASSWORD: 'pw' };
    const result = loadConfig(read('deploy/switchboard.yaml'), env);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const { config } = result;
    expect(config.storage.url).toBe('postgres://switchboard:pw@postgres:5432/switchboard');
    expect(config.counters.url).toBe('redis://redis:6379');
    expect(config.server.host).toBe('0.0.0.0');
    expect(read('Dockerfile')).toContain(`http://127.0.0.1:${config.server.port}/healthz`);
    expect(read('deploy/nginx.conf')).toContain(`server gateway-a:${config.server.port}`);
    expect(read('deploy/nginx.conf')).toContain(`server gateway-b:${config.server.port}`);
  });

  it('a missing variable is named, so compose users learn what to set', () => {
    const result = loadConfig(read('deploy/switchboard.yaml'), {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toMatch(/SWITCHBOARD_ADMIN_KEY/);
  });
});
