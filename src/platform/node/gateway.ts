import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from '../../config/schema.js';
import { applyConfig } from '../../config/apply.js';
import { createSecretBox } from '../../policy/secrets.js';
import { createCatalog } from '../../routing/catalog.js';
import { createProviders } from '../../providers/registry.js';
import { createRecorder } from '../../usage/recorder.js';
import { createPriceLookup } from '../../usage/cost.js';
import { createApp } from '../../gateway/app.js';
import type { GatewayContext } from '../../gateway/context.js';
import { openSqliteStore, sqlitePath } from './sqlite.js';
import { createNodeHttpClient } from './http-client.js';
import { localSecret } from './local-secrets.js';
import { nodeRequestIO } from './request-io.js';

export interface NodeGateway {
  url: string;
  ctx: GatewayContext;
  /** Where the admin key came from: `config` or the path of the file it is kept in. */
  adminKeySource: string;
  createdKeys: { name: string; key: string }[];
  /** Stops accepting, flushes the usage recorder, closes the database. */
  close(): Promise<void>;
}

export interface NodeGatewayOptions {
  log?: (message: string) => void;
  /** How often to look for changes made by other processes (CLI, other replicas). */
  refreshMs?: number;
  recorderIntervalMs?: number;
}

/** Builds the context from a validated config and serves the app over node:http. */
export async function startNodeGateway(config: Config, options: NodeGatewayOptions = {}): Promise<NodeGateway> {
  const log = options.log ?? ((m: string) => console.error(m));
  const path = sqlitePath(config.storage.url);
  const dataDir = path === ':memory:' ? './data' : dirname(path);

  const store = await openSqliteStore(config.storage.url);
  const admin = config.adminKey ? { value: config.adminKey, path: 'config' } : localSecret(dataDir, 'admin-key', 'sb-admin-');
  const secret = config.secret ?? localSecret(dataDir, 'secret').value;
  const secrets = await createSecretBox(secret);
  const { createdKeys } = await applyConfig(config, store, secrets);

  const catalog = await createCatalog(store, secrets, log);
  const stopWatching = catalog.watch(options.refreshMs ?? 2000);
  const recorder = createRecorder(store, { intervalMs: options.recorderIntervalMs ?? 1000, log });
  const upstreamHttp = createNodeHttpClient();
  const ctx: GatewayContext = {
    store,
    catalog,
    providers: createProviders(upstreamHttp.http),
    recorder,
    secrets,
    adminKey: admin.value,
    maxBodyBytes: config.server.maxBodyBytes,
    prices: createPriceLookup(config.prices),
    io: nodeRequestIO,
    now: Date.now,
    log,
  };
  const app = createApp(ctx);

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.server.host, port: config.server.port }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    ctx,
    adminKeySource: admin.path,
    createdKeys,
    close() {
      closing ??= (async () => {
        stopWatching();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        await recorder.close();
        await upstreamHttp.close();
        await store.close();
      })();
      return closing;
    },
  };
}
