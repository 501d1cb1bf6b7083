import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import { valuesNeedingSecret } from '../../policy/secrets.js';
import { sqlitePath } from './sqlite.js';
import { storageKind } from './open-store.js';

/**
 * The admin key, when the config file leaves it out, is generated once and
 * kept in the data folder with owner-only permissions, so a fresh clone
 * starts with no setup and restarts keep the same value.
 */
export function localSecret(dataDir: string, name: string, prefix = ''): { value: string; path: string; created: boolean } {
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), path, created: false };
  mkdirSync(dirname(path), { recursive: true });
  const value = prefix + randomBytes(32).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return { value, path, created: true };
}

/**
 * Where the admin-key and secret files are kept: the SQLite file's folder,
 * else `./data`. With PostgreSQL each replica has its own folder, so replicas
 * should take `adminKey` and `secret` from the config file.
 */
export function dataDirOf(config: Config): string {
  if (storageKind(config.storage.url) !== 'sqlite') return './data';
  const path = sqlitePath(config.storage.url);
  return path === ':memory:' ? './data' : dirname(path);
}

/** Where the encryption secret comes from; `none` when there is none. */
export type SecretSource = { kind: 'config'; value: string } | { kind: 'file'; value: string; path: string } | { kind: 'none'; path: string };

/**
 * The encryption secret: the config file's `secret`, else a `secret` file in
 * the data folder (written by earlier versions, which generated one). It is
 * never generated any more: a secret that lives next to the database it
 * protects protects little, so it must come from the operator.
 */
export function findSecret(config: Config, dataDir = dataDirOf(config)): SecretSource {
  const path = join(dataDir, 'secret');
  if (config.secret) return { kind: 'config', value: config.secret };
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length > 0) return { kind: 'file', value, path };
  }
  return { kind: 'none', path };
}

/** Credentials in the config file with no secret to seal them (policy/secrets.ts), naming where a secret was looked for. */
export function missingSecretProblems(config: Config, source: SecretSource): string[] {
  return source.kind === 'none' ? valuesNeedingSecret(config, `none in the config, no ${source.path}`) : [];
}
