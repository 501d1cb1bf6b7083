import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { ConfigProblems, findConfig, readConfig } from './config-file.js';
import { openStore } from '../platform/node/open-store.js';
import { START_HELP, startCommand } from './commands/start.js';
import { configuredBaseUrl, KEYS_HELP, keysCommand } from './commands/keys.js';
import { createSecretBox } from '../policy/secrets.js';
import { USAGE_HELP, usageCommand } from './commands/usage.js';
import { HEALTH_HELP, healthCommand } from './commands/health.js';
import { SECRET_HELP, secretCommand } from './commands/secret.js';
import { findSecret, missingSecretProblems } from '../platform/node/local-secrets.js';
import { UPSTREAM_HELP, upstreamCommand } from './commands/upstream.js';
import { INIT_HELP, initCommand } from './commands/init.js';
import { BACKUP_HELP, backupCommand } from './commands/backup.js';
import { USERS_HELP, usersCommand } from './commands/users.js';

const CONFIG_HELP = `switchboard config check [--config PATH]

Validates the config file (with \${ENV} interpolation) and lists every
problem as "path: message". Exits 1 when there is any.`;

const HELP = `switchboard — an LLM API gateway

Usage: switchboard <command> [options]

Commands:
  init            write a starter config for the providers you name
  start           serve the gateway
  keys            create, list or revoke client keys
  users           create the first admin user (and list users, set a password)
  usage           requests, tokens and latency per key, model, group or upstream
  health          each upstream credential's state: healthy, cooling or disabled, and why
  secret rotate   re-encrypt stored credentials under a new secret
  upstream        sign upstreams in (copilot, codex, claude-code), import CLI tokens, sync model lists
  config check    validate the config file
  backup FILE     copy the SQLite database while the gateway runs (PostgreSQL: pg_dump)
  version         print the version

Every command takes --config PATH and --help. The config file is --config,
else SWITCHBOARD_CONFIG, else ./switchboard.yaml, else the offline demo
(switchboard.demo.yaml) where \`npm start\` has run it; each command says on
stderr which one it read.`;

const HELPS: Record<string, string> = { start: START_HELP, keys: KEYS_HELP, usage: USAGE_HELP, config: CONFIG_HELP, health: HEALTH_HELP, upstream: UPSTREAM_HELP, secret: SECRET_HELP, init: INIT_HELP, backup: BACKUP_HELP, users: USERS_HELP };

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      name: { type: 'string' },
      group: { type: 'string' },
      models: { type: 'string' },
      by: { type: 'string' },
      since: { type: 'string' },
      'new-secret-env': { type: 'string' },
      'store-responses': { type: 'string' },
      setup: { type: 'boolean' },
      upstream: { type: 'string' },
      file: { type: 'string' },
      providers: { type: 'string' },
      role: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help') {
    console.log(HELP);
    return command || values.help ? 0 : 1;
  }
  if (values.help) {
    console.log(HELPS[command] ?? HELP);
    return HELPS[command] ? 0 : 1;
  }
  if (command === 'init') {
    initCommand({ providers: values.providers, file: values.file });
    return 0;
  }
  const found = findConfig(values.config);
  const path = found.path;
  if (HELPS[command]) console.error(`switchboard: config ${path} (${found.reason})`);
  switch (command) {
    case 'version': {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      console.log(`switchboard ${pkg.version}`);
      return 0;
    }
    case 'start':
      await startCommand({ config: path, port: values.port, host: values.host });
      return -1; // keeps running until a signal
    case 'config': {
      if (rest[0] !== 'check') throw new Error(`config: expected "check"\n\n${CONFIG_HELP}`);
      const config = readConfig(path);
      // Credentials in the file need a secret to be stored: the same check `start` makes.
      const secretProblems = missingSecretProblems(config, findSecret(config));
      if (secretProblems.length > 0) throw new ConfigProblems(path, secretProblems);
      console.log(
        `${path}: OK (${config.upstreams.length} upstreams, ${config.models.length} models, ${config.keys.length} keys)`,
      );
      return 0;
    }
    case 'backup':
      await backupCommand(readConfig(path).storage.url, rest[0]);
      return 0;
    case 'secret':
      await secretCommand(readConfig(path), rest[0], { newSecretEnv: values['new-secret-env'] }, process.env);
      return 0;
    case 'users': {
      const store = await openStore(readConfig(path).storage.url);
      try {
        await usersCommand(store, rest[0], values, process.env);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'keys':
    case 'health':
    case 'usage': {
      const config = readConfig(path);
      const store = await openStore(config.storage.url);
      try {
        if (command === 'keys') {
          const secret = findSecret(config);
          const setup = secret.kind === 'none' ? undefined : { secrets: () => createSecretBox(secret.value), baseUrl: configuredBaseUrl(config) };
          await keysCommand(store, rest[0], rest.slice(1), values, secret.kind !== 'none', setup);
        }
        else if (command === 'health') await healthCommand(store, values);
        else await usageCommand(store, values);
      } finally {
        await store.close();
      }
      return 0;
    }
    case 'upstream': {
      const config = readConfig(path);
      const store = await openStore(config.storage.url);
      try {
        await upstreamCommand(config, store, rest, values);
      } finally {
        await store.close();
      }
      return 0;
    }
    default:
      throw new Error(`unknown command "${command}"\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigProblems) {
      console.error(`${err.path} is not valid:`);
      for (const p of err.problems) console.error(`  ${p}`);
    } else {
      console.error(`switchboard: ${(err as Error).message}`);
    }
    process.exitCode = 1;
  },
);
