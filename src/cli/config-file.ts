import { existsSync, readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { sqlitePath } from '../platform/node/sqlite.js';

/** The file every command reads when nothing names one. */
export const DEFAULT_CONFIG = 'switchboard.yaml';
/** The offline demo `npm start` runs, in the package's root. */
export const DEMO_CONFIG = 'switchboard.demo.yaml';

export interface FoundConfig {
  path: string;
  /** Why this file: said on stderr by every command that reads it. */
  reason: string;
}

/**
 * Which config file a command reads: `--config`, else SWITCHBOARD_CONFIG, else
 * ./switchboard.yaml, else the demo, but only where `npm start` has run it (the
 * demo file in the working folder and its database there), so the README's
 * commands work after `npm start` without naming it. Anywhere else the answer
 * is ./switchboard.yaml, which readConfig reports missing with the ways out.
 */
export function findConfig(flag: string | undefined, env: Record<string, string | undefined> = process.env): FoundConfig {
  if (flag !== undefined) return { path: flag, reason: '--config' };
  if (env.SWITCHBOARD_CONFIG) return { path: env.SWITCHBOARD_CONFIG, reason: 'SWITCHBOARD_CONFIG' };
  if (existsSync(DEFAULT_CONFIG)) return { path: DEFAULT_CONFIG, reason: 'found in the working folder' };
  const demoDatabase = demoDatabaseInUse(env);
  if (demoDatabase)
    return { path: DEMO_CONFIG, reason: `the offline demo: no ./${DEFAULT_CONFIG} here, and ${demoDatabase} from \`npm start\` exists` };
  return { path: DEFAULT_CONFIG, reason: 'the default' };
}

/** The demo's SQLite file when the demo config is here and `npm start` has made its database; else undefined. */
function demoDatabaseInUse(env: Record<string, string | undefined>): string | undefined {
  if (!existsSync(DEMO_CONFIG)) return undefined;
  const demo = loadConfig(readFileSync(DEMO_CONFIG, 'utf8'), env);
  if (!demo.ok || !demo.config.storage.url.startsWith('sqlite:')) return undefined;
  const database = demo.config.storage.url.replace(/^sqlite:(\/\/)?/, '');
  return existsSync(sqlitePath(demo.config.storage.url)) ? database : undefined;
}

export class ConfigProblems extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`${path}: ${problems.length} problem(s)`);
  }
}

/** Reads and validates the config file; throws ConfigProblems listing every problem. */
export function readConfig(path: string): Config {
  if (!existsSync(path))
    throw new ConfigProblems(path, [
      `(file): not found. Pass --config PATH, set SWITCHBOARD_CONFIG, write ./${DEFAULT_CONFIG} (\`switchboard init\` makes a starter), or run \`npm start\` in a clone for the offline demo`,
    ]);
  const result = loadConfig(readFileSync(path, 'utf8'), process.env);
  if (!result.ok) throw new ConfigProblems(path, result.problems);
  return result.config;
}
