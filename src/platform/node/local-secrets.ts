import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A secret the config file leaves out (the admin key, the encryption secret)
 * is generated once and kept in the data folder with owner-only permissions,
 * so a fresh clone starts with no setup and restarts keep the same values.
 */
export function localSecret(dataDir: string, name: string, prefix = ''): { value: string; path: string; created: boolean } {
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), path, created: false };
  mkdirSync(dirname(path), { recursive: true });
  const value = prefix + randomBytes(32).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, path, created: true };
}
