import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway, type NodeGatewayOptions } from '../../src/platform/node/gateway.js';
import { startReplicas, testReplicas } from './replica-pair.js';
import type { RequestObserver } from '../../src/telemetry/observer.js';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

export const TEST_KEY = 'sk-sb-test-key-0000000000000000000000001';
export const LIMITED_KEY = 'sk-sb-test-key-0000000000000000000000002';
export const ADMIN_KEY = 'sb-admin-test-0000000000000000';

/** A temp folder for one test file's database. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'switchboard-test-'));
}

/**
 * Starts a real gateway on a random port over a fresh SQLite file, with an
 * `openai` and an `anthropic` upstream pointing at the given fake servers.
 */
export async function startTestGateway(options: {
  openaiUrl?: string;
  /** What the `oai` upstream speaks (default: the config's default, chat and responses). */
  openaiSpeaks?: ('chat' | 'responses')[];
  anthropicUrl?: string;
  extra?: Partial<Record<keyof Config, unknown>>;
  timeouts?: { connectMs?: number; firstByteMs?: number; idleMs?: number };
  maxBodyBytes?: number;
  /** The built dashboard to serve at `/` (default: the package's web/dist); false serves none. */
  webDir?: string | false;
  /** The gateway's clock (rate-limit minutes, budget periods, row times). */
  now?: () => number;
  /** The address to listen on (default 127.0.0.1). */
  host?: string;
  /** Receives the gateway's process log (default: dropped). */
  log?: (message: string) => void;
  /** How often it looks for changes other processes made (default: the gateway's own). */
  refreshMs?: number;
  /** What watches requests (metrics, traces; telemetry/observer.ts). */
  observers?: RequestObserver[];
  /** Where spans go when the config sets `telemetry.traces` (instead of its OTLP endpoint). */
  spanExporter?: SpanExporter;
  /**
   * When the token estimate's tokenizer is built. Default `at-first-use`, unlike a real start: hundreds of test
   * gateways each building a 100 MB tokenizer in the background would crowd a two-core machine; the start-time
   * build is tested in test/usage/tokenizer-at-start.test.ts.
   */
  tokenizerLoad?: 'at-start' | 'at-first-use';
  buildTokenizer?: NodeGatewayOptions['buildTokenizer'];
}): Promise<NodeGateway> {
  const upstreams: unknown[] = [{ id: 'mock', kind: 'mock', models: ['mock-model'] }];
  const models: unknown[] = [];
  if (options.openaiUrl) {
    upstreams.push({
      id: 'oai',
      kind: 'openai',
      baseUrl: `${options.openaiUrl}/v1`,
      ...(options.openaiSpeaks ? { speaks: options.openaiSpeaks } : {}),
      credentials: [{ key: 'sk-fake-openai' }],
      timeouts: options.timeouts ?? {},
    });
    models.push(
      { id: 'gpt-test', routes: [{ upstream: 'oai', model: 'gpt-upstream' }] },
      { id: 'gpt-context', routes: [{ upstream: 'oai', model: 'fake-error-context' }] },
      { id: 'embed-test', routes: [{ upstream: 'oai', model: 'embed-upstream' }] },
    );
  }
  if (options.anthropicUrl) {
    upstreams.push({
      id: 'ant',
      kind: 'anthropic',
      baseUrl: options.anthropicUrl,
      credentials: [{ key: 'sk-ant-fake' }],
      timeouts: options.timeouts ?? {},
    });
    models.push(
      { id: 'claude-test', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
      { id: 'claude-context', routes: [{ upstream: 'ant', model: 'fake-error-context' }] },
    );
  }
  const config = configSchema.parse({
    server: { host: options.host ?? '127.0.0.1', port: 0, ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}) },
    adminKey: ADMIN_KEY,
    secret: 'test-secret-0000000000000000',
    storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
    upstreams,
    models,
    keys: [
      { name: 'tester', group: 'team-a', key: TEST_KEY },
      { name: 'limited', group: 'team-b', key: LIMITED_KEY, models: ['mock-model'] },
    ],
    ...options.extra,
  });
  const startOptions = { log: options.log ?? (() => {}), recorderIntervalMs: 50, ...(options.now ? { now: options.now } : {}), ...(options.refreshMs ? { refreshMs: options.refreshMs } : {}), ...(options.webDir !== undefined ? { webDir: options.webDir } : {}), ...(options.observers ? { observers: options.observers } : {}), ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}), tokenizerLoad: options.tokenizerLoad ?? 'at-first-use', ...(options.buildTokenizer ? { buildTokenizer: options.buildTokenizer } : {}) };
  const replicas = testReplicas();
  return replicas > 1 ? startReplicas(config, replicas, startOptions) : startNodeGateway(config, startOptions);
}

/** Waits for the recorder, then returns the log rows newest first. */
export async function logRows(gw: NodeGateway) {
  await gw.ctx.recorder.flush();
  return (await gw.ctx.store.logs.query({ limit: 500, offset: 0 })).data;
}

/** Polls until `check` passes or the time is up (for effects that land asynchronously). */
export async function eventually<T>(check: () => Promise<T> | T, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
