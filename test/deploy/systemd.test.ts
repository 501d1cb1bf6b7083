import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';

const UNIT = fileURLToPath(new URL('../../deploy/switchboard.service', import.meta.url));
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** The unit's settings by section; a key set twice keeps every value. */
function sections(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = header[1];
      out[current] = {};
      continue;
    }
    const eq = line.indexOf('=');
    expect(eq, `"${line}" is key=value`).toBeGreaterThan(0);
    (out[current][line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return out;
}

describe('deploy/switchboard.service', () => {
  const unit = sections(readFileSync(UNIT, 'utf8'));

  it('runs `switchboard start` with the config in /etc, as its own user, in its state folder', () => {
    const service = unit.Service;
    expect(service.ExecStart).toHaveLength(1);
    expect(service.ExecStart[0]).toMatch(/^\/\S+\/switchboard start --config \/etc\/switchboard\/switchboard\.yaml$/);
    expect(service.User[0]).not.toMatch(/^(root|0)$/);
    expect(service.WorkingDirectory).toEqual([`/var/lib/${service.StateDirectory[0]}`]);
    expect(service.NoNewPrivileges).toEqual(['true']);
    expect(service.ProtectSystem).toEqual(['strict']);
    expect(unit.Install.WantedBy).toEqual(['multi-user.target']);
  });

  it('gives the drain on SIGTERM the time it takes', () => {
    const { drainSeconds } = configSchema.parse({}).server;
    expect(unit.Service.KillSignal).toEqual(['SIGTERM']);
    expect(Number.parseInt(unit.Service.TimeoutStopSec[0], 10)).toBeGreaterThan(drainSeconds);
  });

  // systemd's own checker knows every key and value; only the command it names is absent here
  // (installed by `npm install -g`).
  it.skipIf(!existsSync(SYSTEMD_ANALYZE))('passes systemd-analyze verify', () => {
    const result = spawnSync(SYSTEMD_ANALYZE, ['verify', UNIT], { encoding: 'utf8' });
    const problems = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() !== '' && !/Command \S+\/switchboard is not executable/.test(line));
    expect(problems).toEqual([]);
  });
});
