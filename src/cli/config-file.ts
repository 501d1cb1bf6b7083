import { existsSync, readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';

/** The config path: `--config`, else SWITCHBOARD_CONFIG, else ./switchboard.yaml. */
export function configPath(flag: string | undefined): string {
  return flag ?? process.env.SWITCHBOARD_CONFIG ?? 'switchboard.yaml';
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
      `(file): not found. Pass --config PATH, set SWITCHBOARD_CONFIG, or start from switchboard.demo.yaml`,
    ]);
  const result = loadConfig(readFileSync(path, 'utf8'), process.env);
  if (!result.ok) throw new ConfigProblems(path, result.problems);
  return result.config;
}
