// A gateway with one upstream per upstream protocol and three keys: two with
// stored responses (to check one cannot reach the other's) and one without.
import { join } from 'node:path';
import OpenAI from 'openai';
import { configSchema } from '../../src/config/schema.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { tempDir } from '../helpers/gateway.js';

export const STATEFUL_KEY = 'sk-sb-stateful-0000000000000000000000001';
export const OTHER_KEY = 'sk-sb-stateful-0000000000000000000000002';
export const PLAIN_KEY = 'sk-sb-stateless-000000000000000000000003';

/** Public model per upstream protocol. */
export const MODELS = {
  responses: 'via-responses',
  chat: 'via-chat',
  anthropic: 'via-anthropic',
  gemini: 'via-gemini',
} as const;
export type UpstreamName = keyof typeof MODELS;
/** A model on an `openai` upstream that speaks both Chat and Responses. */
export const OPENAI_MODEL = 'via-openai';

export interface Rig {
  gw: NodeGateway;
  dbPath: string;
  openai: FakeUpstream;
  anthropic: FakeUpstream;
  gemini: FakeUpstream;
  client(key: string): OpenAI;
  /** The fake behind an upstream. */
  fake(name: UpstreamName): FakeUpstream;
  close(): Promise<void>;
}

export async function startRig(options: { now?: () => number; pruneIntervalMs?: number } = {}): Promise<Rig> {
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const dbPath = join(tempDir(), 'switchboard.db');
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    adminKey: 'sb-admin-stored-0000000000000',
    secret: 'stored-responses-secret-00000000',
    storage: { url: `sqlite:${dbPath}` },
    upstreams: [
      { id: 'up-responses', kind: 'openai', speaks: ['responses'], baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
      { id: 'up-chat', kind: 'openai', speaks: ['chat'], baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
      { id: 'up-anthropic', kind: 'anthropic', baseUrl: anthropic.url, credentials: [{ key: 'sk-ant-fake' }] },
      { id: 'up-gemini', kind: 'gemini', baseUrl: gemini.url, credentials: [{ key: 'fake-gemini-key' }] },
      // Speaks Chat and Responses (the kind's default), as an OpenAI-compatible server does.
      { id: 'up-openai', kind: 'openai', baseUrl: `${openai.url}/v1`, credentials: [{ key: 'sk-fake-openai' }] },
    ],
    models: [
      { id: MODELS.responses, routes: [{ upstream: 'up-responses', model: 'gpt-4o' }] },
      { id: MODELS.chat, routes: [{ upstream: 'up-chat', model: 'gpt-4o' }] },
      { id: MODELS.anthropic, routes: [{ upstream: 'up-anthropic', model: 'claude-sonnet-4-20250514' }] },
      { id: MODELS.gemini, routes: [{ upstream: 'up-gemini', model: 'gemini-2.5-flash' }] },
      { id: OPENAI_MODEL, routes: [{ upstream: 'up-openai', model: 'gpt-4o' }] },
    ],
    keys: [
      { name: 'stateful', key: STATEFUL_KEY, responses: { store: true, retentionDays: 30 } },
      { name: 'other', key: OTHER_KEY, responses: { store: true } },
      { name: 'plain', key: PLAIN_KEY },
    ],
  });
  const gw = await startNodeGateway(config, {
    log: () => {},
    recorderIntervalMs: 20,
    ...(options.now ? { now: options.now } : {}),
    ...(options.pruneIntervalMs ? { pruneIntervalMs: options.pruneIntervalMs } : {}),
  });
  const fakes = { responses: openai, chat: openai, anthropic, gemini };
  return {
    gw,
    dbPath,
    openai,
    anthropic,
    gemini,
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 }),
    fake: (name) => fakes[name],
    async close() {
      await gw.close();
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    },
  };
}

/** Texts of input items as OpenAI lists them (message content parts). */
export function itemTexts(items: readonly unknown[]): string[] {
  return items.map((item) => {
    const content = (item as { content?: unknown }).content;
    if (typeof content === 'string') return content;
    if (!Array.isArray(content)) return `(${String((item as { type?: unknown }).type)})`;
    return content.map((part: { text?: string }) => part.text ?? '').join('');
  });
}
