/**
 * Runs the Worker locally under `wrangler dev` (local D1 and Durable
 * Objects, offline) on any config file, without editing wrangler.jsonc:
 *
 *   npm run dev:workers -- [--config switchboard.yaml] [--port 8787] [--ip 127.0.0.1] [--persist-to .wrangler/state]
 *
 * It builds the dashboard when needed, applies the D1 migrations to the
 * local database, and starts `wrangler dev` with the YAML file in the
 * SWITCHBOARD_CONFIG var. The `${NAME}`s the file names are taken from this
 * shell, as `npm start` does. A file without `adminKey` gets one generated
 * once and kept in the persist folder (printed at start).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ensureWebBuilt } from '../web/scripts/ensure-built.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
/** No telemetry, and no fetch of the `Request.cf` placeholder from the network: local runs stay offline. */
const OFFLINE_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_UPDATE_NOTIFIER: '1' };

const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'switchboard.demo.yaml' },
    port: { type: 'string', default: '8787' },
    ip: { type: 'string', default: '127.0.0.1' },
    'persist-to': { type: 'string', default: join(ROOT, '.wrangler', 'state') },
    // The Worker straight in workerd (Miniflare, with the bindings wrangler.jsonc names) without wrangler dev's
    // proxy in front, for the tests and the bench: under a burst of concurrent requests that proxy loses its link
    // to the Worker and answers 503 "Your worker restarted mid-request" for requests the Worker may have served.
    direct: { type: 'boolean', default: false },
  },
});

const configPath = resolve(values.config!);
const persistTo = resolve(values['persist-to']!);
const text = readFileSync(configPath, 'utf8');
mkdirSync(persistTo, { recursive: true });

const vars: Record<string, string> = {};
// The `${NAME}`s the file refers to, from this shell (unset ones are left to the file's defaults or its error).
for (const [, name] of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) if (process.env[name] !== undefined) vars[name] = process.env[name]!;
for (const name of ['SWITCHBOARD_ADMIN_KEY', 'SWITCHBOARD_SECRET']) if (process.env[name] !== undefined) vars[name] = process.env[name]!;
if (!(parseYaml(text) as { adminKey?: unknown } | null)?.adminKey && !vars.SWITCHBOARD_ADMIN_KEY) {
  const keyFile = join(persistTo, 'admin-key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, `sb-admin-${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  vars.SWITCHBOARD_ADMIN_KEY = readFileSync(keyFile, 'utf8').trim();
  console.error(`admin key (kept in ${keyFile}): ${vars.SWITCHBOARD_ADMIN_KEY}`);
}

// The values the file refers to go in an env file of the persist folder (owner-only), not on the command line
// where `ps` shows them; the file itself, whose secrets are `${NAME}`s, goes as a var (a dotenv file cannot
// carry every YAML text unchanged).
const envFile = join(persistTo, 'dev.env');
writeFileSync(envFile, Object.entries(vars).map(([name, value]) => `${name}=${quoteForEnvFile(value)}`).join('\n') + '\n', { mode: 0o600 });

await ensureWebBuilt((m) => console.error(m));

const env = { ...process.env, ...OFFLINE_ENV };
const migrated = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
if (migrated.status !== 0) process.exit(migrated.status ?? 1);

if (values.direct) await serveDirect();
else {
  const dev = spawn(
    WRANGLER,
    ['dev', '--port', values.port!, '--ip', values.ip!, '--persist-to', persistTo, '--env-file', envFile, '--var', `SWITCHBOARD_CONFIG:${text}`, '--show-interactive-dev-session=false'],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));
  dev.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * The same Worker and bindings in workerd through Miniflare: the bundle
 * built as wrangler builds it (esbuild, the workerd conditions), the
 * bindings read from wrangler.jsonc by wrangler's own translation, the same
 * persisted D1 and Durable Object state.
 */
async function serveDirect(): Promise<void> {
  const [{ Miniflare }, { unstable_getMiniflareWorkerOptions }, { bundleWorker }] = await Promise.all([import('miniflare'), import('wrangler'), import('./bundle-worker.js')]);
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.jsonc'));
  const script = await bundleWorker(main);
  const mf = new Miniflare({
    ...(workerOptions as object),
    modules: true,
    script,
    bindings: { ...workerOptions.bindings, ...vars, SWITCHBOARD_CONFIG: text },
    host: values.ip!,
    port: Number(values.port),
    // Where `wrangler dev --persist-to` keeps them, so the migrations applied above are found.
    d1Persist: join(persistTo, 'v3', 'd1'),
    durableObjectsPersist: join(persistTo, 'v3', 'do'),
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.pipe(process.stdout);
      stderr.pipe(process.stderr);
    },
  } as ConstructorParameters<typeof Miniflare>[0]);
  console.error(`[switchboard] Ready on ${(await mf.ready).toString().replace(/\/$/, '')} (workerd through Miniflare, without wrangler dev's proxy)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void mf.dispose().finally(() => process.exit(0)));
}

/**
 * A value for a dotenv file, kept byte for byte: single quotes, or backticks
 * when it holds a single quote; both take newlines as they are and expand
 * nothing. Double quotes would turn `\n` into a newline, so they are refused.
 */
function quoteForEnvFile(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('`')) return `\`${value}\``;
  throw new Error('a value holds both a single quote and a backtick, which a dotenv file cannot carry unchanged');
}
