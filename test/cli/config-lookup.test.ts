import { describe, expect, it, vi } from 'vitest';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, startCli, stop } from '../helpers/cli.js';
import { tempDir } from '../helpers/gateway.js';

// Every case runs the CLI in a folder of its own (the lookup reads the working folder); each run boots tsx.
vi.setConfig({ testTimeout: 60_000 });

const DEMO = fileURLToPath(new URL('../../switchboard.demo.yaml', import.meta.url));
/** No SWITCHBOARD_CONFIG from the environment the tests run in. */
const CLEAN = { SWITCHBOARD_CONFIG: '' };

function configWithKey(dir: string, file: string, keyName: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `storage: { url: "sqlite:${join(dir, `${keyName}.db`)}" }
upstreams: [ { id: demo, kind: mock, models: [mock-a] } ]
keys: [ { name: ${keyName}, key: sk-sb-${keyName}-00000000000000000000000000000000 } ]
`,
  );
  return path;
}

describe('which config file a command reads', () => {
  it('with nothing to find, says it looked for ./switchboard.yaml and names every way to give one', async () => {
    const dir = tempDir();
    const res = await runCli(['keys', 'list'], CLEAN, { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('switchboard: config switchboard.yaml (the default)');
    expect(res.stderr).toMatch(/not found\. Pass --config PATH, set SWITCHBOARD_CONFIG, .*switchboard init.*npm start/);
  });

  it('takes --config, then SWITCHBOARD_CONFIG, then ./switchboard.yaml, and says which', async () => {
    const dir = tempDir();
    configWithKey(dir, 'switchboard.yaml', 'local');
    const fromEnv = configWithKey(dir, 'env.yaml', 'fromenv');
    const fromFlag = configWithKey(dir, 'flag.yaml', 'fromflag');

    const [local, env, flag] = await Promise.all([
      runCli(['config', 'check'], CLEAN, { cwd: dir }),
      runCli(['config', 'check'], { SWITCHBOARD_CONFIG: fromEnv }, { cwd: dir }),
      runCli(['config', 'check', '--config', fromFlag], { SWITCHBOARD_CONFIG: fromEnv }, { cwd: dir }),
    ]);
    expect(local.stderr).toContain('switchboard: config switchboard.yaml (found in the working folder)');
    expect(local.stdout).toContain('switchboard.yaml: OK');
    expect(env.stderr).toContain(`switchboard: config ${fromEnv} (SWITCHBOARD_CONFIG)`);
    expect(env.stdout).toContain(`${fromEnv}: OK`);
    expect(flag.stderr).toContain(`switchboard: config ${fromFlag} (--config)`);
    expect(flag.stdout).toContain(`${fromFlag}: OK`);
  });

  it('falls back to the demo only once `npm start` has made its database, and ./switchboard.yaml wins over it', async () => {
    const dir = tempDir();
    copyFileSync(DEMO, join(dir, 'switchboard.demo.yaml'));

    // A clone before `npm start`: the demo is not picked up on its own.
    const before = await runCli(['keys', 'list'], CLEAN, { cwd: dir });
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('(the default)');
    expect(existsSync(join(dir, 'data'))).toBe(false);

    // What `npm start` runs, on a free port.
    const gateway = await startCli(['--config', 'switchboard.demo.yaml', '--port', '0'], CLEAN, 30_000, { cwd: dir });
    expect(gateway.output()).toContain('switchboard: config switchboard.demo.yaml (--config)');
    expect(await stop(gateway.child)).toBe(0);

    const after = await runCli(['keys', 'list'], CLEAN, { cwd: dir });
    expect(after.code).toBe(0);
    expect(after.stderr).toContain(
      'switchboard: config switchboard.demo.yaml (the offline demo: no ./switchboard.yaml here, and ./data/switchboard.db from `npm start` exists)',
    );
    // The demo's own key, applied to its database by the start above.
    expect(after.stdout).toMatch(/\sdemo\s+demo\s+sk-sb-demo-/);

    configWithKey(dir, 'switchboard.yaml', 'mine');
    const own = await runCli(['config', 'check'], CLEAN, { cwd: dir });
    expect(own.stderr).toContain('switchboard: config switchboard.yaml (found in the working folder)');
  });
});
