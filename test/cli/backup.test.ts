import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, startCli, stop } from '../helpers/cli.js';
import { eventually, tempDir } from '../helpers/gateway.js';

// Each CLI run boots a new process (seconds each when the cores are busy).
vi.setConfig({ testTimeout: 60_000 });

const dir = tempDir();
const dbPath = join(dir, 'gateway.db');
const configFile = join(dir, 'switchboard.yaml');
const KEY = 'sk-sb-backup-test-0000000000000000000000';

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat-model', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('switchboard backup', () => {
  let gateway: Awaited<ReturnType<typeof startCli>>;
  beforeAll(async () => {
    writeFileSync(
      configFile,
      `server: { host: 127.0.0.1, port: 0 }
storage: { url: "sqlite:${dbPath}" }
upstreams: [ { id: demo, kind: mock, models: [mock-a] } ]
models: [ { id: chat-model, routes: [ { upstream: demo, model: mock-a } ] } ]
keys: [ { name: app, key: "${KEY}" } ]
`,
    );
    gateway = await startCli(['--config', configFile]);
  });
  afterAll(async () => {
    if (gateway) await stop(gateway.child);
  });

  it('copies the database of a running gateway, which keeps serving and writing meanwhile', async () => {
    for (let i = 0; i < 5; i++) expect((await chat(gateway.url)).status).toBe(200);
    // The rows reach the database within the recorder's second: a few on a machine busy with other test files.
    await eventually(() => {
      const db = new Database(dbPath, { readonly: true });
      try {
        expect((db.prepare('select count(*) as n from request_log').get() as { n: number }).n).toBe(5);
      } finally {
        db.close();
      }
    }, 15_000);

    // Traffic goes on during the backup.
    const during = Promise.all(Array.from({ length: 20 }, () => chat(gateway.url).then((r) => r.status)));
    const copy = join(dir, 'backups', 'copy.db');
    const result = await runCli(['backup', copy, '--config', configFile]);
    expect(result.stderr).toBe(`switchboard: config ${configFile} (--config)\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`backed up ${dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} to .*copy\\.db \\(\\d+\\.\\d MiB\\) in \\d+ ms`));
    expect(await during).toEqual(Array(20).fill(200));
    expect(existsSync(`${copy}.partial`)).toBe(false);

    const restored = new Database(copy, { readonly: true, fileMustExist: true });
    try {
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
      const logged = (restored.prepare('select count(*) as n from request_log').get() as { n: number }).n;
      expect(logged).toBeGreaterThanOrEqual(5);
      expect(restored.prepare('select name from api_keys').all()).toEqual([{ name: 'app' }]);
      expect(restored.pragma('auto_vacuum', { simple: true })).toBe(2);
    } finally {
      restored.close();
    }
    // The gateway is still serving.
    expect((await chat(gateway.url)).status).toBe(200);
  });

  it('never overwrites a file, and needs one named', async () => {
    const existing = join(dir, 'existing.db');
    writeFileSync(existing, 'keep me');
    const refused = await runCli(['backup', existing, '--config', configFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${existing} exists; remove it or name another file`);
    const missing = await runCli(['backup', '--config', configFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('backup: name the file to write');
  });

  it('points to pg_dump when the storage is PostgreSQL, with the password masked', async () => {
    const pgConfig = join(dir, 'pg.yaml');
    writeFileSync(pgConfig, 'storage: { url: "postgres://sb:hunter2@db.internal:5432/switchboard" }\n');
    const result = await runCli(['backup', join(dir, 'pg-copy.db'), '--config', pgConfig]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the storage is PostgreSQL, which this command does not copy; back it up with pg_dump');
    expect(result.stderr).toContain('pg_dump --format=custom --file=switchboard.dump "postgres://sb:***@db.internal:5432/switchboard"');
    expect(result.stderr).not.toContain('hunter2');
    expect(existsSync(join(dir, 'pg-copy.db'))).toBe(false);
  });
});
