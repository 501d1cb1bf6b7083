import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { valuesNeedingSecret } from '../../policy/secrets.js';
import { base64url } from '../../protocols/base64url.js';
import type { WorkerEnv } from './bindings.js';

export interface WorkerConfig {
  config: Config;
  adminKey: string;
  /** The encryption secret, when one is set. */
  secret?: string;
  /** A digest of the config as read, so an isolate applies it to D1 only when it changed. */
  fingerprint: string;
}

/** Why the Worker cannot start: every request is answered with these until the config is fixed. */
export class WorkerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the Worker's config cannot be used:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * The config on Workers: the same YAML file as on Node, held by the
 * `SWITCHBOARD_CONFIG` var or secret, `${NAME}` filled from the Worker's
 * vars and secrets. There is no data folder to keep a generated admin key
 * in, so the admin key comes from the file or the `SWITCHBOARD_ADMIN_KEY`
 * secret, and the encryption secret from the file or `SWITCHBOARD_SECRET`.
 */
export async function readWorkerConfig(env: WorkerEnv): Promise<WorkerConfig> {
  const text = env.SWITCHBOARD_CONFIG;
  if (typeof text !== 'string' || text.trim() === '')
    throw new WorkerConfigError(['SWITCHBOARD_CONFIG: not set; put the YAML config file in this var or secret (see docs/workers.md)']);
  const vars: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') vars[name] = value;
  const loaded = loadConfig(text, vars);
  if (!loaded.ok) throw new WorkerConfigError(loaded.problems);
  const { config } = loaded;
  const adminKey = config.adminKey ?? vars.SWITCHBOARD_ADMIN_KEY;
  const secret = config.secret ?? vars.SWITCHBOARD_SECRET;
  const problems = [
    ...(adminKey ? [] : ['adminKey: not set; on Workers put `adminKey: ${SWITCHBOARD_ADMIN_KEY}` in the file or set the SWITCHBOARD_ADMIN_KEY secret']),
    ...(secret ? [] : valuesNeedingSecret(config, 'none in the config, no SWITCHBOARD_SECRET secret')),
    // The Workers fetch cannot go through a proxy: refused here rather than every request failing later.
    ...config.upstreams.flatMap((u, i) =>
      u.proxy ? [`upstreams[${i}].proxy: a Worker cannot send requests through a proxy (only the Node gateway can); remove it here`] : [],
    ),
  ];
  if (problems.length > 0) throw new WorkerConfigError(problems);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(config)));
  return { config, adminKey: adminKey!, secret, fingerprint: base64url(new Uint8Array(digest)) };
}
