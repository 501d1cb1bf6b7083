import { relative } from 'node:path';
import { startNodeGateway } from '../../platform/node/gateway.js';
import { readConfig } from '../config-file.js';

export const START_HELP = `switchboard start [--config PATH] [--port N] [--host H]

Starts the gateway: applies the config file to the database, then serves the
data plane (/v1/...) and the admin API (/admin/api) until SIGINT or SIGTERM.
Then it takes no new connection, lets requests in flight finish for up to
server.drainSeconds (default 30; a second signal cuts them at once), and
writes every pending usage record before exiting.`;

export async function startCommand(options: { config: string; port?: string; host?: string }): Promise<void> {
  const config = readConfig(options.config);
  if (options.port !== undefined) config.server.port = parsePort(options.port);
  if (options.host !== undefined) config.server.host = options.host;

  const gateway = await startNodeGateway(config, { log: (m) => console.error(m) });
  // Before the banner: whoever reads it may stop the gateway at once, and a signal that came before
  // a listener would end the process without writing its usage records.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      gateway.log(`${signal} again: cutting the requests still in flight`);
      void gateway.close();
      return;
    }
    stopping = true;
    const waiting = gateway.inFlight();
    // After the ^C a terminal echoes, a line break of its own (the process log writes each message on one line); a JSON log needs none.
    if (config.telemetry.logFormat !== 'json' && process.stderr.isTTY) process.stderr.write('\n');
    gateway.log(
      waiting > 0
        ? `${signal}: letting ${waiting} request(s) in flight finish (up to ${config.server.drainSeconds} s; ${signal} again to cut them), then writing usage records…`
        : `${signal}: writing usage records and stopping…`,
    );
    gateway.close({ drainMs: config.server.drainSeconds * 1000 }).then(
      () => process.exit(0),
      (err: unknown) => {
        gateway.log(`error while stopping: ${String(err)}`, 'error');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const adminKeyFile = gateway.adminKeySource === 'config' ? undefined : shortPath(gateway.adminKeySource);
  const demoKey = config.keys.find((k) => k.key)?.key;
  const shownKey = gateway.createdKeys[0]?.key ?? demoKey ?? '<your key>';
  const model = config.models.find((m) => !m.id.includes('embed'))?.id ?? 'MODEL';

  if (config.telemetry.logFormat === 'json') {
    // A log collector reads JSON lines: the banner for people becomes lines of the log.
    gateway.log(`Switchboard is listening on ${gateway.url} (config ${options.config}, database ${config.storage.url})`);
    for (const { name, key } of gateway.createdKeys) gateway.log(`new key "${name}" (shown once): ${key}`);
  } else {
    console.log(`Switchboard is listening on ${gateway.url}`);
    console.log(`  config:    ${options.config}`);
    console.log(`  database:  ${config.storage.url}`);
    console.log(
      `  admin key: ${adminKeyFile ? `in ${adminKeyFile}` : 'from the config file (adminKey)'}`,
    );
    for (const { name, key } of gateway.createdKeys) console.log(`  new key "${name}" (shown once): ${key}`);
    console.log(`  dashboard: ${gateway.url}/ (sign in with the admin key)`);
    console.log('\nTry it:');
    console.log(
      `  curl ${gateway.url}/v1/chat/completions -H 'Authorization: Bearer ${shownKey}' -H 'Content-Type: application/json' \\\n` +
        `    -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
    );
    console.log(`  curl '${gateway.url}/admin/api/usage?by=model' -H "Authorization: Bearer ${adminKeyFile ? `$(cat ${adminKeyFile})` : '<admin key>'}"`);
  }
}

/** `./data/admin-key` when under the working folder, the absolute path otherwise. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : `./${rel}`;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: must be a whole number from 0 to 65535`);
  return port;
}
