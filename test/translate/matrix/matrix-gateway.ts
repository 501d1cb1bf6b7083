// One gateway and the three fake upstream servers for the translation matrix:
// four upstreams, one per upstream protocol, each serving one public model.
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../../src/platform/node/gateway.js';
import type { LogRecord } from '../../../src/store/types.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../../fakes/index.js';
import { eventually, tempDir, TEST_KEY } from '../../helpers/gateway.js';

export const MATRIX_KEY = TEST_KEY;

export interface MatrixRig {
  gw: NodeGateway;
  openai: FakeUpstream;
  anthropic: FakeUpstream;
  gemini: FakeUpstream;
  /** Starts a test: rows of requests made before now are never returned by `newRows`. */
  mark(): void;
  /** Log rows of requests made since `mark()` and not returned before, oldest first; waits until `count` have landed. */
  newRows(count: number): Promise<LogRecord[]>;
  close(): Promise<void>;
}

/** The public models, one routed to each upstream. */
export const MODELS = {
  chat: 'via-chat',
  responses: 'via-responses',
  anthropic: 'via-anthropic',
  gemini: 'via-gemini',
} as const;

/** The upstreams over the fake OpenAI (Chat and Responses), Anthropic and Gemini servers, as config. */
export function fakeUpstreams(openai: FakeUpstream, anthropic: FakeUpstream, gemini: FakeUpstream) {
  return [
    { id: 'up-chat', kind: 'openai', speaks: ['chat'], baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
    { id: 'up-responses', kind: 'openai', speaks: ['responses'], baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
    { id: 'up-anthropic', kind: 'anthropic', baseUrl: anthropic.url, credentials: [{ key: 'sk-ant-fake' }] },
    { id: 'up-gemini', kind: 'gemini', baseUrl: gemini.url, credentials: [{ key: 'fake-gemini-key' }] },
  ];
}

export async function startMatrix(): Promise<MatrixRig> {
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'sb-admin-matrix-000000000000',
    secret: 'matrix-secret-0000000000000000',
    storage: { url: `sqlite:${join(tempDir(), 'switchboard.db')}` },
    upstreams: [
      ...fakeUpstreams(openai, anthropic, gemini),
    ],
    models: [
      { id: MODELS.chat, routes: [{ upstream: 'up-chat', model: 'gpt-4o' }] },
      { id: MODELS.responses, routes: [{ upstream: 'up-responses', model: 'gpt-4o' }] },
      { id: MODELS.anthropic, routes: [{ upstream: 'up-anthropic', model: 'claude-sonnet-4-20250514' }] },
      { id: MODELS.gemini, routes: [{ upstream: 'up-gemini', model: 'gemini-2.5-flash' }] },
    ],
    keys: [{ name: 'matrix', group: 'matrix', key: MATRIX_KEY }],
  });
  const gw = await startNodeGateway(config, { log: () => {}, recorderIntervalMs: 20 });
  const seen = new Set<string>();
  let since = 0;

  return {
    gw,
    openai,
    anthropic,
    gemini,
    mark() {
      since = Date.now();
    },
    async newRows(count) {
      return eventually(async () => {
        await gw.ctx.recorder.flush();
        const rows = (await gw.ctx.store.logs.query({ limit: 50, offset: 0 })).data.filter((r) => r.ts >= since && !seen.has(r.id));
        if (rows.length < count) throw new Error(`expected ${count} new log rows, found ${rows.length}`);
        if (rows.length > count) throw new Error(`expected ${count} new log rows, found ${rows.length}: ${JSON.stringify(rows)}`);
        for (const r of rows) seen.add(r.id);
        return rows.reverse();
      });
    },
    async close() {
      await gw.close();
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    },
  };
}
