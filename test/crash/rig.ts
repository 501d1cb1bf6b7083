import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/gateway.js';
import { openSqliteStore } from '../../src/platform/node/sqlite.js';
import type { LogRecord } from '../../src/store/types.js';

/**
 * A gateway run as it is installed (bin/switchboard.js on dist/, started by
 * `switchboard start` in a child process) on a data folder of its own, in
 * front of fake OpenAI and Anthropic upstreams that stream slowly enough
 * for requests to be caught in flight; and clients on the official SDKs.
 */
export const KEY = 'sk-sb-crash-test-00000000000000000000000';
export const ADMIN_KEY = 'sb-admin-crash-test-000000000000000';
/** A start compiles nothing (dist/), but migrates and applies the config on a machine other tests load. */
export const START_MS = 60_000;

export interface CrashRig {
  dir: string;
  adminKey: string;
  dbPath: string;
  openai: FakeUpstream;
  anthropic: FakeUpstream;
  /** Starts the gateway on the rig's config (again after a stop: same data folder). */
  start(): Promise<{ child: ChildProcess; url: string; output: () => string }>;
  /** Every row of the database, read from the file (with no gateway running, or beside one). */
  rows(): Promise<Map<string, LogRecord>>;
  close(): Promise<void>;
}

export async function startCrashRig(options: { chunkDelayMs: number; drainSeconds?: number; journal?: boolean }): Promise<CrashRig> {
  const dir = tempDir();
  const dbPath = join(dir, 'switchboard.db');
  const openai = await startFakeOpenAI({ chunkDelayMs: options.chunkDelayMs });
  const anthropic = await startFakeAnthropic({ chunkDelayMs: options.chunkDelayMs });
  const config = {
    server: { host: '127.0.0.1', port: 0, drainSeconds: options.drainSeconds ?? 30 },
    adminKey: ADMIN_KEY,
    secret: 'crash-test-secret-000000000000000',
    storage: { url: `sqlite:${dbPath}`, ...(options.journal === undefined ? {} : { journal: { enabled: options.journal } }) },
    upstreams: [
      { id: 'oai', kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
      { id: 'ant', kind: 'anthropic', baseUrl: anthropic.url, credentials: [{ key: 'sk-ant-fake' }] },
    ],
    models: [
      { id: 'gpt-crash', routes: [{ upstream: 'oai', model: 'gpt-4o' }] },
      { id: 'embed-crash', routes: [{ upstream: 'oai', model: 'text-embedding-3-small' }] },
      { id: 'claude-crash', routes: [{ upstream: 'ant', model: 'claude-upstream' }] },
    ],
    keys: [{ name: 'crash', key: KEY }],
  };
  const file = join(dir, 'switchboard.yaml');
  // JSON is YAML: the CLI reads this file as any operator's.
  writeFileSync(file, JSON.stringify(config, null, 2));
  return {
    dir,
    adminKey: ADMIN_KEY,
    dbPath,
    openai,
    anthropic,
    start: () => startCli(['--config', file], {}, START_MS, { built: true }),
    async rows() {
      const store = await openSqliteStore(`sqlite:${dbPath}`);
      try {
        const all = new Map<string, LogRecord>();
        for (let offset = 0; ; offset += 500) {
          const page = (await store.logs.query({ limit: 500, offset })).data;
          for (const row of page) all.set(row.id, row);
          if (page.length < 500) return all;
        }
      } finally {
        await store.close();
      }
    },
    async close() {
      await openai.close();
      await anthropic.close();
    },
  };
}

export type Shape = 'chat' | 'chat-stream' | 'messages-stream' | 'embeddings';
export const SHAPES: Shape[] = ['chat', 'chat-stream', 'messages-stream', 'embeddings'];

/** What a client saw of one request: its id once the answer's headers came, and whether it read the answer whole. */
export interface Sent {
  shape: Shape;
  id: string | null;
  complete: boolean;
  error?: string;
}

/**
 * Sends one request of `shape` through the official SDK (no retries: a
 * dropped connection is the client's to see) and reads its answer to the
 * end. `onId` is told the request id as soon as the headers are in.
 */
export async function send(url: string, shape: Shape, onHeaders?: () => void): Promise<Sent> {
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: url, apiKey: KEY, maxRetries: 0 });
  const sent: Sent = { shape, id: null, complete: false };
  const got = (response: Response) => {
    sent.id = response.headers.get('x-request-id');
    onHeaders?.();
  };
  try {
    switch (shape) {
      case 'chat': {
        const { data, response } = await openai.chat.completions.create({ model: 'gpt-crash', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        got(response);
        sent.complete = data.usage !== undefined;
        break;
      }
      case 'chat-stream': {
        const { data, response } = await openai.chat.completions
          .create({ model: 'gpt-crash', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
          .withResponse();
        got(response);
        let usage = false;
        for await (const chunk of data) if (chunk.usage) usage = true;
        sent.complete = usage;
        break;
      }
      case 'messages-stream': {
        const { data, response } = await anthropic.messages
          .create({ model: 'claude-crash', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], stream: true })
          .withResponse();
        got(response);
        let stopped = false;
        for await (const event of data) if (event.type === 'message_stop') stopped = true;
        sent.complete = stopped;
        break;
      }
      case 'embeddings': {
        const { data, response } = await openai.embeddings.create({ model: 'embed-crash', input: ['one', 'two'] }).withResponse();
        got(response);
        sent.complete = data.data.length === 2;
        break;
      }
    }
  } catch (err) {
    sent.complete = false;
    sent.error = String(err);
  }
  return sent;
}
